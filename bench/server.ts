// Game server benchmark: a real node in its own process (so its memory can be read from /proc),
// and N concurrent two-human games played by SDK clients in this process, every move sent as soon
// as the previous one's effect came back, every move committed to the database before it is answered.
//
//   npm run bench:server -- [--games 100] [--holes 18] [--json]
//                           [--database-url URL | --pglite] [--cpu-prof DIR]
//                           [--warmup-games N (default: --games; 0 for none)] [--warmup-holes 2] [--warmup-rounds 2]
//                           [--ramp-ms 200] [--trace-moves FILE] [--no-host-gauge]
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
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import WebSocket from "ws";
import { plainMove, scratchDatabase, type PlainTable } from "../server/testing.ts";
import { freePort } from "../server/free-port.ts";
import { positiveInt } from "./args.ts";
import { GolfStateSchema } from "../server/room/schema.ts";
import { watchGc } from "./gc-watch.mjs";
import { LOCAL_METRICS_HEADERS, RELAXED_LIMITS_ENV } from "../server/limits.ts";

// The SDK picks its WebSocket when it loads: make it the `ws` package (on Node 22 too), whose
// sockets expose the byte counts measured here.
(globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
const { Client } = await import("@colyseus/sdk");
// The players decode into the game's own schema classes, as a TypeScript client does. Without
// them the SDK builds a set of classes per connection from the server's reflection: 200 clients in
// one process then make every property access of the decoder megamorphic, a cost of the
// load generator (one player per browser never has it) that took CPU from the server under test.
const STATE_CLASS = GolfStateSchema;
type Room = Awaited<ReturnType<InstanceType<typeof Client>["create"]>>;

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
const REPO = path.resolve(import.meta.dirname, "..");
const say = (line: string) => (flags.json ? process.stderr : process.stdout).write(`${line}\n`);

// --- the server process --------------------------------------------------------------------------

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  // After the command name: utime and stime are fields 14 and 15 of stat, here at 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Sum and count of a Prometheus histogram (all label sets), from a /metrics text. */
function histogramMean(metrics: string, name: string): number {
  let sum = 0;
  let count = 0;
  for (const line of metrics.split("\n")) {
    if (line.startsWith(`${name}_sum`)) sum += Number(line.split(" ").at(-1));
    else if (line.startsWith(`${name}_count`)) count += Number(line.split(" ").at(-1));
  }
  return count > 0 ? sum / count : NaN;
}

/** A metric without labels, from a Prometheus text exposition. */
function counterValue(metrics: string, name: string): number {
  return Number(new RegExp(`^${name} (\\S+)$`, "m").exec(metrics)?.[1] ?? NaN);
}

function gaugeMb(metrics: string, name: string): number {
  const line = metrics.split("\n").find((text) => text.startsWith(`${name} `));
  return line ? Number(line.split(" ").at(-1)) / 2 ** 20 : NaN;
}

/** The server's JS heap in use after a full GC (see the SIGUSR2 hook): what it retains. */
async function retainedHeapMb(pid: number, url: string): Promise<number> {
  process.kill(pid, "SIGUSR2");
  await sleep(500);
  return gaugeMb(await (await fetch(`${url}/metrics`, { headers: LOCAL_METRICS_HEADERS })).text(), "golf_node_nodejs_heap_size_used_bytes");
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** The node arguments of `npm run start:server` (V8 flags, the tsx loader, the entry point): the node is measured as it is run. */
function startServerArgs(): string[] {
  const script = (JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts["start:server"];
  const words = script?.split(/\s+/) ?? [];
  if (words[0] !== "node" || words.at(-1) !== "server/main.ts") throw new Error(`unexpected start:server script: ${script}`);
  return words.slice(1);
}

async function startServer(port: number, database: { url?: string; dataDir?: string }, profileDir?: string): Promise<ChildProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn", CPU_DELAY_MS: "0", ...RELAXED_LIMITS_ENV };
  // One node on its own: no cluster, even when the caller's environment (CI) names a Redis.
  delete env.REDIS_URL;
  delete env.DATABASE_URL;
  if (database.url) env.DATABASE_URL = database.url;
  if (GC_EVENTS_FILE) env.GC_EVENTS_FILE = GC_EVENTS_FILE;
  if (database.dataDir) env.DATA_DIR = database.dataDir;
  // A diagnostic hook, not server code: SIGUSR2 runs a full GC, so retained memory can be told
  // from garbage not yet collected.
  const gcHook = path.join(mkdtempSync(path.join(os.tmpdir(), "golf-bench-gc-")), "gc-on-signal.mjs");
  writeFileSync(gcHook, "process.on('SIGUSR2', () => globalThis.gc?.());\n");
  const nodeArgs = [...(process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean), "--expose-gc", "--import", pathToFileURL(gcHook).href, ...(GC_EVENTS_FILE ? ["--import", pathToFileURL(path.join(REPO, "bench/gc-events.mjs")).href] : []), ...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [])];
  const child = spawn(process.execPath, [...nodeArgs, ...startServerArgs()], { cwd: REPO, env, stdio: ["ignore", "inherit", "inherit"] });
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited while starting (code ${child.exitCode})`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return child;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 60_000) throw new Error("the server did not answer /health within 60 s");
    await sleep(100);
  }
}

/** Holes per second of the engine simulator on this machine now: the host's speed, no I/O involved. */
function hostGauge(): number {
  const output = execFileSync(process.execPath, ["--import", "tsx", "bench/sim.ts", "--games", "10000", "--seats", "4", "--decks", "1", "--json"], { cwd: REPO, encoding: "utf8" });
  return (JSON.parse(output) as { holesPerSecond: number }).holesPerSecond;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// --- the players ---------------------------------------------------------------------------------

interface Totals {
  moves: number;
  latencies: number[];
  /** The same latencies by action type. */
  latenciesByType: Map<string, number[]>;
  rateLimited: number;
  otherErrors: Map<string, number>;
  /** With --trace-moves: [epoch ms sent, latency ms, type] per move. */
  trace: [number, number, string][];
}

/** One human: acts whenever the state says it may, one action in flight at a time. */
class Bot {
  room!: Room;
  seat = -1;
  code = "";
  private inFlight: { rid: string; type: string; sentAt: number } | null = null;
  private count = 0;
  private measuring = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly client: InstanceType<typeof Client>,
    readonly name: string,
    private readonly totals: Totals,
  ) {}

  get state(): PlainTable {
    return this.room.state as unknown as PlainTable;
  }

  /** Bytes read by this client's socket so far. */
  get bytesRead(): number {
    const socket = (this.room.connection.transport as unknown as { ws: { _socket?: net.Socket } }).ws._socket;
    return socket?.bytesRead ?? 0;
  }

  async enter(join: (client: InstanceType<typeof Client>) => Promise<Room>): Promise<void> {
    this.room = await join(this.client);
    this.room.reconnection.enabled = false;
    const welcomed = new Promise<void>((resolve) => {
      this.room.onMessage("welcome", (message: { seat: number; code: string }) => {
        this.seat = message.seat;
        this.code = message.code;
        resolve();
      });
    });
    this.room.onMessage("event", (message: { rid?: string }) => {
      if (!this.inFlight || message.rid !== this.inFlight.rid) return;
      if (this.measuring) {
        this.totals.moves++;
        const latency = performance.now() - this.inFlight.sentAt;
        this.totals.latencies.push(latency);
        const ofType = this.totals.latenciesByType.get(this.inFlight.type) ?? [];
        ofType.push(latency);
        this.totals.latenciesByType.set(this.inFlight.type, ofType);
        if (TRACE_FILE) this.totals.trace.push([performance.timeOrigin + this.inFlight.sentAt, latency, this.inFlight.type]);
      }
      this.inFlight = null;
      this.drive();
    });
    this.room.onMessage("error", (message: { code: string; rid?: string }) => {
      if (!this.inFlight || message.rid !== this.inFlight.rid) return;
      this.inFlight = null;
      if (message.code === "RATE_LIMITED") this.totals.rateLimited++;
      else this.totals.otherErrors.set(message.code, (this.totals.otherErrors.get(message.code) ?? 0) + 1);
      // Nothing changed, so no patch will come: try again once the limiter has a token (30/s).
      this.retry ??= setTimeout(() => {
        this.retry = null;
        this.drive();
      }, 34);
    });
    this.room.onMessage("timerWarning", () => undefined);
    this.room.onMessage("playAgain", () => undefined);
    this.room.onStateChange(() => this.drive());
    await welcomed;
  }

  /** The host's start; the clock starts for everyone with it. */
  start(): void {
    this.measuring = true;
    this.send("start", {});
  }

  play(): void {
    this.measuring = true;
    this.drive();
  }

  private drive(): void {
    if (!this.measuring || this.inFlight || this.retry) return;
    const move = plainMove(this.state, this.seat);
    if (move) this.send(move.type, move.payload);
  }

  private send(type: string, payload: Record<string, unknown>): void {
    const rid = ++this.count;
    this.inFlight = { rid: String(rid), type, sentAt: performance.now() };
    this.room.send(type, { ...payload, rid: String(rid) });
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

// --- the CPU profile, summarized ----------------------------------------------------------------

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function selfTimes(profile: Profile): Map<number, number> {
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, index) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  return selfUs;
}

function busyMicros(file: string): number {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const idle = new Set(profile.nodes.filter((node) => node.callFrame.functionName === "(idle)").map((node) => node.id));
  let busy = 0;
  for (const [id, us] of selfTimes(profile)) if (!idle.has(id)) busy += us;
  return busy;
}

/** Self time by function and by package/file, from a .cpuprofile. */
function summarizeProfile(file: string): string[] {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = selfTimes(profile);
  const total = [...selfUs.values()].reduce((sum, us) => sum + us, 0);
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    const file = frame.url.replace(/^file:\/\//, "").replace(`${REPO}/`, "");
    const where = file ? `${file}:${frame.lineNumber + 1}` : "(native)";
    const name = `${frame.functionName || "(anonymous)"} ${where}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    const place = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? (file.startsWith("node:") ? "node core" : file ? file : frame.functionName || "(native)");
    byPlace.set(place, (byPlace.get(place) ?? 0) + us);
  }
  const top = (map: Map<string, number>, count: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, us]) => `  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`);
  return [`CPU profile of the server (${(total / 1e6).toFixed(1)} s sampled): ${file}`, "by package or file (self time):", ...top(byPlace, 15), "by function (self time):", ...top(byFunction, 30)];
}

