// Support for the HTTP tests: a finished game as an export document (played by CPUs through the
// engine, as a node would export it), raw HTTP requests that keep their path byte for byte, and
// counts of what the store holds.
import http from "node:http";
import pg from "pg";
import { cpuCommand, findProfile, mixSeed, seededRng, view, type GameEvent, type GameState } from "../../shared/golf/index.ts";
import { play, startedCpuGame } from "../../shared/golf/test-support.ts";
import type { GolfExport } from "../store/index.ts";
import type { TestNode } from "../testing.ts";

/** A whole game of CPU players, exported as a node exports it: one second between events. */
export function finishedExport(seed: number, options: { seats?: number; holes?: number } = {}): GolfExport {
  const started = startedCpuGame({ seats: options.seats ?? 3, holes: options.holes ?? 1, seed });
  const events: GameEvent[] = [...started.events];
  let state: GameState = started.state;
  const rngs = state.seats.map((_, seat) => seededRng(mixSeed(seed, seat, 0x5eed)));
  while (state.phase !== "gameOver") {
    let step;
    if (state.phase === "holeOver") step = play(state, "system", { type: "nextHole" });
    else {
      const seat = state.phase === "initialFlip" ? state.seats.findIndex((s) => !s.initialFlipDone) : state.turn;
      step = play(state, seat, cpuCommand(view(state, seat), findProfile(state.seats[seat]!.profile)!.traits, rngs[seat]!)!);
    }
    events.push(...step.events);
    state = step.state;
  }
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

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request with its path sent exactly as given (fetch would normalize or refuse some). */
export function rawRequest(url: string, options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, method: options.method ?? "GET", path: options.path, headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

/** Rows in the node's games table and the views of every share, to check that nothing changed. */
export async function storeSnapshot(node: TestNode): Promise<{ games: number; views: number }> {
  const client = new pg.Client({ connectionString: node.store.connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ games: string; views: string }>(
      "SELECT (SELECT count(*) FROM games)::text AS games, (SELECT coalesce(sum(views), 0) FROM shares)::text AS views",
    );
    return { games: Number(rows[0]!.games), views: Number(rows[0]!.views) };
  } finally {
    await client.end();
  }
}
