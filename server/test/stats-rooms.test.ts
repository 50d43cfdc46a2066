// Results from real rooms: SDK bots and CPUs finish games on two nodes sharing one database (one
// node on PGlite). The nodes do not poll: each applies results after a game finishes on it (the
// node's hook on its rooms' commits). Every game once, the CPU personalities rated, equal to the
// recount from the exports.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { scratchDatabase, startTestNode, type TestNode } from "../testing.ts";
import { expectRecount } from "../stats/test/suite.ts";
import { Bot } from "./support.ts";

const GAMES_PER_NODE = 3;

describe("results of games played in real rooms", () => {
  const nodes: TestNode[] = [];
  const bots: Bot[] = [];
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    if (process.env.TEST_DATABASE_URL) {
      const scratch = await scratchDatabase(process.env.TEST_DATABASE_URL, "golf_statsrooms");
      drop = scratch.drop;
      // Both nodes start before any game exists, so neither recovers the other's games.
      for (let i = 0; i < 2; i++) nodes.push(await startTestNode({ databaseUrl: scratch.url, statsPollMs: 0 }));
    } else {
      nodes.push(await startTestNode({ statsPollMs: 0 }));
    }
  });
  afterAll(async () => {
    for (const bot of bots) bot.stopPlaying();
    for (const node of nodes) await node.close();
    await drop?.();
  });

  it("applies every game once as it ends, on every node at once, and rates the CPUs", async () => {
    const games = await Promise.all(
      nodes.flatMap((node) =>
        Array.from({ length: GAMES_PER_NODE }, async (_, n) => {
          const host = await Bot.create(node.url, { name: `Host${n}`, seats: 3, cpus: 2, holes: 1, turnSeconds: 0 });
          bots.push(host);
          expect((await host.act("start")).ok).toBe(true);
          await host.until(() => host.state.phase === "gameOver", 120_000, "game over");
          return host.welcome!.gameId;
        }),
      ),
    );
    const store = nodes[0]!.store;
    const client = new pg.Client({ connectionString: store.connectionString });
    await client.connect();
    try {
      await vi.waitFor(
        async () => {
          const { rows } = await client.query<{ applied: string }>("SELECT count(result_seq) AS applied FROM games WHERE id = ANY($1::uuid[])", [games]);
          expect(Number(rows[0]!.applied)).toBe(games.length);
        },
        { timeout: 30_000, interval: 50 },
      );
      const { rows } = await client.query<{ games: string; history: string }>(
        "SELECT sum(games) AS games, (SELECT count(*) FROM rating_history) AS history FROM ratings WHERE player LIKE 'cpu:%:hard'",
      );
      // Two CPUs a game, each game ranked (standard rules): one rating step each.
      expect(Number(rows[0]!.games)).toBe(2 * games.length);
      expect(Number(rows[0]!.history)).toBe(2 * games.length);
    } finally {
      await client.end();
    }
    await expectRecount(store);
  }, 180_000);
});
