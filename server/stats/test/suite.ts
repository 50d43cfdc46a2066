// The results suite, run on PostgreSQL and on PGlite by the *.test.ts files beside server/stats/.
// A few hundred games written with the engine and ended through the store (on several stores at
// once where the backend has more than one), applied by the node's recorder, then checked against an
// independent recount from the exports; the rebuild, merges and the reads on top.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { pino } from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { newJoinCode } from "../../../shared/protocol/index.ts";
import { BadQueryError, type LeaderboardRow, type Page, type Store, type UserGame } from "../../store/index.ts";
import { startRecorder } from "../recorder.ts";
import { RATED_AFTER_GAMES } from "../ratings.ts";
import { playGame, plannedGames, storeGame, type PlannedGame } from "./games.ts";
import { recount } from "./recount.ts";

export const silentLogger = pino({ level: "silent" });

export interface StatsBackend {
  /** The file's store. */
  store: Store;
  /** Other nodes' stores on the same database (none for PGlite, which one process holds). */
  others: Store[];
  cleanup(): Promise<void>;
}

/** Every derived table, in a fixed order, for comparing two states. */
export async function tables(store: Store): Promise<Record<string, unknown[]>> {
  const client = new pg.Client({ connectionString: store.connectionString });
  await client.connect();
  try {
    const read = async (sql: string) => (await client.query(sql)).rows;
    return {
      order: await read("SELECT id, result_seq FROM games WHERE result_seq IS NOT NULL ORDER BY result_seq"),
      game_results: await read("SELECT * FROM game_results ORDER BY user_id, result_seq, seat"),
      player_stats: await read("SELECT * FROM player_stats ORDER BY user_id, scope"),
      period_stats: await read("SELECT * FROM period_stats ORDER BY period, user_id"),
      ratings: await read("SELECT * FROM ratings ORDER BY player"),
      rating_history: await read("SELECT * FROM rating_history ORDER BY player, result_seq"),
      board_counts: await read("SELECT * FROM board_counts ORDER BY board, period, value"),
    };
  } finally {
    await client.end();
  }
}

/** board_counts (kept by triggers) holds exactly the listed rows' counts per board, period and value. */
export async function expectBoardCounts(store: Store): Promise<void> {
  const client = new pg.Client({ connectionString: store.connectionString });
  await client.connect();
  try {
    const read = async (sql: string) => (await client.query(sql)).rows;
    const expected = await read(`
      SELECT board, period, value, n::int FROM (
        SELECT 'wins' AS board, period, wins::float8 AS value, count(*) AS n FROM period_stats WHERE listed GROUP BY 1, 2, 3
        UNION ALL SELECT 'games', period, games::float8, count(*) FROM period_stats WHERE listed GROUP BY 1, 2, 3
        UNION ALL SELECT 'meanHoleScore', period, floor(mean_hole_score * 10) / 10, count(*) FROM period_stats WHERE listed AND holes >= 36 GROUP BY 1, 2, 3
        UNION ALL SELECT 'rating', 'all', rating::float8, count(*) FROM ratings WHERE listed AND games >= 5 GROUP BY 1, 2, 3
      ) AS counts ORDER BY board, period, value`);
    expect(await read("SELECT board, period, value, n FROM board_counts ORDER BY board, period, value")).toEqual(expected);
  } finally {
    await client.end();
  }
}

/**
 * Checks the tables against a recount from the exports of every game, in the stored order.
 * `partial`: finished games may still wait (a node died before applying them); the applied ones
 * must still be numbered 1..N and the tables must hold exactly their results.
 */
