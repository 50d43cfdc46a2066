// A table's settings and their limits: the one place that says what seats, holes, decks and turn
// times a game may have. The create options, `configure` and a logged `created` event are all
// checked here.
import { isSeedHex } from "./rng.ts";
import { mergeRules } from "./rules.ts";
import { makeEvent, type GameEvent, type GameSettings } from "./types.ts";

export const LIMITS = {
  minSeats: 2,
  maxSeats: 6,
  minHoles: 1,
  maxHoles: 18,
  minDecks: 1,
  maxDecks: 3,
  maxTurnSeconds: 600,
} as const;

function isIntegerIn(value: unknown, min: number, max: number): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

/** The settings a host may choose, each with its check: the problem with a value, or null. */
export const SETTING_CHECKS = {
  tableSize: (seats: unknown) => (isIntegerIn(seats, LIMITS.minSeats, LIMITS.maxSeats) ? null : `seats must be ${LIMITS.minSeats}-${LIMITS.maxSeats}`),
  holes: (holes: unknown) => (isIntegerIn(holes, LIMITS.minHoles, LIMITS.maxHoles) ? null : `holes must be ${LIMITS.minHoles}-${LIMITS.maxHoles}`),
  /** null: the default by seats in play. */
  decks: (decks: unknown) => (decks === null || isIntegerIn(decks, LIMITS.minDecks, LIMITS.maxDecks) ? null : `decks must be ${LIMITS.minDecks}-${LIMITS.maxDecks}`),
  turnSeconds: (seconds: unknown) => (isIntegerIn(seconds, 0, LIMITS.maxTurnSeconds) ? null : `turnSeconds must be 0-${LIMITS.maxTurnSeconds}`),
} as const;

/** Checks the settings of a new game; returns an error message or null. */
export function checkSettings(settings: GameSettings): string | null {
  const { tableSize, holes, decks, turnSeconds, seed, rng } = settings;
  const problem = SETTING_CHECKS.tableSize(tableSize) ?? SETTING_CHECKS.holes(holes) ?? SETTING_CHECKS.decks(decks) ?? SETTING_CHECKS.turnSeconds(turnSeconds);
  if (problem) return problem;
  // No `rng` field is version 1 (games from before version 2): only a number seed fits it.
  if (rng === undefined) {
    if (typeof seed !== "number" || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) return "seed must be a 32-bit unsigned integer";
  } else if (rng === 2) {
    if (!isSeedHex(seed)) return "seed must be 64 lowercase hex digits (256 bits) with rng 2";
  } else {
    return "rng must be 2 (or absent, for version 1)";
  }
  return null;
}

/** The first event of every game. Throws on settings a caller should have validated. */
export function createdEvent(settings: GameSettings): GameEvent {
  const problem = checkSettings(settings);
  if (problem) throw new Error(`bad game settings: ${problem}`);
  // Version 1 events have no `rng` field at all, as they were written.
  const { rng, ...rest } = settings;
  return makeEvent("created", null, { ...rest, rules: mergeRules(settings.rules, {}), ...(rng === undefined ? {} : { rng }) });
}
