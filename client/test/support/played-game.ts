// A whole game played through the shared engine by CPU players, written in the export format of
// docs/protocol.md. Tests use it where they need a finished game without a server (the replay model).
import {
  CPU_PROFILES,
  createdEvent,
  cpuCommand,
  decide,
  EMPTY_STATE,
  evolve,
  mergeRules,
  seededRng,
  STANDARD_RULES,
  view,
  type GameEvent,
  type GameState,
  type RulesPatch,
} from "../../../shared/golf/index.ts";
import type { GolfExport } from "../../../shared/protocol/index.ts";

export interface PlayedGameOptions {
  seats?: number;
  holes?: number;
  seed?: number;
  rules?: RulesPatch;
  /** The first seat is a human with this name; the others are CPUs. */
  human?: string;
}

export function playGame(options: PlayedGameOptions = {}): { events: GameEvent[]; state: GameState } {
  const seats = options.seats ?? 4;
  const events: GameEvent[] = [];
  let state = EMPTY_STATE;
  const apply = (list: GameEvent[]) => {
    for (const event of list) {
      events.push(event);
      state = evolve(state, event);
    }
  };
  const must = (actor: number | "system", command: Parameters<typeof decide>[2]) => {
    const decision = decide(state, actor, command);
    if (!decision.ok) throw new Error(`${JSON.stringify(command)}: ${decision.error.message}`);
    apply(decision.events);
  };
  apply([createdEvent({ tableSize: seats, rules: mergeRules(STANDARD_RULES, options.rules ?? {}), holes: options.holes ?? 2, decks: null, turnSeconds: 30, seed: options.seed ?? 20240601 })]);
  must("system", { type: "join", name: options.human ?? "Alice" });
  for (let seat = 1; seat < seats; seat++) must("system", { type: "addCpu", profile: CPU_PROFILES[seat - 1]!.name });
  must(0, { type: "start" });
  const rng = seededRng(options.seed ?? 20240601);
  const traitsOf = (seat: number) => CPU_PROFILES.find((profile) => profile.name === state.seats[seat]!.profile)?.traits ?? CPU_PROFILES[3]!.traits;
  for (let guard = 0; guard < 20_000 && state.phase !== "gameOver"; guard++) {
    if (state.phase === "holeOver") {
      must("system", { type: "nextHole" });
      continue;
    }
    const seat = state.phase === "initialFlip" ? state.seats.findIndex((s) => !s.initialFlipDone) : state.turn;
    const command = cpuCommand(view(state, seat), traitsOf(seat), rng);
    if (!command) throw new Error(`no move for seat ${seat} in ${state.phase}`);
    must(seat, command);
  }
  return { events, state };
}

/** The export document of a played game (the format GET /api/games/:id/export serves). */
export function exportOf(played: { events: GameEvent[]; state: GameState }, id = "00000000-0000-4000-8000-000000000001", code = "TEST2"): GolfExport {
  const { events, state } = played;
  return {
    format: "golf-game",
    version: 1,
    game: {
      id,
      code,
      createdAt: "2026-01-01T12:00:00.000Z",
      endedAt: "2026-01-01T12:20:00.000Z",
      rules: { ...state.rules },
      holes: state.holes,
      decks: state.decksChoice,
      seats: state.seats.map((seat) => ({ name: seat.name, kind: seat.kind, profile: seat.profile })),
      totals: state.seats.map((seat) => seat.total),
      winners: [...state.winners],
    },
    events: events.map((event, index) => ({ seq: index + 1, type: event.type, seat: event.seat, at: index * 900, data: event.data })),
  };
}
