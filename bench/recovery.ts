// Recovery benchmark (issue 6): two nodes, N running games all on node A with moves being played and
// acknowledged, kill -9 of node A; how long until every game runs on node B and its players are back
// in their seats, and whether any acknowledged move was lost or doubled.
//
//   npm run bench:recovery -- [--games 100] [--json] [--think-ms 200] [--holes 2] [--acks 4]
//                             [--database-url URL]
//
// Everything is its own: a redis-server on a spare port, a scratch database golf_recovery_<random>
// beside the one in the URL (default $BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres,
// dropped afterwards), the two nodes as processes (`node --import tsx server/main.ts`). Each game has
// two human bots (real SDK clients, a move every --think-ms), both seated through node A; node B
// starts only after every game was set up on A, so A holds them all. A table that fails at setup
// is replaced and counted (`setupFailures`).
//
// `seconds` runs from the kill until every game is listed on B (GET /api/games/live, node B) AND a
// player has rejoined it through B with token and sinceSeq (it is joinable); `listedSeconds` until the
// last listing, `allPlayersBackSeconds` until all 2N players are back (that includes the bench's own
// work of reconnecting 2N SDK clients on the same machine). The games are then played to
// the end with both bots, and each finished game's export is audited against every move its clients
// saw acknowledged (bench/lib/audit-player.ts, auditGame).
import os from "node:os";
import { parseArgs } from "node:util";
import { scratchDatabase } from "../server/testing.ts";
import { auditGame, Player, type Audit } from "./lib/audit-player.ts";
import { NodeProcess, RedisServer } from "./lib/cluster.ts";
import { sleep, until } from "./lib/time.ts";
import { positiveInt } from "./args.ts";

const { values: flags } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    games: { type: "string", default: "100" },
    "think-ms": { type: "string", default: "200" },
    holes: { type: "string", default: "2" },
    acks: { type: "string", default: "4" },
    "database-url": { type: "string" },
  },
});

const games = positiveInt("games", flags.games);
const thinkMs = positiveInt("think-ms", flags["think-ms"]);
const holes = positiveInt("holes", flags.holes);
const acksBeforeKill = positiveInt("acks", flags.acks);
const adminUrl = flags["database-url"] ?? process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
/** How long recovery may take before a game counts as not recovered. */
const RECOVERY_LIMIT_MS = 60_000;

// With --json, stdout carries the result line alone: anything else printed (the SDK's notices) goes to stderr.
const printResult = (text: string) => process.stdout.write(`${text}\n`);
if (flags.json) console.log = console.info = (...items: unknown[]) => console.error(...items);
const say = (text: string) => {
  if (!flags.json) console.log(text);
};
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Runs `task` over `items`, at most `limit` at a time. */
async function inBatches<T, R>(items: T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index]!, index);
      }
    }),
  );
  return results;
}

interface Table {
  ann: Player;
  ben: Player;
  gameId: string;
  code: string;
  /** ms after the kill: listed on B, its first player back in (joinable), both players back. */
  listedAt?: number;
  joinableAt?: number;
  rejoinedAt?: number;
  rejoinFailures: number;
}

const setupFailures: string[] = [];

/** One table on `node`: Ann creates it, Ben joins by code, Ann starts it. Null when any step fails. */
async function setUpTable(node: NodeProcess, index: number): Promise<Table | null> {
  const ann = new Player(node.url, `Ann${index}`, { thinkMs, seed: index * 2 + 1 });
  const ben = new Player(node.url, `Ben${index}`, { thinkMs, seed: index * 2 + 2 });
  try {
    // Public: the bench finds each game in the live list (private games are never listed there).
    await ann.create({ seats: 2, cpus: 0, holes, turnSeconds: 0 });
    await ben.join(ann.code.toLowerCase());
    const started = await ann.act("start");
    if (!started.ok) throw new Error(`start refused: ${started.error.code} ${started.error.message}`);
    return { ann, ben, gameId: ann.gameId, code: ann.code, rejoinFailures: 0 };
  } catch (error) {
    setupFailures.push(`table ${index}${ann.code ? ` (${ann.code})` : ""}: ${(error as Error).message}`);
    await Promise.all([ann.leave(), ben.leave()]);
    return null;
  }
}

const loadAtStart = round(os.loadavg()[0]!, 1);
const redis = await RedisServer.start();
const scratch = await scratchDatabase(adminUrl, "golf_recovery");
const nodes: NodeProcess[] = [];
const tables: Table[] = [];
let exitCode = 0;

