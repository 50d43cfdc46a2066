// Checking a whole log (imports, recovery): every event must be exactly what the engine would have
// produced at that point, a command's own event or one the engine owed.
import { commandEvent } from "./decide.ts";
import { EMPTY_STATE, evolve } from "./evolve.ts";
import { owedEvent } from "./owed.ts";
import { checkSettings, createdEvent } from "./settings.ts";
import { isEngineError, type Actor, type Command, type EngineError, type GameEvent, type GameState } from "./types.ts";

/** The command that produced an event, for replaying a log through `decide`. Null for system events. */
function commandOf(state: GameState, e: GameEvent): { actor: Actor; command: Command } | null {
  const seat = e.seat ?? -1;
  switch (e.type) {
    case "seatTaken":
      return e.data.kind === "human" ? { actor: "system", command: { type: "join", name: e.data.name, playerId: e.data.playerId, userId: e.data.userId } } : { actor: "system", command: { type: "addCpu", profile: e.data.profile } };
    case "seatFreed":
      return state.seats[seat]?.kind === "cpu" ? { actor: "system", command: { type: "removeCpu", seat } } : { actor: seat, command: { type: "leave" } };
    case "hostChanged":
      return { actor: "system", command: { type: "setHost", seat } };
    case "configured":
      return { actor: "system", command: { type: "configure", ...e.data } };
    case "started":
      return { actor: "system", command: { type: "start" } };
    case "holeStarted":
      return { actor: "system", command: { type: "nextHole" } };
    case "flippedInitial":
      return { actor: seat, command: { type: "flipInitial", positions: e.data.positions } };
    case "drew":
      return { actor: seat, command: { type: "draw", source: e.data.source } };
    case "cancelledDraw":
      return { actor: seat, command: { type: "cancelDraw" } };
    case "swapped":
      return { actor: seat, command: { type: "swap", position: e.data.position } };
    case "discarded":
      return { actor: seat, command: { type: "discard" } };
    case "flipped":
      return { actor: seat, command: { type: "flip", position: e.data.position } };
    case "skippedFlip":
      return { actor: seat, command: { type: "skipFlip" } };
    case "knocked":
      return { actor: seat, command: { type: "knock" } };
    case "awayChanged":
      return { actor: seat, command: { type: "setAway", away: e.data.away } };
    case "conceded":
      return { actor: seat, command: { type: "concede" } };
    case "abandoned":
      return { actor: "system", command: { type: "abandon" } };
    default:
      return null;
  }
}

export class LogError extends Error {
  constructor(
    readonly index: number,
    readonly reason: string,
  ) {
    super(`event ${index + 1}: ${reason}`);
    this.name = "LogError";
  }
}

/** Deep equality for plain JSON-like values (events are plain data). */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a).filter((key) => (a as Record<string, unknown>)[key] !== undefined);
  const bKeys = Object.keys(b).filter((key) => (b as Record<string, unknown>)[key] !== undefined);
  if (aKeys.length !== bKeys.length) return false;
  return aKeys.every((key) => sameData((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/**
 * Replays a whole log through the engine and returns the final state, or throws a LogError naming
 * the first event that is not exactly what the engine would have produced at that point.
 */
export function verifyLog(events: readonly GameEvent[]): GameState {
  const first = events[0];
  if (!first || first.type !== "created") throw new LogError(0, "a game log starts with a created event");
  const problem = checkSettings(first.data);
  if (problem) throw new LogError(0, problem);
  let state = evolve(EMPTY_STATE, createdEvent(first.data));
  for (let index = 1; index < events.length; index++) {
    const e = events[index]!;
    let expected: GameEvent | EngineError;
    if (state.pending.length > 0) {
      expected = owedEvent(state);
    } else {
      const origin = commandOf(state, e);
      if (!origin) throw new LogError(index, `${e.type} is not expected here`);
      expected = commandEvent(state, origin.actor, origin.command);
      if (isEngineError(expected)) throw new LogError(index, `${e.type} is illegal here: ${expected.message}`);
    }
    if (!sameData(expected, e)) throw new LogError(index, `${e.type} does not match what the engine produces (expected ${expected.type})`);
    state = evolve(state, e);
  }
  return state;
}
