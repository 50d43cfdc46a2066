// The room a client joins, how a join fails and how the server ends a connection. No zod here:
// the browser client imports it.

/** The one room type: every game is a room of this name; its roomId is the game's join code. */
export const ROOM_NAME = "golf";

/** The words a failed join's message starts with (then ": " and the reason). */
export const JOIN_FAILURE_CODES = ["BAD_OPTIONS", "BAD_TOKEN", "NOT_FOUND", "UNAVAILABLE", "RATE_LIMITED"] as const;
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