try {
  const settings = { databaseUrl: scratch.url, redisUrl: redis.url, cpuDelayMs: 0 };
  const a = await NodeProcess.start({ ...settings, logLevel: "warn" });
  nodes.push(a);
  // Node A alone sets every table up (created, second player seated, started), so A holds them all.
  // A table whose setup failed, whose players were cut off or told the game moved, or whose game is
  // not listed once, is replaced and counted (setupFailures). Before 6ac1e77 a node could adopt a game
  // it was still creating (server/test/cluster.test.ts, "a game whose creation is slow"); expect 0.
  say(`node A ${a.id}: setting up ${games} games`);
  let attempt = 0;
  while (tables.length < games && attempt < games * 3) {
    const wanted = games - tables.length;
    const fresh = (await inBatches(Array.from({ length: wanted }, () => attempt++), 10, (index) => setUpTable(a, index))).filter((table): table is Table => table !== null);
    await sleep(1500);
    const listed = new Map<string, number>();
    for (const game of await a.live()) listed.set(game.gameId, (listed.get(game.gameId) ?? 0) + 1);
    for (const table of fresh) {
      const trouble = [table.ann, table.ben].flatMap((player) => [...player.errors.map((error) => `${player.name} told ${error.code}: ${error.message}`), ...(player.connected ? [] : [`${player.name} cut off`])]);
      if (listed.get(table.gameId) !== 1) trouble.push(`listed ${listed.get(table.gameId) ?? 0} times`);
      if (trouble.length === 0) tables.push(table);
      else {
        setupFailures.push(`game ${table.code}: ${trouble.join("; ")}`);
        await Promise.all([table.ann.leave(), table.ben.leave()]);
      }
    }
  }
  if (tables.length < games) throw new Error(`only ${tables.length} of ${games} games could be set up:\n${setupFailures.slice(0, 10).join("\n")}`);
  if (setupFailures.length > 0) say(`${setupFailures.length} table(s) failed at setup and were replaced, e.g. ${setupFailures[0]}`);
  // Node B joins the cluster only now. It logs at info level, so its recovered rooms' creation times
  // can be read from its output.
  const b = await NodeProcess.start({ ...settings, logLevel: "info" });
  nodes.push(b);
  let onA = 0;
  await until(
    async () => (onA = (await b.live()).filter((game) => tables.some((table) => table.gameId === game.gameId) && game.node === a.id).length) === games,
    30_000,
    "every game listed on node A",
    100,
  ).catch(() => {
    throw new Error(`${onA} of ${games} games are listed on node A`);
  });

  const players = tables.flatMap((table) => [table.ann, table.ben]);
  for (const player of players) player.play();
  say(`playing until every game has ${acksBeforeKill} acknowledged moves`);
  await until(() => tables.every((table) => table.ann.acks.length + table.ben.acks.length >= acksBeforeKill), 120_000, "moves in every game", 50);
  // A little longer, so the kill lands among moves in flight.
  await sleep(Math.max(500, thinkMs * 3));

  const killedAt = Date.now();
  await a.kill("SIGKILL");
  // When each game's lease would have expired (the dead node renewed it last, up to a second ago).
  const leaseTtls = await Promise.all(tables.map(async (table) => Number(await redis.command("PTTL", `golf:lease:${table.gameId}`))));
  const leaseReadAt = Date.now() - killedAt;
  for (const player of players) player.pause();
  const ackedBeforeKill = players.reduce((sum, player) => sum + player.acks.length, 0);
  const unfinishedAtKill = tables.filter((table) => table.ann.phase !== "gameOver").length;
  say(`kill -9 of node A with ${ackedBeforeKill} moves acknowledged (${unfinishedAtKill} of ${games} games unfinished)`);

  // Every game is watched for its listing on B; its players rejoin through B as soon as it is there.
  const pending = new Set(tables);
  const rejoins: Promise<void>[] = [];
  const deadline = killedAt + RECOVERY_LIMIT_MS;
  while (pending.size > 0 && Date.now() < deadline) {
    const live = await b.live().catch(() => []);
    const onB = new Set(live.filter((game) => game.node === b.id).map((game) => game.gameId));
    for (const table of [...pending]) {
      if (!onB.has(table.gameId)) continue;
      pending.delete(table);
      table.listedAt = Date.now() - killedAt;
      rejoins.push(
        Promise.all(
          [table.ann, table.ben].map(async (player) => {
            await until(() => !player.connected, 30_000, `${player.name}'s old connection to close`, 20);
            const failures = await player.rejoinWhenBack(b.url, RECOVERY_LIMIT_MS);
            table.joinableAt ??= Date.now() - killedAt;
            table.rejoinFailures += failures.length;
          }),
        ).then(
          () => void (table.rejoinedAt = Date.now() - killedAt),
          (error: Error) => say(`game ${table.code}: ${error.message}`),
        ),
      );
    }
    if (pending.size > 0) await sleep(100);
  }
  await Promise.all(rejoins);
  const recoveredTables = tables.filter((table) => table.listedAt !== undefined && table.joinableAt !== undefined);
  const listedSeconds = Math.max(...tables.map((table) => table.listedAt ?? Infinity)) / 1000;
  const seconds = Math.max(...tables.map((table) => table.joinableAt ?? Infinity)) / 1000;
  const allPlayersBackSeconds = Math.max(...tables.map((table) => table.rejoinedAt ?? Infinity)) / 1000;
  say(`all listed on B after ${round(listedSeconds)} s, joinable (a player back in each) after ${round(seconds)} s, every player back after ${round(allPlayersBackSeconds)} s`);

  // Where the time went: lease expiry, then B's adoption (its rooms' creation, from its log).
  const adoptedAt = b
    .output()
    .split("\n")
    .flatMap((line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; recovered?: boolean; time?: number };
        return entry.msg === "room created" && entry.recovered ? [entry.time! - killedAt] : [];
      } catch {
        return [];
      }
    });
  const validTtls = leaseTtls.filter((ttl) => ttl > 0);

  // Play every game to the end, faster now, and audit its log.
  say("playing every game to the end");
  for (const player of players) {
    player.thinkMs = Math.min(thinkMs, 20);
    player.play();
  }
  await until(() => recoveredTables.every((table) => table.ann.phase === "gameOver" && table.ben.phase === "gameOver"), 300_000, "every game to end", 200).catch((error: Error) => say(error.message));
  const audits = await inBatches(recoveredTables, 10, async (table): Promise<Audit | null> => {
    const doc = await until(() => b.exportOf(table.gameId), 30_000, `the export of ${table.code}`).catch(() => null);
    return doc ? auditGame(doc, [table.ann, table.ben]) : null;
  });
  const finished = audits.filter((audit) => audit !== null).length;
  const sum = (pick: (audit: Audit) => number) => audits.reduce((total, audit) => total + (audit ? pick(audit) : 0), 0);
  const problems = audits.flatMap((audit) => audit?.problems ?? []);
  for (const problem of problems.slice(0, 20)) say(`  ${problem}`);

  const cpu = os.cpus()[0];
  const result = {
    games,
    recovered: recoveredTables.length,
    lostMoves: sum((audit) => audit.lostMoves),
    duplicatedMoves: sum((audit) => audit.duplicatedMoves),
    seconds: round(seconds),
    listedSeconds: round(listedSeconds),
    allPlayersBackSeconds: round(allPlayersBackSeconds),
    ackedMovesBeforeKill: ackedBeforeKill,
    acknowledgedActionsAudited: sum((audit) => audit.acknowledged),
    finished,
    otherMismatches: sum((audit) => audit.seenMismatches + audit.conflicts + audit.missedByClients + (audit.contiguous ? 0 : 1)),
    rejoinFailures: tables.reduce((total, table) => total + table.rejoinFailures, 0),
    setupFailures: setupFailures.length,
    breakdown: {
      leaseExpiredAfterKill: validTtls.length ? { first: round((leaseReadAt + Math.min(...validTtls)) / 1000), last: round((leaseReadAt + Math.max(...validTtls)) / 1000) } : null,
      adoptedAfterKill: adoptedAt.length ? { first: round(Math.min(...adoptedAt) / 1000), last: round(Math.max(...adoptedAt) / 1000), rooms: adoptedAt.length } : null,
      listedAfterKill: { first: round(Math.min(...tables.map((table) => table.listedAt ?? Infinity)) / 1000), last: round(listedSeconds) },
      joinableAfterKill: { first: round(Math.min(...tables.map((table) => table.joinableAt ?? Infinity)) / 1000), last: round(seconds) },
      allPlayersBackAfterKill: { first: round(Math.min(...tables.map((table) => table.rejoinedAt ?? Infinity)) / 1000), last: round(allPlayersBackSeconds) },
    },
    // The cluster's defaults (server/cluster/cluster.ts).
    settings: { thinkMs, holes, acksBeforeKill, leaseMs: 3000, tickMs: 500 },
    machine: { cores: os.cpus().length, cpu: cpu?.model.trim(), memoryGiB: round(os.totalmem() / 2 ** 30, 1), node: process.version, loadAverageAtStart: loadAtStart },
  };
  const pass = result.recovered === games && result.lostMoves === 0 && result.duplicatedMoves === 0 && result.finished === games && result.seconds <= 10;
  if (flags.json) {
    printResult(JSON.stringify(result));
  } else {
    console.log(JSON.stringify(result, null, 2));
    console.log(pass ? "PASS: every game running again on the other node within 10 s, nothing lost or doubled" : "FAIL: see the figures above");
  }
  if (!pass) exitCode = 1;
} catch (error) {
  console.error(`bench:recovery failed: ${(error as Error).stack ?? error}`);
  for (const node of nodes) console.error(`--- node ${node.id} output (tail) ---\n${node.output().slice(-3000)}`);
  exitCode = 1;
} finally {
  await Promise.all(tables.flatMap((table) => [table.ann.leave(), table.ben.leave()])).catch(() => undefined);
  for (const node of nodes) await node.kill("SIGKILL");
  await redis.stop("SIGKILL");
  await scratch.drop().catch((error: Error) => console.error(`scratch database not dropped: ${error.message}`));
}
process.exit(exitCode);
