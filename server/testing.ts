// For tests and benchmarks: a real node in-process (embedded PGlite in a temp dir, or the PostgreSQL of
// TEST_DATABASE_URL in a scratch database of its own, on a free port), and a plain legal bot move.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createNode, type GolfNode, type NodeOptions } from "./node.ts";
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

/** The parts of the synchronized state (docs/protocol.md) that plainMove reads. */
export interface PlainTable {
  phase: string;
  rules: string;
  turn: number;
  mustFlip: string;
  drawnFrom: string;
  seats: { host: boolean; cards: { faceUp: boolean }[] }[];
}

/**
 * The next move of a plain, legal strategy for `seat`, read from the synchronized state alone: flip
 * the first face-down cards, draw from the deck, swap into the first face-down slot. Null when it is
 * not this seat's to move. Used by the recovery tests and the game-server benchmark.
 */
export function plainMove(state: PlainTable, seat: number): { type: string; payload: Record<string, unknown> } | null {
  const me = state.seats[seat];
  if (!me) return null;
  const faceDown = [...me.cards.keys()].filter((position) => !me.cards[position]!.faceUp);
  switch (state.phase) {
    case "initialFlip": {
      const wanted = (JSON.parse(state.rules) as { initialFlips: number }).initialFlips;
      // Face-up cards at this point are our own initial flips: none yet means we still owe them.
      if (6 - faceDown.length >= wanted) return null;
      return { type: "flipInitial", payload: { positions: faceDown.slice(0, wanted) } };
    }
    case "playing":
    case "finalTurn":
      if (state.turn !== seat) return null;
      if (state.mustFlip === "required") return { type: "flip", payload: { position: faceDown[0] } };
      if (state.mustFlip === "optional") return { type: "skipFlip", payload: {} };
      if (state.drawnFrom === "deck") return faceDown.length > 0 ? { type: "swap", payload: { position: faceDown[0] } } : { type: "discard", payload: {} };
      if (state.drawnFrom === "discard") return { type: "swap", payload: { position: faceDown[0] ?? 0 } };
      return { type: "draw", payload: { source: "deck" } };
    case "holeOver":
      return me.host ? { type: "nextHole", payload: {} } : null;
    default:
      return null;
  }
}
