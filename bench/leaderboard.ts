// Leaderboards, /api/me and a player's games at scale: are they as cheap as a primary-key lookup?
//
//   npm run bench:leaderboard -- [--users 100000] [--games 1000000] [--clients 20] [--requests 400]
//                                [--database-url URL] [--json]
//
// Generates (bulk SQL: bench/lib/leaderboard-data.ts) `--users` registered players and `--games`
// finished ranked games of 2-6 of them spread evenly over the last 365 days into a scratch
// PostgreSQL database beside the one in the URL (default $DATABASE_URL or
// postgres://postgres@127.0.0.1:5432/postgres), dropped afterwards. Then, with `--clients`
// concurrent callers and `--requests` calls each figure:
// - `queries`: the store reads each route makes (the database work, on one pool of `--clients`
//   connections in this process): every metric x period, page 1, a deep page (a cursor at 90% of the
//   board) and `me` (the caller's own row); `/api/me` (session, user, games count, stats) and
//   `/api/me/games` (finished, page 1). p50 and p99 in ms. The bar: each p99 at most 10 times
//   `pkLookupP99Ms` and at most 20 ms (`bars` says which pass).
// - `pkLookupP99Ms`: `SELECT * FROM users WHERE id = $1`, the same way, same run: the reference.
// - `routes`: the same through HTTP against a node in its own process (what a browser waits for:
//   express, the session check, JSON), for information.
// - `recordGamesPerSecond`: 100 games of bench users end at once (their last events appended
//   together) and the node's recorder (server/stats/recorder.ts) applies them onto these tables:
//   games applied per second, from the first end to the last applied.
import os from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { pino } from "pino";
import { positiveInt } from "./args.ts";
import { benchSessionId, benchUserId, generate } from "./lib/leaderboard-data.ts";
import { Histogram } from "./lib/histogram.ts";
import { loneNodeEnv, startServerArgs, startServerProcess, stopServerProcess } from "./lib/server-process.ts";
import { scratchDatabase } from "../server/testing.ts";
import { freePort } from "../server/free-port.ts";
import { RELAXED_LIMITS_ENV } from "../server/limits.ts";
import { openStore, type LeaderboardQuery, type Store } from "../server/store/index.ts";
import { startRecorder } from "../server/stats/recorder.ts";
import { signToken } from "../server/accounts/tokens.ts";
import { playGame } from "../server/stats/test/games.ts";
import { newJoinCode } from "../shared/protocol/index.ts";
import { randomUUID } from "node:crypto";

const { values: flags } = parseArgs({
  options: {
    users: { type: "string", default: "100000" },
    games: { type: "string", default: "1000000" },
    clients: { type: "string", default: "20" },
    requests: { type: "string", default: "400" },
    "database-url": { type: "string" },
    json: { type: "boolean", default: false },
  },
});
const USERS = positiveInt("users", flags.users);
const GAMES = positiveInt("games", flags.games);
const CLIENTS = positiveInt("clients", flags.clients, 200);
const REQUESTS = positiveInt("requests", flags.requests);
const RECORDED_GAMES = 100;
const JWT_SECRET = "bench-leaderboard-secret-0123456789abcdef";
const say = (line: string) => (flags.json ? process.stderr : process.stdout).write(`${line}\n`);
const round = (value: number) => Math.round(value * 1000) / 1000;

/** A random bench user (1-based). */
const someUser = () => 1 + Math.floor(Math.random() * USERS);

/** Runs `call` REQUESTS times from each of CLIENTS callers at once: its p50 and p99 in ms. */
async function measure(call: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  const histogram = new Histogram();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = 0; i < REQUESTS; i++) {
        const started = performance.now();
        await call();
        histogram.record(performance.now() - started);
      }
    }),
  );
  return { p50: round(histogram.percentile(50)), p99: round(histogram.percentile(99)) };
}

const BOARDS: LeaderboardQuery[] = [
  { metric: "rating", period: "all" },
  ...(["wins", "games", "meanHoleScore"] as const).flatMap((metric) => (["all", "month", "week"] as const).map((period) => ({ metric, period }))),
];
const boardName = (board: LeaderboardQuery) => `${board.metric}/${board.period}`;

