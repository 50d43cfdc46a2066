// For tests and benchmarks: a real node in-process (embedded PGlite in a temp dir, or the PostgreSQL of
// TEST_DATABASE_URL in a scratch database of its own, on a free port), and a finished game as an
// export document. The bots' moves are bench/lib/moves.ts's.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createdEvent, cpuCommand, decide, EMPTY_STATE, evolve, findProfile, mergeRules, mixSeed, seededRng, STANDARD_RULES, view, type Actor, type Command, type GameEvent, type GameState } from "../shared/golf/index.ts";
import { createNode, type GolfNode, type NodeOptions } from "./node.ts";
import type { GolfExport } from "./store/index.ts";
import { RELAXED_LIMITS } from "./limits.ts";

export interface TestNode extends GolfNode {
  /** The database the node used (kept for a restart of the same node). */
  databaseUrl?: string;
  dataDir: string;
}

/** A scratch PostgreSQL database on TEST_DATABASE_URL's server, dropped by the returned function. */
export async function scratchDatabase(adminUrl: string, prefix = "golf_test"): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export async function startTestNode(options: NodeOptions & { postgres?: boolean } = {}): Promise<TestNode> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), "golf-node-"));
  let databaseUrl = options.databaseUrl;
  let drop: (() => Promise<void>) | undefined;
  if (!databaseUrl && options.postgres !== false && process.env.TEST_DATABASE_URL) {
    const scratch = await scratchDatabase(process.env.TEST_DATABASE_URL);
    databaseUrl = scratch.url;
    drop = scratch.drop;
  }
  const node = await createNode({ port: 0, host: "127.0.0.1", logLevel: process.env.TEST_LOG_LEVEL ?? "warn", cpuDelayMs: 0, holeIntervalMs: 300, ...options, limits: { ...RELAXED_LIMITS, ...options.limits }, databaseUrl, dataDir });
  return {
    ...node,
    databaseUrl,
    dataDir,
    async close() {
      await node.close();
      await drop?.();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A whole game of CPU players (personalities by seat) through the engine: its log and its final state. */
export function playedCpuGame(seed: number, options: { seats?: number; holes?: number } = {}): { events: GameEvent[]; state: GameState } {
  const seats = options.seats ?? 3;
  const events: GameEvent[] = [createdEvent({ tableSize: seats, rules: mergeRules(STANDARD_RULES, {}), holes: options.holes ?? 1, decks: null, turnSeconds: 0, seed })];
  let state: GameState = evolve(EMPTY_STATE, events[0]!);
  const play = (actor: Actor, command: Command) => {
    const decision = decide(state, actor, command);
    if (!decision.ok) throw new Error(`${JSON.stringify(command)} by ${actor} refused: ${decision.error.reason} ${decision.error.message}`);
    state = decision.state;
    events.push(...decision.events);
  };
  for (let seat = 0; seat < seats; seat++) play("system", { type: "addCpu" });
  play("system", { type: "start" });
  const rngs = state.seats.map((_, seat) => seededRng(mixSeed(seed, seat, 0x5eed)));
  while (state.phase !== "gameOver") {
    if (state.phase === "holeOver") play("system", { type: "nextHole" });
    else {
      const seat = state.phase === "initialFlip" ? state.seats.findIndex((s) => !s.initialFlipDone) : state.turn;
      const command = cpuCommand(view(state, seat), findProfile(state.seats[seat]!.profile)!.traits, rngs[seat]!);
      if (!command) throw new Error(`the CPU at seat ${seat} has no move in phase ${state.phase}`);
      play(seat, command);
    }
  }
  return { events, state };
}

/** playedCpuGame's game (one hole by default), exported as a node exports it: one second between events. */
export function finishedExport(seed: number, options: { seats?: number; holes?: number } = {}): GolfExport {
  const { events, state } = playedCpuGame(seed, options);
  const createdAt = Date.now() - events.length * 1000 - 60_000;
  return {
    format: "golf-game",
    version: 1,
    game: {
      id: "00000000-0000-4000-8000-000000000000",
      code: "ABCDE",
      createdAt: new Date(createdAt).toISOString(),
      endedAt: new Date(createdAt + (events.length - 1) * 1000).toISOString(),
      rules: { ...state.rules } as unknown as Record<string, unknown>,
      holes: state.holes,
      decks: state.decks,
      seats: state.seats.map(({ name, kind, profile }) => ({ name, kind, profile })),
      totals: state.seats.map((seat) => seat.total),
      winners: [...state.winners],
    },
    events: events.map((event, i) => ({ seq: i + 1, type: event.type, seat: event.seat ?? null, at: i * 1000, data: event.data })),
  } as GolfExport;
}