export async function expectRecount(store: Store, merged: Map<string, string> = new Map(), partial = false): Promise<void> {
  const client = new pg.Client({ connectionString: store.connectionString });
  await client.connect();
  const games = (await client.query<{ id: string; status: string; result_seq: string | null; ended_at: Date }>("SELECT id, status, result_seq, ended_at FROM games WHERE NOT imported ORDER BY result_seq")).rows;
  await client.end();
  // Every finished game has exactly one place in the order, 1..N; an abandoned one has none.
  const finished = games.filter((game) => game.status === "finished" && game.result_seq !== null);
  if (!partial) expect(finished).toHaveLength(games.filter((game) => game.status === "finished").length);
  expect(games.filter((game) => game.status !== "finished").every((game) => game.result_seq === null)).toBe(true);
  expect(finished.map((game) => Number(game.result_seq))).toEqual(finished.map((_, i) => i + 1));

  const docs = [];
  for (const game of finished) docs.push({ doc: await store.exports.exportGame(game.id), endedAt: game.ended_at.getTime() });
  // A merged guest's rows are the account's: the recount re-keys them the same way.
  for (const { doc } of docs) {
    for (const event of doc.events) {
      const data = event.data as { userId?: string; playerId?: string };
      if (event.type === "seatTaken" && data.userId && merged.has(data.userId)) data.userId = merged.get(data.userId);
    }
  }
  const expected = recount(docs);
  const stored = await tables(store);

  expect(stored.game_results).toHaveLength(expected.results);
  const stats = new Map(stored.player_stats.map((row: any) => [`${row.user_id} ${row.scope}`, row]));
  expect([...stats.keys()].sort()).toEqual([...expected.stats.keys()].sort());
  for (const [key, row] of expected.stats) {
    const { user_id: _user, scope: _scope, ...figures } = stats.get(key) as Record<string, unknown>;
    expect(figures, key).toEqual(row);
  }
  const periods = new Map(stored.period_stats.map((row: any) => [`${row.period} ${row.user_id}`, row]));
  expect([...periods.keys()].sort()).toEqual([...expected.periods.keys()].sort());
  for (const [key, row] of expected.periods) {
    const { period: _period, user_id: _user, mean_hole_score, listed: _listed, ...figures } = periods.get(key) as Record<string, unknown>;
    expect(figures, key).toEqual(row);
    expect(mean_hole_score, key).toBe(row.holes === 0 ? null : row.hole_score_sum / row.holes);
  }
  // Ratings: one rating per rated player (merged guests' are dropped), one history row per ranked game.
  const ratings = new Map(stored.ratings.map((row: any) => [row.player, row.games]));
  const history = new Map<string, number>();
  for (const row of stored.rating_history as { player: string }[]) history.set(row.player, (history.get(row.player) ?? 0) + 1);
  for (const guest of merged.keys()) expect(ratings.has(guest)).toBe(false);
  for (const [player, games] of ratings) expect(history.get(player), player).toBe(games);
  const mergedAway = new Set([...merged.keys(), ...merged.values()]);
  for (const [player, games] of expected.rankedGames) if (!mergedAway.has(player)) expect(ratings.get(player), player).toBe(games);
}