/** A cursor at 90% of the board (made with OFFSET here, in the setup: the walk itself never uses it). */
async function deepCursor(client: pg.Client, store: Store, board: LeaderboardQuery): Promise<string | null> {
  const first = await store.stats.leaderboard(board, { limit: 1 });
  if (!first.next) return null;
  // The cursor's shape is the store's: the last row's value and id, its rank and position.
  const decoded = JSON.parse(Buffer.from(first.next, "base64url").toString("utf8")) as { value: number; id: string; rank: number; position: number };
  const count = Number((await client.query("SELECT sum(n) AS n FROM board_counts WHERE board = $1 AND period = $2", [board.metric, periodOf(board)])).rows[0].n);
  const position = Math.max(1, Math.floor(count * 0.9));
  const spec = {
    rating: { table: "ratings", value: "rating", id: "player", where: "listed AND games >= 5", order: "DESC" },
    wins: { table: "period_stats", value: "wins", id: "user_id", where: "listed AND period = $1", order: "DESC" },
    games: { table: "period_stats", value: "games", id: "user_id", where: "listed AND period = $1", order: "DESC" },
    meanHoleScore: { table: "period_stats", value: "mean_hole_score", id: "user_id", where: "listed AND period = $1 AND holes >= 36", order: "ASC" },
  }[board.metric];
  const params = board.metric === "rating" ? [] : [periodOf(board)];
  const { rows } = await client.query(
    `SELECT ${spec.value} AS value, ${spec.id}::text AS id FROM ${spec.table} WHERE ${spec.where} ORDER BY ${spec.value} ${spec.order}, ${spec.id} ${spec.order} OFFSET ${position - 1} LIMIT 1`,
    params,
  );
  const row = rows[0] as { value: number; id: string };
  const ahead = await client.query(
    `SELECT count(*) AS n FROM ${spec.table} WHERE ${spec.where} AND ${spec.value} ${spec.order === "DESC" ? ">" : "<"} $${params.length + 1}`,
    [...params, row.value],
  );
  return Buffer.from(JSON.stringify({ ...decoded, value: row.value, id: row.id, rank: Number(ahead.rows[0].n) + 1, position })).toString("base64url");
}

function periodOf(board: LeaderboardQuery): string {
  if (board.period === "all") return "all";
  const now = new Date();
  if (board.period === "month") return `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, "0")}`;
  // The ISO week, as the store names it.
  const day = (now.getUTCDay() + 6) % 7;
  const thursday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - day + 3));
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = 1 + Math.floor((thursday.getTime() - yearStart) / 86_400_000 / 7);
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

/** The store reads of every route, and the primary-key reference. */
async function measureQueries(client: pg.Client, store: Store): Promise<Record<string, { p50: number; p99: number }>> {
  const figures: Record<string, { p50: number; p99: number }> = {};
  const names = (ids: string[]) => store.stats.names(ids);
  for (const board of BOARDS) {
    const cursor = await deepCursor(client, store, board);
    say(`  ${boardName(board)}`);
    figures[`${boardName(board)} page 1`] = await measure(async () => names((await store.stats.leaderboard(board, { limit: 50 })).rows.map((row) => row.userId)));
    if (cursor) figures[`${boardName(board)} deep page`] = await measure(async () => names((await store.stats.leaderboard(board, { cursor, limit: 50 })).rows.map((row) => row.userId)));
    figures[`${boardName(board)} me`] = await measure(() => store.stats.standing(board, benchUserId(someUser())));
  }
  say("  /api/me, /api/me/games");
  figures["/api/me"] = await measure(async () => {
    const n = someUser();
    await store.accounts.session(benchSessionId(n));
    await store.accounts.byId(benchUserId(n));
    await Promise.all([store.accounts.gameCount(benchUserId(n)), store.stats.userStats(benchUserId(n))]);
  });
  figures["/api/me/games"] = await measure(() => store.stats.userGames(benchUserId(someUser()), "finished", { limit: 50 }));
  return figures;
}

/** The routes over HTTP against a node in its own process. */
async function measureRoutes(databaseUrl: string): Promise<Record<string, { p50: number; p99: number }>> {
  const port = await freePort();
  const env = loneNodeEnv(port, { url: databaseUrl }, { LOG_LEVEL: "warn", JWT_SECRET, STATS_POLL_MS: "0", ...RELAXED_LIMITS_ENV });
  const server = await startServerProcess(startServerArgs(), env, port);
  const url = `http://127.0.0.1:${port}`;
  const token = (n: number) => signToken(JWT_SECRET, { typ: "session", sub: benchUserId(n), sid: benchSessionId(n) }, Date.now() + 86_400_000);
  const get = async (path: string, n?: number) => {
    const res = await fetch(url + path, { headers: n ? { authorization: `Bearer ${token(n)}` } : {} });
    if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };
  const figures: Record<string, { p50: number; p99: number }> = {};
  try {
    for (const board of BOARDS) figures[`GET /api/leaderboards/${board.metric}?period=${board.period} (signed in)`] = await measure(() => get(`/api/leaderboards/${board.metric}?period=${board.period}`, someUser()));
    figures["GET /api/me"] = await measure(() => get("/api/me", someUser()));
    figures["GET /api/me/games"] = await measure(() => get("/api/me/games", someUser()));
  } finally {
    await stopServerProcess(server);
  }
  return figures;
}

