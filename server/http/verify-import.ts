// Checks an export before it is imported: its events must be exactly the log the engine would have
// written (replayed with verifyLog), the game must be over, and the totals and winners its header
// claims must be the ones the replay produced. The store checks only the document's shape.
import { isDeepStrictEqual } from "node:util";
import { checkSettings, createdEvent, LogError, rulesPatchSchema, verifyLog, type EventOf, type GameEvent, type GameState } from "../../shared/golf/index.ts";
import type { GolfExport } from "../store/index.ts";

/** Why an import is refused; `seq` names the first inconsistent event when there is one. */
export interface ImportProblem {
  error: string;
  seq?: number;
}

/** Null when the export can be imported, else the first problem found. */
export function checkExport(doc: GolfExport): ImportProblem | null {
  // The store's shape check has already made sure seqs run 1..N in array order, so the event at
  // index i has seq i + 1.
  const events = doc.events.map((event) => ({ type: event.type, seat: event.seat, data: event.data }) as GameEvent);

  // The settings first: the rest of the log is replayed under them.
  const settingsProblem = checkCreated(events[0]!);
  if (settingsProblem) return { error: `event 1 (${events[0]!.type}): ${settingsProblem}`, seq: 1 };

  const replay = replayLog(events);
  if ("index" in replay) {
    const seq = replay.index + 1;
    return { error: `event ${seq} (${events[replay.index]!.type}): ${replay.reason}`, seq };
  }

  const state = replay.state;
  if (state.phase !== "gameOver") {
    const last = doc.events.at(-1)!;
    return {
      error: `the log ends at event ${last.seq} (${last.type}) while the game is still in phase ${state.phase}: only a finished game can be imported`,
    };
  }

  // A game that was played to the end (not abandoned) has its result in its gameEnded event, which
  // the replay has just proved to be the engine's; the header must agree with it.
  const ended = events.find((event) => event.type === "gameEnded") as EventOf<"gameEnded"> | undefined;
  if (ended) {
    if (!isDeepStrictEqual(doc.game.totals, ended.data.totals)) {
      return { error: `game.totals ${JSON.stringify(doc.game.totals)} do not match the replayed totals ${JSON.stringify(ended.data.totals)}` };
    }
    if (!isDeepStrictEqual(doc.game.winners, ended.data.winners)) {
      return { error: `game.winners ${JSON.stringify(doc.game.winners)} do not match the replayed winners ${JSON.stringify(ended.data.winners)}` };
    }
  }
  return null;
}

/**
 * What is wrong with the first event, or null. verifyLog checks the settings' numbers and starts
 * from them, but neither the house rules nor the event as a whole: compare it with the event the
 * engine makes from the same settings, so no unknown rule, extra field or missing field gets in.
 */
function checkCreated(first: GameEvent): string | null {
  if (first.type !== "created") return "a game log starts with a created event";
  const data: unknown = first.data;
  if (typeof data !== "object" || data === null || Array.isArray(data)) return "its data must be the game's settings (an object)";
  const settings = data as EventOf<"created">["data"];
  const problem = checkSettings(settings);
  if (problem) return problem;
  const rules = rulesPatchSchema.safeParse(settings.rules);
  if (!rules.success) {
    const issue = rules.error.issues[0]!;
    return `rules${issue.path.map((part) => `.${String(part)}`).join("")}: ${issue.message}`;
  }
  const { tableSize, holes, decks, turnSeconds, seed, rng } = settings;
  const expected = createdEvent({ tableSize, rules: settings.rules, holes, decks, turnSeconds, seed, ...(rng === undefined ? {} : { rng }) });
  if (!isDeepStrictEqual(first, expected)) return "does not match what the engine produces for these settings";
  return null;
}

type Replay = { state: GameState } | { index: number; reason: string };

/** Replays the log; on failure, the index of the first event that cannot be replayed and why. */
function replayLog(events: GameEvent[]): Replay {
  const first = attempt(events);
  if (!("error" in first)) return first;
  if (first.error instanceof LogError) return { index: first.error.index, reason: first.error.reason };

  // The engine trusts the fields of an event it reads to work out what it expects (a seatTaken
  // without data, say), so malformed data can make it throw a plain error that names no event.
  // Replay is sequential, so a prefix fails exactly when it contains the bad event: find the
  // shortest failing prefix by bisection (a few replays, not one per event).
  let good = 0; // the longest prefix known to replay
  let bad = events.length; // the shortest prefix known to fail
  let failure = first.error;
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2);
    const result = attempt(events.slice(0, middle));
    if ("error" in result) {
      bad = middle;
      failure = result.error;
    } else {
      good = middle;
    }
  }
  if (failure instanceof LogError) return { index: failure.index, reason: failure.reason };
  const detail = failure instanceof Error ? failure.message : String(failure);
  return { index: bad - 1, reason: `its data is malformed (${detail})` };
}

function attempt(events: GameEvent[]): { state: GameState } | { error: unknown } {
  try {
    return { state: verifyLog(events) };
  } catch (error) {
    return { error };
  }
}
