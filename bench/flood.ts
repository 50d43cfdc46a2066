// Flood benchmark: does one flooding connection slow other rooms? A real node in its own process
// (the benchmarks' relaxed limits, but the product's message limits: MESSAGES_PER_SECOND and
// FLOOD_MESSAGES_PER_SECOND as the environment or their defaults say), N background tables of two
// bots playing as fast as they are answered, and one measured table whose action round trips are
// recorded. Quiet and flood windows alternate; in a flood window a spectator of another room sends
// 3,000 `draw` messages as fast as its socket takes them. Prints the measured room's p99 in each
// kind of window, their ratio (the bar: at most 1.2), what happened to each flooder, and the machine.
//
//   npm run bench:flood -- [--games 20] [--rounds 6] [--window-ms 3000] [--database-url URL | --pglite] [--json]
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import WebSocket from "ws";
import { freePort } from "../server/free-port.ts";
import { RELAXED_LIMITS_ENV } from "../server/limits.ts";
import { plainMove, scratchDatabase, type PlainTable } from "../server/testing.ts";
import { GolfStateSchema } from "../server/room/schema.ts";
import { positiveInt } from "./args.ts";

(globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
const { Client } = await import("@colyseus/sdk");
type Room = Awaited<ReturnType<InstanceType<typeof Client>["create"]>>;

const { values: flags } = parseArgs({
  options: {
    games: { type: "string", default: "20" },
    rounds: { type: "string", default: "6" },
    "window-ms": { type: "string", default: "3000" },
    flood: { type: "string", default: "3000" },
    "database-url": { type: "string" },
    pglite: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
});
const GAMES = positiveInt("games", flags.games, 1000);
const ROUNDS = positiveInt("rounds", flags.rounds, 1000);
const WINDOW_MS = positiveInt("window-ms", flags["window-ms"]);
const FLOOD = positiveInt("flood", flags.flood);
const REPO = path.resolve(import.meta.dirname, "..");
const say = (line: string) => (flags.json ? process.stderr : process.stdout).write(`${line}\n`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// --- the server ----------------------------------------------------------------------------------

async function startServer(port: number, database: { url?: string; dataDir?: string }): Promise<ChildProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "error", CPU_DELAY_MS: "0", ...RELAXED_LIMITS_ENV };
  delete env.REDIS_URL;
  delete env.DATABASE_URL;
  if (database.url) env.DATABASE_URL = database.url;
  if (database.dataDir) env.DATA_DIR = database.dataDir;
  const script = (JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts["start:server"]!;
  const child = spawn(process.execPath, script.split(/\s+/).slice(1), { cwd: REPO, env, stdio: ["ignore", "inherit", "inherit"] });
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited while starting (code ${child.exitCode})`);
    if (await fetch(`http://127.0.0.1:${port}/health`).then((response) => response.ok, () => false)) return child;
    if (Date.now() - started > 60_000) throw new Error("the server did not answer /health within 60 s");
    await sleep(100);
  }
}

// --- players -------------------------------------------------------------------------------------

/** One seat, acting whenever the state says it may, one action in flight; RATE_LIMITED: again in 34 ms. */
class Player {
  room!: Room;
  seat = -1;
  code = "";
  private inFlight: { rid: string; sentAt: number } | null = null;
  private retry: NodeJS.Timeout | null = null;
  private count = 0;

  constructor(
    private readonly name: string,
    private readonly record?: (latencyMs: number) => void,
  ) {}

  async enter(join: (client: InstanceType<typeof Client>) => Promise<Room>, url: string): Promise<void> {
    this.room = await join(new Client(url));
    this.room.reconnection.enabled = false;
    const welcomed = new Promise<void>((resolve) =>
      this.room.onMessage("welcome", (message: { seat: number; code: string }) => {
        this.seat = message.seat;
        this.code = message.code;
        resolve();
      }),
    );
    this.room.onMessage("event", (message: { rid?: string }) => this.answered(message.rid, true));
    this.room.onMessage("error", (message: { rid?: string; code: string }) => this.answered(message.rid, message.code !== "RATE_LIMITED"));
    this.room.onMessage("*", () => undefined);
    this.room.onStateChange(() => this.drive());
    await welcomed;
  }

  get state(): PlainTable & { phase: string } {
    return this.room.state as unknown as PlainTable;
  }

  private answered(rid: string | undefined, counts: boolean): void {
    if (!this.inFlight || rid !== this.inFlight.rid) return;
    if (counts) this.record?.(performance.now() - this.inFlight.sentAt);
    this.inFlight = null;
    if (counts) this.drive();
    else this.retry ??= setTimeout(() => ((this.retry = null), this.drive()), 34);
  }

  drive(): void {
    if (this.inFlight || this.retry || this.seat < 0) return;
    const move = plainMove(this.state, this.seat);
    if (move) this.send(move.type, move.payload);
  }

  send(type: string, payload: Record<string, unknown>): void {
    const rid = `${this.name}-${++this.count}`;
    this.inFlight = { rid, sentAt: performance.now() };
    this.room.send(type, { ...payload, rid });
  }
}

/** A two-player table that plays game after game until stopped. */
async function runTable(url: string, name: string, stopped: () => boolean, record?: (ms: number) => void): Promise<void> {
  for (let game = 0; !stopped(); game++) {
    const host = new Player(`${name}h${game}`, record);
    await host.enter((client) => client.create("golf", { name: `${name}H`, seats: 2, holes: 18, turnSeconds: 0, private: true }, GolfStateSchema), url);
    const guest = new Player(`${name}g${game}`, record);
    await guest.enter((client) => client.joinById(host.code, { name: `${name}G` }, GolfStateSchema), url);
    host.send("start", {});
    while (!stopped() && host.state.phase !== "gameOver") await sleep(50);
    await Promise.all([host.room.leave(true), guest.room.leave(true)].map((left) => left.catch(() => undefined)));
  }
}

/** A spectator of `code` sends `count` draws at once; resolves with its close code and the answers it got. */
async function flood(url: string, code: string, count: number): Promise<{ closeCode: number | null; answers: number; ms: number }> {
  const room = await new Client(url).joinById(code, { spectate: true }, GolfStateSchema);
  room.reconnection.enabled = false;
  let answers = 0;
  room.onMessage("error", () => answers++);
  room.onMessage("*", () => undefined);
  const closed = new Promise<number>((resolve) => {
    room.onLeave((closeCode: number) => resolve(closeCode));
    room.onDrop((closeCode: number) => resolve(closeCode));
  });
  const started = performance.now();
  for (let i = 0; i < count; i++) room.send("draw", { source: "deck", rid: i });
  const closeCode = await Promise.race([closed, sleep(WINDOW_MS).then(() => null)]);
  const ms = performance.now() - started;
  if (closeCode === null) await room.leave(true).catch(() => undefined);
  return { closeCode, answers, ms: Math.round(ms) };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

// --- the run -------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const adminUrl = flags["database-url"] ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const scratch = flags.pglite ? null : await scratchDatabase(adminUrl, "golf_flood");
  const dataDir = flags.pglite ? mkdtempSync(path.join(os.tmpdir(), "golf-flood-")) : undefined;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let server: ChildProcess | null = null;
  let stop = false;
  try {
    server = await startServer(port, { url: scratch?.url, dataDir });
    const loadAtStart = os.loadavg()[0]!;
    say(`${GAMES} background tables and one measured table; ${ROUNDS} rounds of a quiet and a flood window of ${WINDOW_MS} ms...`);
    const tables = Array.from({ length: GAMES }, (_, index) => runTable(url, `b${index}`, () => stop));
    const window = { kind: "warmup" as "warmup" | "quiet" | "flood" };
    const latencies = { quiet: [] as number[], flood: [] as number[] };
    tables.push(runTable(url, "m", () => stop, (ms) => window.kind !== "warmup" && latencies[window.kind].push(ms)));
    // The flood's room: a lobby of its own, watched by each flooder in turn.
    const target = new Player("target");
    await target.enter((client) => client.create("golf", { name: "Target", seats: 2, turnSeconds: 0, private: true }, GolfStateSchema), url);
    await sleep(2000); // warm-up: every table seated and playing

    const floods: { closeCode: number | null; answers: number; ms: number }[] = [];
    for (let roundIndex = 0; roundIndex < ROUNDS; roundIndex++) {
      window.kind = "quiet";
      await sleep(WINDOW_MS);
      window.kind = "flood";
      const started = performance.now();
      floods.push(await flood(url, target.code, FLOOD));
      await sleep(Math.max(0, WINDOW_MS - (performance.now() - started)));
      say(`  round ${roundIndex + 1}: ${latencies.quiet.length} quiet and ${latencies.flood.length} flood round trips so far; flooder: ${JSON.stringify(floods.at(-1))}`);
    }
    window.kind = "warmup";
    stop = true;
    await target.room.leave(true).catch(() => undefined);
    await Promise.race([Promise.all(tables), sleep(15_000)]);

    const quiet = latencies.quiet.sort((a, b) => a - b);
    const flooded = latencies.flood.sort((a, b) => a - b);
    const result = {
      games: GAMES,
      rounds: ROUNDS,
      windowMs: WINDOW_MS,
      floodMessages: FLOOD,
      quiet: { moves: quiet.length, p50Ms: round(percentile(quiet, 50)), p99Ms: round(percentile(quiet, 99)) },
      flood: { moves: flooded.length, p50Ms: round(percentile(flooded, 50)), p99Ms: round(percentile(flooded, 99)) },
      p99Ratio: round(percentile(flooded, 99) / percentile(quiet, 99), 3),
      flooders: { cutOff: floods.filter((f) => f.closeCode !== null).length, closeCodes: [...new Set(floods.map((f) => f.closeCode))], maxAnswers: Math.max(...floods.map((f) => f.answers)) },
      database: scratch ? "postgresql" : "pglite",
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "unknown", node: process.version, loadAverageAtStart: round(loadAtStart), loadAverageAtEnd: round(os.loadavg()[0]!) },
    };
    if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else say(JSON.stringify(result, null, 2));
  } finally {
    stop = true;
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once("exit", resolve));
      server.kill("SIGTERM");
      await Promise.race([exited, sleep(15_000)]);
      if (server.exitCode === null) server.kill("SIGKILL");
    }
    await scratch?.drop().catch((error: Error) => say(`could not drop the scratch database: ${error.message}`));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