function newTotals(): Totals {
  return { moves: 0, latencies: [], latenciesByType: new Map(), rateLimited: 0, otherErrors: new Map(), trace: [] };
}

/** Seats `count` private two-player games, a few at a time: joining is not what is measured. */
async function seatTables(url: string, count: number, holes: number, totals: Totals, prefix: string): Promise<[Bot, Bot][]> {
  const tables: [Bot, Bot][] = [];
  for (let first = 0; first < count; first += 10) {
    const batch = Array.from({ length: Math.min(10, count - first) }, async (_, offset) => {
      const index = first + offset;
      const host = new Bot(new Client(url), `${prefix}Host${index}`, totals);
      await host.enter((client) => client.create("golf", { name: host.name, seats: 2, holes, turnSeconds: 0, private: true }, STATE_CLASS));
      const guest = new Bot(new Client(url), `${prefix}Guest${index}`, totals);
      await guest.enter((client) => client.joinById(host.code, { name: guest.name }, STATE_CLASS));
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

async function main(): Promise<void> {
  // Before anything of the run exists, so a failing gauge leaves nothing behind.
  const simBefore = flags["no-host-gauge"] ? undefined : hostGauge();
  const adminUrl = flags["database-url"] ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const scratch = flags.pglite ? null : await scratchDatabase(adminUrl, "golf_bench");
  const dataDir = flags.pglite ? mkdtempSync(path.join(os.tmpdir(), "golf-bench-")) : undefined;
  const profileDir = flags["cpu-prof"] ? path.resolve(flags["cpu-prof"]) : undefined;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let server: ChildProcess | null = null;
  let serverPid: number | undefined;
  let tracedMoves: [number, number, string][] = [];
  let result: Record<string, unknown> & { machine: Record<string, unknown> } | undefined;
  try {
    server = await startServer(port, { url: scratch?.url, dataDir }, profileDir);
    const pid = server.pid!;
    serverPid = pid;
    await sleep(1000);
    const idleRssMb = rssMb(pid);
    const idleRetainedMb = await retainedHeapMb(pid, url);
    const idleHeapMb = gaugeMb(await (await fetch(`${url}/metrics`, { headers: LOCAL_METRICS_HEADERS })).text(), "golf_node_nodejs_heap_size_used_bytes");

    // Warm-up (not measured): short games first, so that the measured ones meet code the JIT has
    // compiled, as on a server that has been up for a while. Their memory stays counted: the idle
    // figure above was read before them. Rounds: a server that has been up has seen tables seat,
    // play, end and leave many times over, mixed. After one round the JIT had compiled play for
    // play alone; the leaving and seating that followed threw much of it away, so the measured start
    // recompiled it (in one trace 30% of the node's CPU in its first 250 ms). A second round
    // compiles code that has seen the whole cycle.
    for (let round = 0; round < WARMUP_ROUNDS && WARMUP_GAMES > 0; round++) {
      say(`warming up (round ${round + 1} of ${WARMUP_ROUNDS}) with ${WARMUP_GAMES} games of ${WARMUP_HOLES} holes...`);
      const warmup = await seatTables(url, WARMUP_GAMES, WARMUP_HOLES, newTotals(), `Warm${round}`);
      await playTables(warmup, RAMP_MS);
      await Promise.all(warmup.flat().map((bot) => bot.room.leave(true).catch(() => undefined)));
      await sleep(500);
    }

    const totals = newTotals();
    say(`seating ${GAMES} games of 2 players (${HOLES} holes each) on ${scratch ? "PostgreSQL" : "PGlite"}...`);
    const tables = await seatTables(url, GAMES, HOLES, totals, "");
    const bots = tables.flat();

    let peakRssMb = rssMb(pid);
    const sampler = setInterval(() => {
      peakRssMb = Math.max(peakRssMb, rssMb(pid));
    }, 100);
    const loadAtStart = os.loadavg()[0]!;
    const metricsBefore = await (await fetch(`${url}/metrics`, { headers: LOCAL_METRICS_HEADERS })).text();
    const serverCpuBefore = cpuSeconds(pid);
    const benchCpuBefore = process.cpuUsage();
    const bytesBefore = bots.reduce((sum, bot) => sum + bot.bytesRead, 0);
    const startedAt = performance.now();
    say("playing...");
    await playTables(tables, RAMP_MS, flags.json ? undefined : () => say(`  ${totals.moves} moves, ${tables.filter(([host]) => host.state.phase === "gameOver").length} games over`));
    const seconds = (performance.now() - startedAt) / 1000;
    const bytes = bots.reduce((sum, bot) => sum + bot.bytesRead, 0) - bytesBefore;
    clearInterval(sampler);
    peakRssMb = Math.max(peakRssMb, rssMb(pid));
    const serverCpu = cpuSeconds(pid) - serverCpuBefore;
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const metricsAfter = await (await fetch(`${url}/metrics`, { headers: LOCAL_METRICS_HEADERS })).text();
    // The games are over but their rooms and clients are still there.
    const retainedAfterMb = await retainedHeapMb(pid, url);
    // Means over the run: the setup's joins are in both snapshots and cancel out.
    const meanOver = (name: string) => {
      const after = histogramMean(metricsAfter, name);
      const before = histogramMean(metricsBefore, name);
      const countOf = (text: string) => text.split("\n").filter((line) => line.startsWith(`${name}_count`)).reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
      const [n1, n0] = [countOf(metricsAfter), countOf(metricsBefore)];
      return ((after * n1 - (Number.isNaN(before) ? 0 : before * n0)) / (n1 - n0)) * 1000;
    };

    const counterDelta = (name: string) => counterValue(metricsAfter, name) - counterValue(metricsBefore, name);
    const sorted = totals.latencies.sort((a, b) => a - b);
    result = {
      games: GAMES,
      clients: bots.length,
      holes: HOLES,
      seconds: round(seconds, 2),
      moves: totals.moves,
      movesPerSecond: Math.round(totals.moves / seconds),
      moveP50Ms: round(percentile(sorted, 50), 2),
      moveP99Ms: round(percentile(sorted, 99), 2),
      bytesPerMovePerClient: Math.round(bytes / (totals.moves * 2)),
      idleRssMb: round(idleRssMb),
      serverRssMb: round(peakRssMb),
      mbPerGameOverIdle: round((peakRssMb - idleRssMb) / GAMES, 3),
      // Diagnostics: the JS heap in use (garbage included) idle and right after the games, and the
      // heap after a full GC (idle, and with the finished games' rooms and clients still open) per game.
      idleHeapMb: round(idleHeapMb),
      heapMbAfterRun: round(gaugeMb(metricsAfter, "golf_node_nodejs_heap_size_used_bytes")),
      retainedHeapMbPerGame: round((retainedAfterMb - idleRetainedMb) / GAMES, 3),
      // Where the time goes: inside the server (receive to effect sent; of it, the commit) and CPU use.
      serverActionMeanMs: round(meanOver("golf_action_latency_seconds"), 2),
      appendMeanMs: round(meanOver("golf_event_append_latency_seconds"), 2),
      // How many games shared a commit (one statement, one round trip) on average.
      appendsPerBatch: round(counterDelta("golf_event_commit_appends_total") / counterDelta("golf_event_commit_batches_total"), 1),
      serverCpuPercent: Math.round((100 * serverCpu) / seconds),
      serverCpuUsPerMove: Math.round((1e6 * serverCpu) / totals.moves),
      benchCpuPercent: Math.round((100 * (benchCpu.user + benchCpu.system)) / 1e6 / seconds),
      // Diagnostics: how many moves of each type, and their p50 / p99 in ms.
      moveMsByType: Object.fromEntries(
        [...totals.latenciesByType].map(([type, latencies]) => {
          const ordered = latencies.sort((a, b) => a - b);
          return [type, { moves: ordered.length, p50: round(percentile(ordered, 50), 1), p99: round(percentile(ordered, 99), 1) }];
        }),
      ),
      rateLimited: totals.rateLimited,
      otherErrors: Object.fromEntries(totals.otherErrors),
      database: scratch ? "postgresql" : "pglite",
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? "unknown",
        memoryGb: round(os.totalmem() / 2 ** 30),
        node: process.version,
        // Other work on the machine skews every figure: the 1-minute load average as the run began.
        loadAverageAtStart: round(loadAtStart, 2),
      },
    };
    tracedMoves = totals.trace;
    for (const bot of bots) void bot.room.leave(true).catch(() => undefined);
    await sleep(200);
  } finally {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once("exit", resolve));
      server.kill("SIGTERM");
      await Promise.race([exited, sleep(15_000)]);
      if (server.exitCode === null) server.kill("SIGKILL");
    }
    await scratch?.drop().catch((error) => say(`could not drop the scratch database: ${(error as Error).message}`));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
  if (result) {
    // The host's speed (see the top of this file): before the server started and after it stopped.
    if (simBefore !== undefined) result.machine.simHolesPerSecond = { before: simBefore, after: hostGauge() };
    if (flags.json) console.log(JSON.stringify(result));
    else console.log(JSON.stringify(result, null, 2));
  }
  if (TRACE_FILE && GC_EVENTS_FILE) {
    const gc = JSON.parse(readFileSync(GC_EVENTS_FILE, "utf8")) as unknown;
    rmSync(GC_EVENTS_FILE, { force: true });
    writeFileSync(TRACE_FILE, JSON.stringify({ moves: tracedMoves, gc, playersGc }));
    say(`moves and GC events written to ${TRACE_FILE}`);
  }
  if (profileDir && serverPid) {
    // One profile per thread (tsx runs a loader thread): the server's is the busiest.
    const profiles = readdirSync(profileDir)
      .filter((name) => name.endsWith(".cpuprofile") && name.includes(`.${serverPid}.`))
      .map((name) => path.join(profileDir, name));
    const busiest = profiles.map((file) => ({ file, busy: busyMicros(file) })).sort((a, b) => b.busy - a.busy)[0];
    if (busiest) for (const line of summarizeProfile(busiest.file)) say(line);
    else say(`no .cpuprofile of process ${serverPid} was written in ${profileDir}`);
  }
}

await main();
process.exit(0);