/** 100 games of bench users end at once; the recorder applies them: games per second. */
async function measureRecording(store: Store, client: pg.Client): Promise<number> {
  const logs = Array.from({ length: RECORDED_GAMES }, (_, i) =>
    playGame({ seed: i + 1, holes: 1, seats: Array.from({ length: 2 + (i % 5) }, (_, k) => ({ kind: "user" as const, userId: benchUserId(((i * 997 + k * 131) % USERS) + 1) })) }),
  );
  // Each game's log but its last event, as games in play.
  const ids: string[] = [];
  for (const events of logs) {
    const id = randomUUID();
    await store.games.create({ id, code: newJoinCode(), private: false, rules: {}, holes: 1, decks: null, seats: [] });
    await store.log.append(id, events.slice(0, -1), 0);
    ids.push(id);
  }
  const recorder = startRecorder({ results: store.results, logger: pino({ level: "warn" }), pollMs: 0 });
  const started = performance.now();
  await Promise.all(
    logs.map(async (events, i) => {
      const last = events.at(-1)!;
      if (last.type !== "gameEnded") throw new Error("a recorded game did not end");
      await store.log.append(ids[i]!, [last], events.length - 1, { status: "finished", totals: last.data.totals, winners: last.data.winners });
      recorder.gameEnded(ids[i]!);
    }),
  );
  // Waits for the runs the endings started, and applies whatever is left.
  await recorder.catchUp();
  const seconds = (performance.now() - started) / 1000;
  await recorder.close();
  const unapplied = await store.results.applyBatch(RECORDED_GAMES);
  if (unapplied.length > 0) throw new Error(`${unapplied.length} games were left unapplied by the recorder`);
  const applied = await client.query("SELECT count(*) AS n FROM games WHERE id = ANY($1::uuid[]) AND result_seq IS NOT NULL", [ids]);
  if (Number(applied.rows[0].n) !== RECORDED_GAMES) throw new Error(`only ${applied.rows[0].n} of ${RECORDED_GAMES} games were applied`);
  return round(RECORDED_GAMES / seconds);
}

async function main(): Promise<void> {
  const adminUrl = flags["database-url"] ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const scratch = await scratchDatabase(adminUrl, "golf_bench_boards");
  const store = await openStore({ databaseUrl: scratch.url, logger: pino({ level: "warn" }), poolSize: CLIENTS });
  const client = new pg.Client({ connectionString: scratch.url });
  await client.connect();
  try {
    say(`generating ${USERS} users and ${GAMES} games...`);
    await generate(client, USERS, GAMES, say);
    say(`reference: primary-key lookups with ${CLIENTS} clients...`);
    const pool = new pg.Pool({ connectionString: scratch.url, max: CLIENTS });
    const pk = await measure(() => pool.query("SELECT * FROM users WHERE id = $1", [benchUserId(someUser())]));
    await pool.end();
    say("queries (the store reads of each route)...");
    const queries = await measureQueries(client, store);
    say("routes over HTTP...");
    const routes = await measureRoutes(scratch.url);
    say(`recording ${RECORDED_GAMES} games ending at once...`);
    const recordGamesPerSecond = await measureRecording(store, client);
    const limit = Math.min(20, 10 * pk.p99);
    const failing = Object.entries(queries).filter(([, figure]) => figure.p99 > limit).map(([name]) => name);
    const result = {
      users: USERS,
      games: GAMES,
      clients: CLIENTS,
      requestsPerClient: REQUESTS,
      pkLookupP50Ms: pk.p50,
      pkLookupP99Ms: pk.p99,
      queries,
      routes,
      recordGamesPerSecond,
      bars: { queryP99LimitMs: round(limit), queriesOverLimit: failing, recordingAtLeast100PerSecond: recordGamesPerSecond >= 100 },
      machine: { cpus: os.cpus().length, loadAverageAtEnd: os.loadavg()[0] },
    };
    console.log(flags.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
  } finally {
    await client.end();
    await store.close();
    await scratch.drop();
  }
}

await main();
process.exit(0);
