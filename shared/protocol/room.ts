// The room a client joins, how a join fails and how the server ends a connection. No zod here:
// the browser client imports it.

/** The one room type: every game is a room of this name; its roomId is the game's join code. */
export const ROOM_NAME = "golf";

/** The words a failed join's message starts with (then ": " and the reason). */
export const JOIN_FAILURE_CODES = ["BAD_OPTIONS", "BAD_TOKEN", "NOT_FOUND", "UNAVAILABLE", "RATE_LIMITED", "UNAUTHORIZED", "BANNED"] as const;
export type JoinFailureCode = (typeof JOIN_FAILURE_CODES)[number];

/** Close codes of a connection the server ends on purpose. */
export const CLOSE_CODES = {
  /** A newer connection took this seat, or the game is over: do not rejoin. */
  replaced: 4000,
  /** The server is going away: rejoin with your token in a moment. */
  shuttingDown: 4001,
  /** The client sent far over the rate limit. */
  flooded: 4029,
} as const;

/** A join code: 5 characters of an alphabet without look-alikes (no I, O, 0, 1). Typed in any case. */
export const JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
export const JOIN_CODE_LENGTH = 5;

export function normalizeCode(code: string): string {
  return code.trim().toUpperCase();
}

export function isJoinCode(code: string): boolean {
  return code.length === JOIN_CODE_LENGTH && [...code].every((char) => JOIN_CODE_ALPHABET.includes(char));
}

/** A random join code; whether it is free is the store's to say (codes are unique among unfinished games). */
export function newJoinCode(): string {
  // 32 letters: a byte's low five bits pick one uniformly.
  const bytes = crypto.getRandomValues(new Uint8Array(JOIN_CODE_LENGTH));
  return Array.from(bytes, (byte) => JOIN_CODE_ALPHABET[byte & 31]).join("");
}
