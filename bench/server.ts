// Game server benchmark: a real node in its own process (so its memory can be read from /proc),
// and N concurrent two-human games played by SDK clients in this process, every move sent as soon
// as the previous one's effect came back, every move committed to the database before it is answered.
//
//   npm run bench:server -- [--games 100] [--holes 18] [--json]
//                           [--database-url URL | --pglite] [--cpu-prof DIR]
//                           [--warmup-games N (default: --games; 0 for none)] [--warmup-holes 2] [--warmup-rounds 2]
//                           [--ramp-ms 200] [--trace-moves FILE] [--no-host-gauge] [--no-reference]
//                           [--signed-in]
//
// --signed-in: every player of our server signs in first, as a guest (`client.auth.signInAnonymously`,
// POST /auth/anonymous: a user and a session, docs/accounts.md) and joins with its session, so its seat
// is a user's (Seat.userId, Seat.rating read at the start, results applied when the game ends). The
// signing in is part of seating, not measured. The reference room knows no accounts: its players do
// not sign in.
//
// Before the measured games, as many warm-up games of two holes are played and left, unmeasured,
// twice over (--warmup-rounds).
// The games start over a 200 ms ramp (--ramp-ms 0: all in the same instant, a burst of deals).
// BENCH_SERVER_NODE_ARGS="--trace-gc ..." adds node options to the server process (diagnostics).
// --trace-moves FILE: every measured move (epoch ms sent, latency ms, type), the server's GC events
// (from bench/gc-events.mjs, preloaded) and this process's own go to FILE as JSON;
// `node bench/trace-report.mjs FILE` reads it.
//
// PostgreSQL: a scratch database beside the one in the URL (default $DATABASE_URL or
// postgres://postgres@127.0.0.1:5432/postgres), dropped afterwards. --pglite: embedded PGlite in a
// temporary directory. --cpu-prof DIR: the server runs with --cpu-prof; its hottest functions are
// printed after the run and the profile is left in DIR.
//
// The host's speed is part of every figure here (on a shared host the same code has needed 2.7
// times the CPU per move from one day to the next): before the server starts and after it stops, the engine simulator
// (`npm run sim -- --games 10000 --seats 4 --decks 1`, CPU only, every core) is timed, and its
// holes/s are printed under `machine` (--no-host-gauge skips it).
//
// Figures: a move is any game action a client sends during the run; its latency runs from the send
// to the `event` carrying its rid. Bytes are what the clients' sockets read during the run (raw
// WebSocket frames: patches, events, their headers), divided by moves × the two clients of a game.
// Memory is the server's VmRSS: once before any game, and the peak sampled every 100 ms under load.
//
// The reference (--no-reference skips it): after our server has stopped, the same players, warm-up
// and load play a minimal Colyseus room of the bench's own (bench/reference/: two seats of six
// slots, a drawn card its owner alone sees, the same draw/swap messages, every move appended through
// the same event store to the same database, nothing else), run the same way in its own process.
// `reference` holds its moves/s, p99 and bytes, and `ratio` ours over its: on any host, how much our
// room and protocol cost beyond what serving such a table at all costs.
import { execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import WebSocket from "ws";
import { scratchDatabase } from "../server/testing.ts";
import { plainMove, type PlainTable } from "./lib/moves.ts";
import { freePort } from "../server/free-port.ts";
import { positiveInt } from "./args.ts";
import { GolfStateSchema } from "../server/room/schema.ts";
import { watchGc } from "./gc-watch.mjs";
import { LOCAL_METRICS_HEADERS, RELAXED_LIMITS_ENV } from "../server/limits.ts";
import type { Answer, Bot as BotType, MoveChooser } from "./lib/bot.ts";
import { busyMicros, summarizeProfile } from "./lib/cpu-profile.ts";
import { Histogram } from "./lib/histogram.ts";
import { cpuTicks, loadAverage, machine, rssMb, TICKS_PER_SECOND } from "./lib/proc.ts";
import { histogramTotals, metricValue } from "./lib/prometheus.ts";
import { loneNodeEnv, REPO, startServerArgs, startServerProcess, stopServerProcess } from "./lib/server-process.ts";
import { sleep } from "./lib/time.ts";
import { referenceMove, ReferenceState, type ReferenceTable } from "./reference/schema.ts";

// The SDK picks its WebSocket when it loads: make it the `ws` package (on Node 22 too), whose
// sockets expose the byte counts measured here.
(globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
const { Client } = await import("@colyseus/sdk");
const { Bot } = await import("./lib/bot.ts");
type Bot = BotType<PlainTable | ReferenceTable>;

/** What the players play: our game, or the reference room. */
interface Target {
  room: string;
  /**
   * The state's schema classes, so players decode into them as a TypeScript client does. Without
   * them the SDK builds a set of classes per connection from the server's reflection: 200 clients in
   * one process then make every property access of the decoder megamorphic, a cost of the load
   * generator (one player per browser never has it) that took CPU from the server under test.
   */
  stateClass: unknown;
  chooseMove: MoveChooser<PlainTable | ReferenceTable>;
  createOptions(name: string, holes: number): Record<string, unknown>;
}

const GOLF: Target = {
  room: "golf",
  stateClass: GolfStateSchema,
  chooseMove: (state, seat) => plainMove(state as PlainTable, seat),
  createOptions: (name, holes) => ({ name, seats: 2, holes, turnSeconds: 0, private: true }),
};

const REFERENCE: Target = {
  room: "reference",
  stateClass: ReferenceState,
  chooseMove: (state, seat) => referenceMove(state as ReferenceTable, seat),
  createOptions: (name, holes) => ({ name, holes }),
};

const { values: flags } = parseArgs({
  options: {
    games: { type: "string", default: "100" },
    holes: { type: "string", default: "18" },
    json: { type: "boolean", default: false },
    "database-url": { type: "string" },
    pglite: { type: "boolean", default: false },
    "cpu-prof": { type: "string" },
    "warmup-games": { type: "string" },
    "warmup-holes": { type: "string", default: "2" },
    "warmup-rounds": { type: "string", default: "2" },
    "ramp-ms": { type: "string", default: "200" },
    "trace-moves": { type: "string" },
    "no-host-gauge": { type: "boolean", default: false },
    "no-reference": { type: "boolean", default: false },
    "signed-in": { type: "boolean", default: false },
  },
});

const GAMES = positiveInt("games", flags.games);
const HOLES = positiveInt("holes", flags.holes, 18);
// As many warm-up games as measured ones, so the JIT has seen the same load (0: no warm-up).
const WARMUP_GAMES = flags["warmup-games"] === "0" ? 0 : positiveInt("warmup-games", flags["warmup-games"] ?? String(GAMES));
const WARMUP_HOLES = positiveInt("warmup-holes", flags["warmup-holes"], 18);
const WARMUP_ROUNDS = positiveInt("warmup-rounds", flags["warmup-rounds"], 10);
// The games start this many ms apart in all (a ramp, as tables do not all start in the same
// millisecond); 0 starts them all at once.
const RAMP_MS = flags["ramp-ms"] === "0" ? 0 : positiveInt("ramp-ms", flags["ramp-ms"]);
const TRACE_FILE = flags["trace-moves"] ? path.resolve(flags["trace-moves"]) : undefined;
/** Where bench/gc-events.mjs, preloaded into the server, writes its GC events as the server stops. */
const GC_EVENTS_FILE = TRACE_FILE ? `${TRACE_FILE}.gc-events` : undefined;
/** With --trace-moves, this process's own GC pauses and loop gaps: a stalled player delays its moves too. */
const playersGc = TRACE_FILE ? watchGc() : undefined;
const say = (line: string) => (flags.json ? process.stderr : process.stdout).write(`${line}\n`);

// --- the server process --------------------------------------------------------------------------

/** CPU seconds (user + system) a process has used. */
function cpuSeconds(pid: number): number {
  return (cpuTicks(pid) ?? NaN) / TICKS_PER_SECOND;
}

const serverRssMb = (pid: number) => rssMb(pid) ?? NaN;
const gaugeMb = (metrics: string, name: string) => metricValue(metrics, name) / 2 ** 20;
const fetchMetrics = async (url: string) => (await fetch(`${url}/metrics`, { headers: LOCAL_METRICS_HEADERS })).text();

/** The server's JS heap in use after a full GC (see the SIGUSR2 hook): what it retains. */
async function retainedHeapMb(pid: number, url: string): Promise<number> {
  process.kill(pid, "SIGUSR2");
  await sleep(500);
  return gaugeMb(await fetchMetrics(url), "golf_node_nodejs_heap_size_used_bytes");
}

async function startServer(port: number, database: { url?: string; dataDir?: string }, profileDir?: string): Promise<ChildProcess> {
  const env = loneNodeEnv(port, database, { LOG_LEVEL: "warn", CPU_DELAY_MS: "0", ...RELAXED_LIMITS_ENV });
  if (GC_EVENTS_FILE) env.GC_EVENTS_FILE = GC_EVENTS_FILE;
  // A diagnostic hook, not server code: SIGUSR2 runs a full GC, so retained memory can be told
  // from garbage not yet collected.
  const gcHook = path.join(mkdtempSync(path.join(os.tmpdir(), "golf-bench-gc-")), "gc-on-signal.mjs");
  writeFileSync(gcHook, "process.on('SIGUSR2', () => globalThis.gc?.());\n");
  const nodeArgs = [...(process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean), "--expose-gc", "--import", pathToFileURL(gcHook).href, ...(GC_EVENTS_FILE ? ["--import", pathToFileURL(path.join(REPO, "bench/gc-events.mjs")).href] : []), ...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [])];
  return startServerProcess([...nodeArgs, ...startServerArgs()], env, port);
}

/** The reference room's server (bench/reference/main.ts), started with the same V8 flags as ours. */
async function startReferenceServer(port: number, database: { url?: string; dataDir?: string }): Promise<ChildProcess> {
  const env = loneNodeEnv(port, database, { LOG_LEVEL: "warn" });
  const args = startServerArgs();
  return startServerProcess([...args.slice(0, -1), "bench/reference/main.ts"], env, port);
}

/** Holes per second of the engine simulator on this machine now: the host's speed, no I/O involved. */
function hostGauge(): number {
  const output = execFileSync(process.execPath, ["--import", "tsx", "bench/sim.ts", "--games", "10000", "--seats", "4", "--decks", "1", "--json"], { cwd: REPO, encoding: "utf8" });
  return (JSON.parse(output) as { holesPerSecond: number }).holesPerSecond;
}

// --- the players ---------------------------------------------------------------------------------

interface Totals {
  moves: number;
  latencies: Histogram;
  /** The same latencies by action type. */
  latenciesByType: Map<string, Histogram>;
  rateLimited: number;
  otherErrors: Map<string, number>;
  /** With --trace-moves: [epoch ms sent, latency ms, type] per move. */
  trace: [number, number, string][];
}

/** Counts one answer into `totals`: a move when it was answered with its effect, else its error. */
function countAnswer(totals: Totals, answer: Answer): void {
  if (answer.error === "RATE_LIMITED") totals.rateLimited++;
  else if (answer.error) totals.otherErrors.set(answer.error, (totals.otherErrors.get(answer.error) ?? 0) + 1);
  else {
    totals.moves++;
    totals.latencies.record(answer.latencyMs);
    const ofType = totals.latenciesByType.get(answer.type) ?? new Histogram();
    ofType.record(answer.latencyMs);
    totals.latenciesByType.set(answer.type, ofType);
    if (TRACE_FILE) totals.trace.push([performance.timeOrigin + answer.sentAt, answer.latencyMs, answer.type]);
  }
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

function newTotals(): Totals {
  return { moves: 0, latencies: new Histogram(), latenciesByType: new Map(), rateLimited: 0, otherErrors: new Map(), trace: [] };
}

/** With --signed-in, our players sign in as guests before they join (the SDK then sends the session). */
async function signIn(bot: Bot, target: Target): Promise<void> {
  if (flags["signed-in"] && target === GOLF) await bot.client.auth.signInAnonymously({ name: bot.name });
}

/** Fails the run unless both seats of the guest's table are users' (the sign-in took). */
async function seatedAsUsers(bot: Bot): Promise<void> {
  const seats = () => (bot.state as unknown as { seats: { userId: string }[] }).seats;
  for (let waited = 0; !(seats().length === 2 && seats().every((seat) => seat.userId !== "")); waited += 20) {
    if (waited > 10_000) throw new Error(`--signed-in: the seats of ${bot.name}'s table are not users': ${JSON.stringify(seats())}`);
    await sleep(20);
  }
}

/** Seats `count` private two-player games, a few at a time: joining is not what is measured. */
async function seatTables(url: string, target: Target, count: number, holes: number, totals: Totals, prefix: string): Promise<[Bot, Bot][]> {
  const tables: [Bot, Bot][] = [];
  const stateClass = target.stateClass as never;
  const options = { chooseMove: target.chooseMove, onAnswer: (answer: Answer) => countAnswer(totals, answer) };
  for (let first = 0; first < count; first += 10) {
    const batch = Array.from({ length: Math.min(10, count - first) }, async (_, offset) => {
      const index = first + offset;
      const host: Bot = new Bot(new Client(url), `${prefix}Host${index}`, options);
      await signIn(host, target);
      await host.enter((client) => client.create(target.room, target.createOptions(host.name, holes), stateClass));
      const guest: Bot = new Bot(new Client(url), `${prefix}Guest${index}`, options);
      await signIn(guest, target);
      await guest.enter((client) => client.joinById(host.code, { name: guest.name }, stateClass));
      if (flags["signed-in"] && target === GOLF) await seatedAsUsers(guest);
      tables[index] = [host, guest];
    });
    await Promise.all(batch);
  }
  return tables;
}

/**
 * Starts the tables `rampMs` apart in all (0: all in the same instant) and resolves once all their
 * games are over; `progress` every 2 s.
 */
async function playTables(tables: [Bot, Bot][], rampMs: number, progress?: () => void): Promise<void> {
  const rampStarted = performance.now();
  for (const [index, [host, guest]] of tables.entries()) {
    const due = rampStarted + (rampMs * index) / tables.length;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    host.start();
    guest.play();
  }
  const finished = () => tables.every(([host, guest]) => host.state.phase === "gameOver" && guest.state.phase === "gameOver");
  let lastReport = performance.now();
  while (!finished()) {
    await sleep(50);
    if (progress && performance.now() - lastReport > 2000) {
      lastReport = performance.now();
      progress();
    }
  }
}

// --- the run -------------------------------------------------------------------------------------

/**
 * Warm-up (not measured): short games first, so that the measured ones meet code the JIT has
 * compiled, as on a server that has been up for a while. Rounds: a server that has been up has seen
 * tables seat, play, end and leave many times over, mixed. After one round the JIT had compiled play
 * for play alone; the leaving and seating that followed threw much of it away, so the measured start
 * recompiled it (in one trace 30% of the node's CPU in its first 250 ms). A second round compiles
 * code that has seen the whole cycle.
 */
async function warmUp(url: string, target: Target): Promise<void> {
  for (let round = 0; round < WARMUP_ROUNDS && WARMUP_GAMES > 0; round++) {
    say(`warming up (round ${round + 1} of ${WARMUP_ROUNDS}) with ${WARMUP_GAMES} games of ${WARMUP_HOLES} holes...`);
    const warmup = await seatTables(url, target, WARMUP_GAMES, WARMUP_HOLES, newTotals(), `Warm${round}`);
    await playTables(warmup, RAMP_MS);
    await Promise.all(warmup.flat().map((bot) => bot.leave()));
    await sleep(500);
  }
}

/** The measured games' figures every target has. */
interface Played {
  seconds: number;
  moves: number;
  totals: Totals;
  bytesPerMovePerClient: number;
  bots: Bot[];
}

/** Seats and plays the measured games; the bytes are what the clients read while they played. */
async function playMeasured(url: string, target: Target, label: string): Promise<Played> {
  const totals = newTotals();
  say(`seating ${GAMES} games of 2 players (${HOLES} holes each)${label}...`);
  const tables = await seatTables(url, target, GAMES, HOLES, totals, "");
  const bots = tables.flat();
  const bytesBefore = bots.reduce((sum, bot) => sum + bot.bytesRead, 0);
  const startedAt = performance.now();
  say("playing...");
  await playTables(tables, RAMP_MS, flags.json ? undefined : () => say(`  ${totals.moves} moves, ${tables.filter(([host]) => host.state.phase === "gameOver").length} games over`));
  const seconds = (performance.now() - startedAt) / 1000;
  const bytes = bots.reduce((sum, bot) => sum + bot.bytesRead, 0) - bytesBefore;
  return { seconds, moves: totals.moves, totals, bytesPerMovePerClient: Math.round(bytes / (totals.moves * 2)), bots };
}

async function leaveAll(bots: Bot[]): Promise<void> {
  for (const bot of bots) void bot.leave();
  await sleep(200);
}

type Result = Record<string, unknown> & { movesPerSecond: number; moveP99Ms: number; bytesPerMovePerClient: number; machine: Record<string, unknown> };

/** Our server: the measured games and everything read around them. */
async function measureOurs(database: { url?: string; dataDir?: string }, profileDir: string | undefined): Promise<{ result: Result; pid: number; trace: [number, number, string][] }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let server: ChildProcess | null = null;
  try {
    server = await startServer(port, database, profileDir);
    const pid = server.pid!;
    await sleep(1000);
    const idleRssMb = serverRssMb(pid);
    const idleRetainedMb = await retainedHeapMb(pid, url);
    const idleHeapMb = gaugeMb(await fetchMetrics(url), "golf_node_nodejs_heap_size_used_bytes");
    // The warm-up's memory stays counted: the idle figures above were read before it.
    await warmUp(url, GOLF);

    let peakRssMb = serverRssMb(pid);
    const sampler = setInterval(() => {
      peakRssMb = Math.max(peakRssMb, serverRssMb(pid));
    }, 100);
    const loadAtStart = loadAverage();
    const metricsBefore = await fetchMetrics(url);
    const serverCpuBefore = cpuSeconds(pid);
    const benchCpuBefore = process.cpuUsage();
    const played = await playMeasured(url, GOLF, ` on ${database.url ? "PostgreSQL" : "PGlite"}`);
    const { seconds, totals } = played;
    clearInterval(sampler);
    peakRssMb = Math.max(peakRssMb, serverRssMb(pid));
    const serverCpu = cpuSeconds(pid) - serverCpuBefore;
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const metricsAfter = await fetchMetrics(url);
    // The games are over but their rooms and clients are still there.
    const retainedAfterMb = await retainedHeapMb(pid, url);
    // Means over the run: the setup's joins are in both snapshots and cancel out.
    const meanMsOver = (name: string) => {
      const [before, after] = [histogramTotals(metricsBefore, name), histogramTotals(metricsAfter, name)];
      return ((after.sum - before.sum) / (after.count - before.count)) * 1000;
    };
    const counterDelta = (name: string) => metricValue(metricsAfter, name) - metricValue(metricsBefore, name);
    const { cpus, cpuModel, memoryGb, node } = machine();
    const result: Result = {
      games: GAMES,
      clients: played.bots.length,
      signedIn: flags["signed-in"],
      holes: HOLES,
      seconds: round(seconds, 2),
      moves: totals.moves,
      movesPerSecond: Math.round(totals.moves / seconds),
      moveP50Ms: round(totals.latencies.percentile(50), 2),
      moveP99Ms: round(totals.latencies.percentile(99), 2),
      bytesPerMovePerClient: played.bytesPerMovePerClient,
      idleRssMb: round(idleRssMb),
      serverRssMb: round(peakRssMb),
      mbPerGameOverIdle: round((peakRssMb - idleRssMb) / GAMES, 3),
      // Diagnostics: the JS heap in use (garbage included) idle and right after the games, and the
      // heap after a full GC (idle, and with the finished games' rooms and clients still open) per game.
      idleHeapMb: round(idleHeapMb),
      heapMbAfterRun: round(gaugeMb(metricsAfter, "golf_node_nodejs_heap_size_used_bytes")),
      retainedHeapMbPerGame: round((retainedAfterMb - idleRetainedMb) / GAMES, 3),
      // Where the time goes: inside the server (receive to effect sent; of it, the commit) and CPU use.
      serverActionMeanMs: round(meanMsOver("golf_action_latency_seconds"), 2),
      appendMeanMs: round(meanMsOver("golf_event_append_latency_seconds"), 2),
      // How many games shared a commit (one statement, one round trip) on average.
      appendsPerBatch: round(counterDelta("golf_event_commit_appends_total") / counterDelta("golf_event_commit_batches_total"), 1),
      serverCpuPercent: Math.round((100 * serverCpu) / seconds),
      serverCpuUsPerMove: Math.round((1e6 * serverCpu) / totals.moves),
      benchCpuPercent: Math.round((100 * (benchCpu.user + benchCpu.system)) / 1e6 / seconds),
      // Diagnostics: how many moves of each type, and their p50 / p99 in ms.
      moveMsByType: Object.fromEntries([...totals.latenciesByType].map(([type, latencies]) => [type, { moves: latencies.count, p50: round(latencies.percentile(50), 1), p99: round(latencies.percentile(99), 1) }])),
      rateLimited: totals.rateLimited,
      otherErrors: Object.fromEntries(totals.otherErrors),
      database: database.url ? "postgresql" : "pglite",
      // Other work on the machine skews every figure: the 1-minute load average as the run began.
      machine: { cpus, cpuModel, memoryGb, node, loadAverageAtStart: loadAtStart },
    };
    await leaveAll(played.bots);
    return { result, pid, trace: totals.trace };
  } finally {
    await stopServerProcess(server);
  }
}

/** The reference room under the same players, warm-up and load: its moves/s, p99 and bytes. */
async function measureReference(database: { url?: string; dataDir?: string }): Promise<{ movesPerSecond: number; moveP99Ms: number; bytesPerMovePerClient: number }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let server: ChildProcess | null = null;
  try {
    server = await startReferenceServer(port, database);
    await sleep(1000);
    say("the reference room (bench/reference/):");
    await warmUp(url, REFERENCE);
    const played = await playMeasured(url, REFERENCE, " in the reference room");
    const errors = played.totals.rateLimited + played.totals.otherErrors.size;
    if (errors > 0) say(`the reference room refused moves: ${JSON.stringify(Object.fromEntries(played.totals.otherErrors))}`);
    await leaveAll(played.bots);
    return { movesPerSecond: Math.round(played.moves / played.seconds), moveP99Ms: round(played.totals.latencies.percentile(99), 2), bytesPerMovePerClient: played.bytesPerMovePerClient };
  } finally {
    await stopServerProcess(server);
  }
}

