// The event store suite against a real PostgreSQL server (TEST_DATABASE_URL, set by npm test when
// one is reachable). Each run works in databases of its own, golf_test_<random>, dropped at the end,
// so parallel runs never meet. The outage test stops a private cluster, never the shared server.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { describe } from "vitest";
import { openStore, type Store } from "./index.ts";
import { eventStoreSuite, silentLogger, type OutageRig } from "./test/suite.ts";
import { ThrowawayPostgres } from "./test/throwaway-postgres.ts";

describe.skipIf(!process.env.TEST_DATABASE_URL)("the store on PostgreSQL", () => {
  eventStoreSuite(async () => {
    const adminUrl = process.env.TEST_DATABASE_URL!;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const databases: string[] = [];

    async function freshDatabase(): Promise<string> {
      const name = `golf_test_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
      await admin.query(`CREATE DATABASE ${name}`);
      databases.push(name);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    }

    const url = await freshDatabase();
    return {
      open: (options) => openStore({ ...options, databaseUrl: url }),
      freshDatabase,
      outage: () => postgresOutage(),
      async cleanup() {
        for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      },
    };
  });
});

async function postgresOutage(): Promise<OutageRig> {
  const cluster = await ThrowawayPostgres.create();
  let store: Store;
  try {
    store = await openStore({ databaseUrl: cluster.url, logger: silentLogger });
  } catch (err) {
    await cluster.destroy();
    throw err;
  }
  let holder: pg.Client | null = null;
  return {
    store,
    async hold(gameId) {
      // Another session locks the game's head row: the next append batch waits for it in the server.
      holder = new pg.Client({ connectionString: cluster.url });
      holder.on("error", () => undefined); // it dies with the server
      await holder.connect();
      await holder.query("BEGIN");
      await holder.query("SELECT 1 FROM game_heads WHERE game_id = $1 FOR UPDATE", [gameId]);
    },
    async stop() {
      if (holder) {
        // Stop only once the batch is really in the server, waiting on that lock.
        let waiting = false;
        for (let poll = 0; poll < 500 && !waiting; poll++) {
          const { rows } = await holder.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted");
          waiting = rows[0]!.n > 0;
          if (!waiting) await new Promise((resolve) => setTimeout(resolve, 10));
        }
        if (!waiting) throw new Error("the append batch never reached the server");
        holder = null;
      }
      await cluster.stop();
    },
    start: () => cluster.start(),
    async close() {
      await store.close();
      await cluster.destroy();
    },
  };
}
