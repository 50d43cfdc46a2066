// Checks an export before it is imported: its events must be exactly the log the engine would have
// written (replayed with verifyLog), the game must be over, its times must make sense, and every
// field of its header must say what the replayed log says. Its shape has been checked before
// (readExport, shared/protocol/export.ts).
import { isDeepStrictEqual } from "node:util";
import { checkSettings, createdEvent, LogError, verifyLog, type EventOf, type GameEvent, type GameState } from "../../shared/golf/index.ts";
import { rulesPatchSchema, type GolfExport } from "../../shared/protocol/index.ts";

/** Why an import is refused; `seq` names the first inconsistent event when there is one. */
export interface ImportProblem {
  error: string;
  seq?: number;
}

/** The earliest creation date an export may claim (before this game server existed). */
const EARLIEST = Date.parse("2020-01-01T00:00:00Z");
/** The longest a game may span from its first event to its last: 30 days. */
export const MAX_GAME_SPAN_MS = 30 * 24 * 60 * 60 * 1000;
/** How far a game's recorded end may lie from its last event (the record is written just after it). */
const END_SLACK_MS = 10 * 60 * 1000;

/**
 * The export to store (its header as the replayed log has it), or the first problem found. `now`
 * bounds the dates an export may claim.
 */
export function checkExport(doc: GolfExport, now = Date.now()): { doc: GolfExport } | ImportProblem {
  const timeProblem = checkTimes(doc, now);
  if (timeProblem) return timeProblem;

  // The shape check (readExport) has already made sure seqs run 1..N in array order, so the event at
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
  // the replay has just proved to be the engine's; the header must agree with it. An abandoned
  // game has no result: its header may give none, or the standings when it stopped.
  const ended = events.find((event) => event.type === "gameEnded") as EventOf<"gameEnded"> | undefined;
  const totals = ended ? ended.data.totals : state.seats.map((seat) => seat.total);
  const winners = ended ? ended.data.winners : [...state.winners];
  const noResult = !ended && doc.game.totals.length === 0 && doc.game.winners.length === 0;
  if (!noResult) {
    if (!isDeepStrictEqual(doc.game.totals, totals)) return mismatch("totals", doc.game.totals, totals);
    if (!isDeepStrictEqual(doc.game.winners, winners)) return mismatch("winners", doc.game.winners, winners);
  }

  // The rest of the header is what the log says, or the import is refused.
  const seats = state.seats.map(({ name, kind, profile }) => ({ name, kind, profile }));
  if (!isDeepStrictEqual(doc.game.seats, seats)) return mismatch("seats", doc.game.seats, seats, "the players in the log");
  if (!isDeepStrictEqual(doc.game.rules, state.rules)) return mismatch("rules", doc.game.rules, state.rules);
  if (doc.game.holes !== state.holes) return mismatch("holes", doc.game.holes, state.holes);
  // The record keeps the decks in play once the game started, the host's choice before.
  if (doc.game.decks !== state.decks && doc.game.decks !== state.decksChoice) return mismatch("decks", doc.game.decks, state.decks || state.decksChoice);

  // Stored from here on: the derived values, and no id or code of the exporter's (the store gives new ones).
  const game = { ...doc.game, id: "", code: "", seats, rules: state.rules as unknown as Record<string, unknown>, totals: doc.game.totals, winners: doc.game.winners };
  return { doc: { ...doc, game } };
}

function mismatch(field: string, given: unknown, derived: unknown, what = "the replayed log"): ImportProblem {
  const shown = (value: unknown) => {
    const text = JSON.stringify(value) ?? "undefined";
    return text.length > 200 ? `${text.slice(0, 200)}...` : text;
  };
  return { error: `game.${field} ${shown(given)} does not match ${what}: ${shown(derived)}` };
}

/**
 * The events' times (ms since the first event) start at 0, never go back and span at most 30 days;
 * the game was created after 2020 and not in the future, and ended when its last event was written.
 */
function checkTimes(doc: GolfExport, now: number): ImportProblem | null {
  let previous = 0;
  for (const event of doc.events) {
    const { at, seq } = event;
    if (!Number.isFinite(at) || at < 0 || at > MAX_GAME_SPAN_MS) {
      return { error: `event ${seq}: at ${at} is not a time from 0 to ${MAX_GAME_SPAN_MS} ms after the first event`, seq };
    }
    if (seq === 1 && at !== 0) return { error: `event 1: at must be 0 (times count from the first event), found ${at}`, seq };
    if (at < previous) return { error: `event ${seq}: at ${at} is earlier than the event before it (${previous})`, seq };
    previous = at;
  }
  const createdAt = Date.parse(doc.game.createdAt);
  if (!(createdAt >= EARLIEST && createdAt <= now + END_SLACK_MS)) {
    return { error: `game.createdAt ${doc.game.createdAt} is not a date from 2020 to now` };
  }
  if (doc.game.endedAt === null) return { error: "game.endedAt: a finished game has an end date" };
  const endedAt = Date.parse(doc.game.endedAt);
  const lastAt = createdAt + previous;
  if (!(endedAt >= lastAt - END_SLACK_MS && endedAt <= lastAt + END_SLACK_MS && endedAt <= now + END_SLACK_MS)) {
    return { error: `game.endedAt ${doc.game.endedAt} is not when the game's last event was written (${new Date(lastAt).toISOString()})` };
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
