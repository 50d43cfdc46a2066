// Results from real rooms: signed-in players (SDK bots with session tokens) and CPUs finish games
// on two nodes sharing one database (one node on PGlite). The nodes do not poll: each applies
// results after a game finishes on it (the node's hook on its rooms' commits) and a guest's merge
// when accounts announce it. Every game once, the players' stats and the CPUs' ratings equal to the
// recount from the exports; a guest's games move to the account it is merged into.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { scratchDatabase, startTestNode, type TestNode } from "../testing.ts";
import { call, freshAccount, guest, register } from "../accounts/test/support.ts";
import { expectBoardCounts, expectRecount } from "../stats/test/suite.ts";
import { Bot } from "./support.ts";

const GAMES_PER_NODE = 3;
const WAIT = { timeout: 30_000, interval: 50 };

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

  /** A game of two signed-in players (sessions `host` and `other`) and a CPU on `node`, played to its end. */
  async function playSignedIn(node: TestNode, host: string, other: string, n: number): Promise<string> {
    const first = await Bot.create(node.url, { name: `Host${n}`, seats: 3, cpus: 1, holes: 1, turnSeconds: 0 }, { session: host });
    bots.push(first);
    const second = await Bot.joinById(node.url, first.code, { name: `Other${n}` }, { session: other });
    bots.push(second);
    expect((await first.act("start")).ok).toBe(true);
    for (const bot of [first, second]) await bot.until(() => bot.state.phase === "gameOver", 120_000, "game over");
    expect(first.state.seats.map((seat) => seat.userId).filter(Boolean)).toHaveLength(2);
    return first.welcome!.gameId;
  }

  async function sql<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: nodes[0]!.store.connectionString });
    await client.connect();
    try {
      return (await client.query<T>(text, values)).rows;
    } finally {
      await client.end();
    }
  }

  it("applies every game once as it ends, on every node at once, for the signed-in players, and rates the CPUs", async () => {
    const url = nodes[0]!.url;
    const ann = await register(url, freshAccount());
    const ben = await register(url, freshAccount());
    const games = await Promise.all(nodes.flatMap((node, i) => Array.from({ length: GAMES_PER_NODE }, (_, n) => playSignedIn(node, ann.token, ben.token, i * 10 + n))));
    await vi.waitFor(async () => {
      const [row] = await sql<{ applied: string }>("SELECT count(result_seq) AS applied FROM games WHERE id = ANY($1::uuid[])", [games]);
      expect(Number(row!.applied)).toBe(games.length);
    }, WAIT);
    const store = nodes[0]!.store;
    for (const user of [ann.user.id, ben.user.id]) expect((await store.stats.userStats(user)).ranked.games).toBe(games.length);
    const [cpus] = await sql<{ games: string }>("SELECT sum(games) AS games FROM ratings WHERE player LIKE 'cpu:%:hard'");
    expect(Number(cpus!.games)).toBe(games.length); // one CPU a game, every game ranked
    // Registered players are on the boards; a finished game is in each one's list, newest first.
    const board = await store.stats.leaderboard({ metric: "games", period: "week" });
    expect(board.rows.map((row) => row.userId).sort()).toEqual([ann.user.id, ben.user.id].sort());
    expect((await store.stats.userGames(ann.user.id, "finished", { limit: 100 })).items.map((game) => game.gameId).sort()).toEqual([...games].sort());
    await expectRecount(store);
    await expectBoardCounts(store);
  }, 180_000);

  it("a guest's games count for the account it is merged into", async () => {
    const node = nodes.at(-1)!;
    const visitor = await guest(node.url, "Visitor");
    const owner = await register(node.url, freshAccount());
    const opponent = await register(node.url, freshAccount());
    await playSignedIn(node, visitor.token, opponent.token, 99);
    await vi.waitFor(async () => expect((await node.store.stats.userStats(visitor.user.id)).all.games).toBe(1), WAIT);
    const answer = await call<{ ok: boolean; count: number }>(node.url, "POST", "/auth/merge-guest", { token: owner.token, body: { guestToken: visitor.token } });
    expect(answer.body).toEqual({ ok: true, count: 1 });
    await vi.waitFor(async () => expect((await node.store.stats.userStats(owner.user.id)).all.games).toBe(1), WAIT);
    expect((await node.store.stats.userStats(visitor.user.id)).all.games).toBe(0);
    const [placed] = await sql<{ count: string }>("SELECT count(*) FROM stats_merges WHERE from_user_id = $1", [visitor.user.id]);
    expect(Number(placed!.count)).toBe(1);
  }, 120_000);
});
