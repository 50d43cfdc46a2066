// A node killed with SIGKILL between games' final events and their results: a real server process
// applies the results of games that ended (their gameEnded committed), and dies at a random moment,
// several times over. Every time, the tables hold exactly the results applied so far; once a node
// runs again, every result is there once. Then `npm run stats:rebuild` gives the same tables.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "../store/index.ts";
import { playGame, plannedGames, storeGame } from "../stats/test/games.ts";
import { expectRecount, silentLogger, tables } from "../stats/test/suite.ts";
import { freePort } from "../free-port.ts";
import { databaseBackends, startServerProcess, type Database } from "./node-process.ts";

const REPO = path.resolve(import.meta.dirname, "../..");
const GAMES_PER_ROUND = 60;
const ROUNDS = 3;

describe.each(databaseBackends("statscrash"))("results survive a kill -9 of the node ($name)", (backend) => {
  let database: Database;
  const users = Array.from({ length: 10 }, () => randomUUID());
  const openHere = () => openStore({ databaseUrl: database.location.url, dataDir: database.location.dataDir, logger: silentLogger });

  beforeAll(async () => {
    database = await backend.open();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("loses and doubles nothing, wherever the node dies", async () => {
    const embedded = Boolean(database.location.dataDir);
    for (let round = 0; round < ROUNDS; round++) {
      // Games end (their gameEnded commits) while no node applies them.
      let store: Store = await openHere();
      for (const plan of plannedGames(GAMES_PER_ROUND, users, 1000 + round)) await storeGame(store, playGame(plan));
      const appliedBefore = await appliedCount(store);
      if (embedded) await store.close(); // the node process needs the data directory for itself

      const server = await startServerProcess(await freePort("127.0.0.1"), database.location, { STATS_POLL_MS: "1" });
      if (embedded) {
        // The node applies as it starts; it dies somewhere in that run.
        await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 1200));
      } else {
        // Wait until it is part-way through, then kill it at once.
        const target = appliedBefore + 1 + Math.floor(Math.random() * ((await pendingCount(store)) - 1));
        while ((await appliedCount(store)) < target) await new Promise((resolve) => setTimeout(resolve, 2));
      }
      server.child.kill("SIGKILL");
      expect((await server.exited).signal).toBe("SIGKILL");

      if (embedded) store = await openHere();
      // Whatever was applied was applied whole, once, in order; nothing else is in the tables.
      await expectRecount(store, new Map(), true);
      await store.close();
    }

    // A node that runs again applies whatever is left, once.
    const server = await startServerProcess(await freePort("127.0.0.1"), database.location, { STATS_POLL_MS: "1" });
    if (!embedded) {
      const store = await openHere();
      while ((await pendingCount(store)) > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      await store.close();
    } else {
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
    server.child.kill("SIGTERM");
    await server.exited;
    let store = await openHere();
    while (await store.results.applyNext()); // anything the node had not reached yet (PGlite's timing)
    await expectRecount(store);
    const before = await tables(store);
    await store.close();

    // `npm run stats:rebuild` rebuilds the same tables.
    const rebuild = spawn(process.execPath, ["--import", "tsx", "server/stats/rebuild-cli.ts"], {
      cwd: REPO,
      env: { ...process.env, DATABASE_URL: database.location.url ?? "", DATA_DIR: database.location.dataDir ?? "./data", LOG_LEVEL: "warn" },
      stdio: "inherit",
    });
    expect(await new Promise((resolve) => rebuild.once("exit", resolve))).toBe(0);
    store = await openHere();
    expect(await tables(store)).toEqual(before);
    await store.close();
  }, 300_000);
});

async function appliedCount(store: Store): Promise<number> {
  return count(store, "SELECT count(*) FROM games WHERE result_seq IS NOT NULL");
}

/** Finished games whose result is not applied yet. */
async function pendingCount(store: Store): Promise<number> {
  return count(store, "SELECT count(*) FROM games WHERE status = 'finished' AND result_seq IS NULL");
}

async function count(store: Store, sql: string): Promise<number> {
  const client = new pg.Client({ connectionString: store.connectionString });
  await client.connect();
  try {
    return Number((await client.query<{ count: string }>(sql)).rows[0]!.count);
  } finally {
    await client.end();
  }
}