/** A registered player's account for `id`. */
function account() {
  const name = `p${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  return { username: name, email: `${name}@example.test`, passwordHash: "not a real hash" };
}

async function register(store: Store, id: string): Promise<void> {
  await store.accounts.createAccount(id, account());
}

export function statsSuite(makeBackend: () => Promise<StatsBackend>): void {
  let backend: StatsBackend;
  let store: Store;
  const users = Array.from({ length: 14 }, () => randomUUID());

  beforeAll(async () => {
    backend = await makeBackend();
    store = backend.store;
  });
  afterAll(async () => {
    await backend?.cleanup();
  });

  it("applies every finished game once, in order, on every node at once, and every stat equals a recount from the exports", async () => {
    // Registered players are listed on the leaderboards; the last two stay guests for now.
    for (const user of users.slice(0, -2)) await register(store, user);
    for (const user of users.slice(-2)) await store.accounts.createGuest(user, "Guest");
    const stores = [store, ...backend.others];
    const recorders = stores.map((each) => startRecorder({ results: each.results, logger: silentLogger, pollMs: 5 }));
    const plans = plannedGames(240, users, 20261207);
    // Four writers at once, each game ended through one of the stores in turn (another node's when there are several).
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < plans.length) {
          const n = next++;
          await storeGame(store, playGame(plans[n]!), stores[n % stores.length]);
        }
      }),
    );
    await Promise.all(recorders.map((recorder) => recorder.catchUp()));
    await Promise.all(recorders.map((recorder) => recorder.close()));
    await expectRecount(store);
    // Nothing waits and nothing is applied twice: another catch-up finds nothing.
    expect(await store.results.applyNext()).toBeNull();
  }, 240_000);

  it("rebuilds every table from the logs, in the stored order, to identical tables", async () => {
    const before = await tables(store);
    expect(before.ratings.length).toBeGreaterThan(0);
    const rebuilt = await store.results.rebuild();
    expect(rebuilt.games).toBe(before.order.length);
    expect(await tables(store)).toEqual(before);
  }, 120_000);

  it("lists registered players only on the leaderboards, and a guest who registers appears with every game", async () => {
    const guest = users.at(-1)!;
    const onBoard = async () => {
      const found = [];
      for (const metric of ["rating", "wins", "games"] as const) {
        const rows = (await store.stats.leaderboard({ metric, period: "all" }, { limit: 100 })).rows;
        found.push(rows.some((row) => row.userId === guest));
      }
      return found;
    };
    expect((await store.stats.userStats(guest)).ranked.games).toBeGreaterThan(5);
    expect(await onBoard()).toEqual([false, false, false]);
    expect(await store.stats.standing({ metric: "wins", period: "all" }, guest)).toBeNull();
    expect(await store.accounts.upgradeGuest(guest, account())).not.toBeNull(); // the guest registers
    expect(await onBoard()).toEqual([true, true, true]);
    await expectBoardCounts(store);
    const row = await store.stats.standing({ metric: "games", period: "all" }, guest);
    expect(row?.value).toBe((await store.stats.userStats(guest)).ranked.games);
    const before = await tables(store);
    await store.results.rebuild();
    expect(await tables(store)).toEqual(before);
    await store.accounts.deleteUser(guest, "Deleted player"); // and deletes the account
    expect(await onBoard()).toEqual([false, false, false]);
    await expectBoardCounts(store);
  });

  it("a conceded player is placed last and abandoned games do not count", async () => {
    const [first, second] = [randomUUID(), randomUUID()];
    // The conceding player would have the better total; they are last all the same.
    const plan: PlannedGame = { seed: 99, seats: [{ kind: "user", userId: first }, { kind: "user", userId: second }], concede: [0], holes: 1 };
    await storeGame(store, playGame(plan));
    await storeGame(store, playGame({ ...plan, seed: 100, concede: [], abandonAfter: 5 }));
    while (await store.results.applyNext());
    const firstStats = await store.stats.userStats(first);
    const secondStats = await store.stats.userStats(second);
    expect(firstStats.all).toMatchObject({ games: 1, wins: 0 });
    expect(secondStats.all).toMatchObject({ games: 1, wins: 1, streak: 1 });
    const games = await store.stats.userGames(first, "finished");
    expect(games.items.map((game) => game.result)).toEqual([{ place: 2, players: 2, won: false, total: expect.any(Number), ranked: true }]);
  });

  it("a finished game whose log does not end it counts for nobody and holds nothing up", async () => {
    const user = randomUUID();
    const events = playGame({ seed: 77, seats: [{ kind: "user", userId: user }, { kind: "cpu" }], holes: 1 });
    const broken = randomUUID();
    await store.games.create({ id: broken, code: newJoinCode(), private: false, rules: {}, holes: 1, decks: null, seats: [] });
    await store.log.append(broken, events.slice(0, 12), 0);
    await store.games.finish(broken, { status: "finished", totals: [0, 0], winners: [0, 1] }); // a record its log does not bear out
    const fine = await storeGame(store, events);
    const applied = [];
    for (let result = await store.results.applyNext(); result; result = await store.results.applyNext()) applied.push(result);
    expect(applied.map((result) => [result.gameId, result.problem, result.userIds])).toEqual([
      [broken, "its log does not end with gameEnded", []],
      [fine, undefined, [user]],
    ]);
    expect((await store.stats.userStats(user)).all.games).toBe(1);
  });

  it("merges a guest into an account, and a rebuild gives the same tables", async () => {
    const [guest, owner, other] = [randomUUID(), randomUUID(), randomUUID()];
    await store.accounts.createGuest(guest, "Guest");
    await register(store, owner);
    const seats = (a: string, b: string): PlannedGame["seats"] => [{ kind: "user", userId: a }, { kind: "user", userId: b }, { kind: "cpu" }];
    for (let n = 0; n < 6; n++) await storeGame(store, playGame({ seed: 500 + n, seats: seats(guest, other), holes: 1 }));
    for (let n = 0; n < 6; n++) await storeGame(store, playGame({ seed: 600 + n, seats: seats(owner, other), holes: 1 }));
    while (await store.results.applyNext());
    const ownerRating = (await store.stats.userStats(owner)).rating;
    expect(ownerRating?.games).toBe(6);

    // The accounts side records the merge (user_merges); the stats apply it once.
    expect(await store.accounts.mergeGuest(guest, owner)).toBe(true);
    expect(await store.results.applyPendingMerges()).toBe(1);
    expect(await store.results.applyPendingMerges()).toBe(0);
    const merged = await store.stats.userStats(owner);
    expect(merged.all.games).toBe(12);
    expect(merged.rating).toEqual(ownerRating); // the account keeps its rating
    expect((await store.stats.userStats(guest)).rating).toBeNull(); // the guest's is dropped
    expect((await store.stats.userGames(owner, "finished", { limit: 100 })).items).toHaveLength(12);
    const once = await tables(store);
    await store.results.applyMerge(guest, owner); // applied already: nothing changes
    expect(await tables(store)).toEqual(once);
    // A game the guest was still playing at the merge ends later: it goes to the account too.
    await storeGame(store, playGame({ seed: 700, seats: seats(guest, other), holes: 1 }));
    while (await store.results.applyNext());
    expect((await store.stats.userStats(owner)).all.games).toBe(13);
    expect((await store.stats.userStats(guest)).all.games).toBe(0);
    await expectRecount(store, new Map([[guest, owner]]));
    await expectBoardCounts(store);
    // The account is listed: its rows on the boards count the guest's games.
    expect((await store.stats.standing({ metric: "games", period: "all" }, owner))?.value).toBe(merged.ranked.games + 1);

    const before = await tables(store);
    await store.results.rebuild();
    expect(await tables(store)).toEqual(before);
  }, 120_000);

  it("lists a user's active and finished games, newest first, by cursor", async () => {
    const [user, other] = [randomUUID(), randomUUID()];
    const plan = (seed: number): PlannedGame => ({ seed, seats: [{ kind: "user", userId: user }, { kind: "user", userId: other }], holes: 1 });
    const finished: string[] = [];
    for (let n = 0; n < 5; n++) finished.push(await storeGame(store, playGame(plan(800 + n))));
    while (await store.results.applyNext());
    // Games still running: their log stops before the end.
    const active: string[] = [];
    for (let n = 0; n < 3; n++) {
      const events = playGame(plan(900 + n));
      const id = randomUUID();
      await store.games.create({ id, code: newJoinCode(), private: false, rules: {}, holes: 1, decks: null, seats: [] });
      // A second apart, so "newest first" has one answer.
      await store.log.append(id, events.slice(0, 10).map((event) => ({ ...event, at: Date.now() + n * 1000 })), 0);
      active.push(id);
    }
    const walk = async (status: "active" | "finished") => {
      const seen: UserGame[] = [];
      let cursor: string | null = null;
      do {
        const page: Page<UserGame> = await store.stats.userGames(user, status, { cursor, limit: 2 });
        seen.push(...page.items);
        cursor = page.next;
      } while (cursor);
      return seen;
    };
    const running = await walk("active");
    expect(running.map((game) => game.gameId)).toEqual([...active].reverse());
    expect(running.every((game) => game.result === null && game.status === "lobby")).toBe(true);
    const done = await walk("finished");
    expect(done.map((game) => game.gameId)).toEqual([...finished].reverse());
    expect(done.every((game) => game.result !== null && game.status === "finished")).toBe(true);
    expect(await store.stats.userGames(randomUUID(), "active")).toEqual({ items: [], next: null });
    // A profile shows public games only.
    await store.games.update(finished[0]!, { private: true });
    await store.games.update(active[0]!, { private: true });
    expect((await store.stats.userGames(user, "finished", { publicOnly: true })).items.map((game) => game.gameId)).toEqual(finished.slice(1).reverse());
    expect((await store.stats.userGames(user, "active", { publicOnly: true })).items.map((game) => game.gameId)).toEqual(active.slice(1).reverse());
  });

  it("walks every leaderboard by cursor, with ranks that match each player's own row", async () => {
    for (const metric of ["rating", "wins", "games", "meanHoleScore"] as const) {
      for (const period of metric === "rating" ? (["all"] as const) : (["all", "month", "week"] as const)) {
        const query = { metric, period };
        const whole = await store.stats.leaderboard(query, { limit: 100 });
        const walked: LeaderboardRow[] = [];
        let cursor: string | null = null;
        do {
          const page = await store.stats.leaderboard(query, { cursor, limit: 3 });
          walked.push(...page.rows);
          cursor = page.next;
        } while (cursor);
        expect(walked, `${metric} ${period}`).toEqual(whole.rows);
        const better = (a: number, b: number) => (metric === "meanHoleScore" ? a < b : a > b);
        walked.forEach((row, i) => {
          if (i > 0) expect(better(row.value, walked[i - 1]!.value), `${metric} ${period} in order`).toBe(false);
          expect(row.rank).toBe(1 + walked.filter((other) => better(other.value, row.value)).length);
        });
        for (const row of walked) expect(await store.stats.standing(query, row.userId)).toEqual(row);
        if (metric === "rating") expect(walked.every((row) => row.games >= RATED_AFTER_GAMES)).toBe(true);
        if (metric !== "rating") expect(walked.length, `${metric} ${period}`).toBeGreaterThan(0);
      }
    }
    await expectBoardCounts(store);
    expect(await store.stats.standing({ metric: "wins", period: "all" }, randomUUID())).toBeNull();
    const ratings = await store.stats.ratingsFor([users[0]!, "not-a-user", randomUUID()]);
    expect(ratings.get("not-a-user")).toBe(0);
    const history = await store.stats.ratingHistory(users[0]!, { limit: 5 });
    expect(history.items.length).toBe(5);
    const rest = await store.stats.ratingHistory(users[0]!, { cursor: history.next, limit: 100 });
    expect(rest.items[0]!.resultSeq).toBeLessThan(history.items[4]!.resultSeq);
    expect(ratings.get(users[0]!)).toBe(history.items[0]!.rating);
  }, 120_000);

  it("refuses bad cursors, limits, boards and user ids with a clear error", async () => {
    const board = { metric: "wins", period: "all" } as const;
    for (const cursor of ["nope!", Buffer.from('{"value":1}').toString("base64url"), "x".repeat(300), Buffer.from("[1,\"a\"]").toString("base64url")]) {
      await expect(store.stats.leaderboard(board, { cursor })).rejects.toThrow(BadQueryError);
    }
    await expect(store.stats.leaderboard(board, { limit: 0 })).rejects.toThrow(BadQueryError);
    await expect(store.stats.leaderboard(board, { limit: 101 })).rejects.toThrow(BadQueryError);
    await expect(store.stats.leaderboard({ metric: "rating", period: "week" })).rejects.toThrow(/all time only/);
    await expect(store.stats.leaderboard({ metric: "elo" as never, period: "all" })).rejects.toThrow(BadQueryError);
    await expect(store.stats.userStats("robert'); DROP TABLE games;--")).rejects.toThrow(BadQueryError);
    await expect(store.stats.userGames(users[0]!, "active", { cursor: "bad" })).rejects.toThrow(BadQueryError);
    await expect(store.results.applyMerge(users[0]!, users[0]!)).rejects.toThrow(/itself/);
    await expect(store.results.applyMerge("guest", users[0]!)).rejects.toThrow(RangeError);
  });
}
