// Every message the server sends to a client (`room.onMessage(type, ...)`), by type. The server
// answers each action with its effect (events carrying the action's rid) or one `error`, to the
// sender alone.
import type { Rid } from "./client-messages.ts";

export type Role = "player" | "spectator";

/** Right after a join: who you are at this table. Spectators get seat -1 and token "". */
export interface Welcome {
  gameId: string;
  code: string;
  seat: number;
  role: Role;
  /** Keep it: it takes this seat back on a later join. */
  token: string;
  /**
   * The player this seat names (public, opens nothing): your seat is the one in the state whose
   * `playerId` is this, wherever the start moves it. "" for a spectator, and in a game logged before
   * player ids (there `seat` holds, as such a game is recovered in play order).
   */
  playerId: string;
}

/** One game event, projected for the viewer (what it may not see removed). */
export interface EventMessage {
  /** The event's place in the game's log (1, 2, 3, ...). */
  seq: number;
  type: string;
  seat?: number | null;
  data: Record<string, unknown>;
  /** The rid of the action that caused it, to that action's sender only. */
  rid?: Rid;
}

/** The codes an `error` message carries. */
export const ERROR_CODES = [
  "BAD_MESSAGE",
  "UNKNOWN_MESSAGE",
  "WRONG_PHASE",
  "NOT_YOUR_TURN",
  "ILLEGAL_MOVE",
  "NOT_HOST",
  "SPECTATOR",
  "RATE_LIMITED",
  /** A dependency (the database) is down: nothing was changed, try again. */
  "UNAVAILABLE",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** An action refused (or a problem with the connection): nothing changed. */
export interface ErrorMessage {
  code: ErrorCode;
  message: string;
  /** The type of the message refused. */
  action?: string;
  rid?: Rid;
}

/** A turn timer has 10 s left. */
export interface TimerWarning {
  seat: number;
  /** Epoch ms. */
  endsAt: number;
}

/** The code of the next game at the same table (to the sender of playAgain and every seat). */
export interface PlayAgainAnswer {
  code: string;
  rid?: Rid;
}

/** Every server message type and its body. */
export interface ServerMessages {
  welcome: Welcome;
  event: EventMessage;
  error: ErrorMessage;
  timerWarning: TimerWarning;
  playAgain: PlayAgainAnswer;
}
export type ServerMessageType = keyof ServerMessages;
export const SERVER_MESSAGE_TYPES: readonly ServerMessageType[] = ["welcome", "event", "error", "timerWarning", "playAgain"];