async function main(): Promise<void> {
  // Before anything of the run exists, so a failing gauge leaves nothing behind.
  const simBefore = flags["no-host-gauge"] ? undefined : hostGauge();
  const adminUrl = flags["database-url"] ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const scratch = flags.pglite ? null : await scratchDatabase(adminUrl, "golf_bench");
  const dataDir = flags.pglite ? mkdtempSync(path.join(os.tmpdir(), "golf-bench-")) : undefined;
  const database = { url: scratch?.url, dataDir };
  const profileDir = flags["cpu-prof"] ? path.resolve(flags["cpu-prof"]) : undefined;
  let ours: Awaited<ReturnType<typeof measureOurs>> | undefined;
  try {
    ours = await measureOurs(database, profileDir);
    if (!flags["no-reference"]) {
      const reference = await measureReference(database);
      const ratio = (a: number, b: number) => round(a / b, 3);
      ours.result.reference = reference;
      ours.result.ratio = {
        throughput: ratio(ours.result.movesPerSecond, reference.movesPerSecond),
        p99: ratio(ours.result.moveP99Ms, reference.moveP99Ms),
        bytes: ratio(ours.result.bytesPerMovePerClient, reference.bytesPerMovePerClient),
      };
    }
  } finally {
    await scratch?.drop().catch((error) => say(`could not drop the scratch database: ${(error as Error).message}`));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
  const { result } = ours;
  // The host's speed (see the top of this file): before the servers started and after they stopped.
  if (simBefore !== undefined) result.machine.simHolesPerSecond = { before: simBefore, after: hostGauge() };
  if (flags.json) console.log(JSON.stringify(result));
  else console.log(JSON.stringify(result, null, 2));
  if (TRACE_FILE && GC_EVENTS_FILE) {
    const gc = JSON.parse(readFileSync(GC_EVENTS_FILE, "utf8")) as unknown;
    rmSync(GC_EVENTS_FILE, { force: true });
    writeFileSync(TRACE_FILE, JSON.stringify({ moves: ours.trace, gc, playersGc }));
    say(`moves and GC events written to ${TRACE_FILE}`);
  }
  if (profileDir) {
    // One profile per thread (tsx runs a loader thread): the server's is the busiest.
    const profiles = readdirSync(profileDir)
      .filter((name) => name.endsWith(".cpuprofile") && name.includes(`.${ours.pid}.`))
      .map((name) => path.join(profileDir, name));
    const busiest = profiles.map((file) => ({ file, busy: busyMicros(file) })).sort((a, b) => b.busy - a.busy)[0];
    if (busiest) for (const line of summarizeProfile(busiest.file)) say(line);
    else say(`no .cpuprofile of process ${ours.pid} was written in ${profileDir}`);
  }
}

await main();
process.exit(0);
