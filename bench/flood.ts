// Flood benchmark: does one flooding connection slow other rooms? A real node in its own process
// (the benchmarks' relaxed limits, but the product's message limits: MESSAGES_PER_SECOND and
// FLOOD_MESSAGES_PER_SECOND as the environment or their defaults say), N background tables of two
// bots playing as fast as they are answered, and one measured table whose action round trips are
// recorded. Quiet and flood windows alternate; in a flood window a spectator of another room sends
// 3,000 `draw` messages as fast as its socket takes them. Prints the measured room's p99 in each
// kind of window, their ratio (the bar: at most 1.2), what happened to each flooder, and the machine.
//
//   npm run bench:flood -- [--games 20] [--rounds 6] [--window-ms 3000] [--database-url URL | --pglite] [--json]
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import WebSocket from "ws";
import { freePort } from "../server/free-port.ts";
import { RELAXED_LIMITS_ENV } from "../server/limits.ts";
import { scratchDatabase } from "../server/testing.ts";
import { plainMove, type PlainTable } from "./lib/moves.ts";
import { GolfStateSchema } from "../server/room/schema.ts";
import { positiveInt } from "./args.ts";
import type { Bot as BotType } from "./lib/bot.ts";
import { Histogram } from "./lib/histogram.ts";
import { machine } from "./lib/proc.ts";
import { loneNodeEnv, startServerArgs, startServerProcess, stopServerProcess } from "./lib/server-process.ts";
import { sleep } from "./lib/time.ts";

(globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
const { Client } = await import("@colyseus/sdk");
const { Bot } = await import("./lib/bot.ts");
type Bot = BotType<PlainTable>;

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
const say = (line: string) => (flags.json ? process.stderr : process.stdout).write(`${line}\n`);

// --- the server and its players -----------------------------------------------------------------

/**
 * One seat, acting whenever the state says it may, one action in flight; RATE_LIMITED: again in 34 ms.
 * `record` gets the round trip of every answered action (refusals other than RATE_LIMITED too).
 */
function player(url: string, name: string, record?: (latencyMs: number) => void): Bot {
  return new Bot(new Client(url), name, {
    chooseMove: plainMove,
    onAnswer: (answer) => {
      if (answer.error !== "RATE_LIMITED") record?.(answer.latencyMs);
    },
  });
}

/** A two-player table that plays game after game until stopped. */
async function runTable(url: string, name: string, stopped: () => boolean, record?: (ms: number) => void): Promise<void> {
  for (let game = 0; !stopped(); game++) {
    const host = player(url, `${name}h${game}`, record);
    await host.enter((client) => client.create("golf", { name: `${name}H`, seats: 2, holes: 18, turnSeconds: 0, private: true }, GolfStateSchema));
    const guest = player(url, `${name}g${game}`, record);
    await guest.enter((client) => client.joinById(host.code, { name: `${name}G` }, GolfStateSchema));
    host.start();
    guest.play();
    while (!stopped() && host.state.phase !== "gameOver") await sleep(50);
    await Promise.all([host.leave(), guest.leave()]);
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
    const env = loneNodeEnv(port, { url: scratch?.url, dataDir }, { LOG_LEVEL: "error", CPU_DELAY_MS: "0", ...RELAXED_LIMITS_ENV });
    server = await startServerProcess(startServerArgs(), env, port);
    const loadAtStart = os.loadavg()[0]!;
    say(`${GAMES} background tables and one measured table; ${ROUNDS} rounds of a quiet and a flood window of ${WINDOW_MS} ms...`);
    const tables = Array.from({ length: GAMES }, (_, index) => runTable(url, `b${index}`, () => stop));
    const window = { kind: "warmup" as "warmup" | "quiet" | "flood" };
    const latencies = { quiet: new Histogram(), flood: new Histogram() };
    tables.push(runTable(url, "m", () => stop, (ms) => window.kind !== "warmup" && latencies[window.kind].record(ms)));
    // The flood's room: a lobby of its own, watched by each flooder in turn.
    const target = player(url, "target");
    await target.enter((client) => client.create("golf", { name: "Target", seats: 2, turnSeconds: 0, private: true }, GolfStateSchema));
    await sleep(2000); // warm-up: every table seated and playing

    const floods: { closeCode: number | null; answers: number; ms: number }[] = [];
    for (let roundIndex = 0; roundIndex < ROUNDS; roundIndex++) {
      window.kind = "quiet";
      await sleep(WINDOW_MS);
      window.kind = "flood";
      const started = performance.now();
      floods.push(await flood(url, target.code, FLOOD));
      await sleep(Math.max(0, WINDOW_MS - (performance.now() - started)));
      say(`  round ${roundIndex + 1}: ${latencies.quiet.count} quiet and ${latencies.flood.count} flood round trips so far; flooder: ${JSON.stringify(floods.at(-1))}`);
    }
    window.kind = "warmup";
    stop = true;
    await target.leave();
    await Promise.race([Promise.all(tables), sleep(15_000)]);

    const { quiet, flood: flooded } = latencies;
    const { cpus, cpuModel, node } = machine();
    const result = {
      games: GAMES,
      rounds: ROUNDS,
      windowMs: WINDOW_MS,
      floodMessages: FLOOD,
      quiet: { moves: quiet.count, p50Ms: round(quiet.percentile(50)), p99Ms: round(quiet.percentile(99)) },
      flood: { moves: flooded.count, p50Ms: round(flooded.percentile(50)), p99Ms: round(flooded.percentile(99)) },
      p99Ratio: round(flooded.percentile(99) / quiet.percentile(99), 3),
      flooders: { cutOff: floods.filter((f) => f.closeCode !== null).length, closeCodes: [...new Set(floods.map((f) => f.closeCode))], maxAnswers: Math.max(...floods.map((f) => f.answers)) },
      database: scratch ? "postgresql" : "pglite",
      machine: { cpus, cpuModel, node, loadAverageAtStart: round(loadAtStart), loadAverageAtEnd: round(os.loadavg()[0]!) },
    };
    if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else say(JSON.stringify(result, null, 2));
  } finally {
    stop = true;
    await stopServerProcess(server);
    await scratch?.drop().catch((error: Error) => say(`could not drop the scratch database: ${error.message}`));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
