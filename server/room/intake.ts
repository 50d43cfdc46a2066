// What a client's message may do, decided before the room changes anything: the contract's checks
// (docs/protocol.md) in the order the contract answers them. Frames reach the room through
// frame-guard.ts; these functions return what to do, and the room does it.
import type { Client } from "@colyseus/core";
import type pino from "pino";
import type { Command, GameState } from "../../shared/golf/index.ts";
import type { Limits } from "../limits.ts";
import type { NodeMetrics } from "../metrics.ts";
import { reply } from "./replies.ts";
import { CLOSE_CODES, commandFor, describeIssues, messageSchemas, ridOf, type MessageType } from "../../shared/protocol/index.ts";

/** The close code of a client cut off for sending far over its rate (FLOOD_MESSAGES_PER_SECOND). */
export const FLOOD_CLOSE_CODE = CLOSE_CODES.flooded;
/** Events a lobby may log before the host's configure, addCpu and removeCpu are refused: each is a stored row. */
const LOBBY_EVENT_CAP = 200;
const LOBBY_CHANGES = new Set<MessageType>(["configure", "addCpu", "removeCpu"]);
export const HOLDING_MESSAGE = "the database is unavailable: nothing was changed, try again in a moment";

/** A connection to the room: a player's or a spectator's. */
export interface Viewer {
  /** Held from the start of the join: Colyseus lists a client in `clients` only after onJoin. */
  client: Client;
  /** The player this connection holds (seating.ts's playerAt); "" for a spectator. */
  readonly player: string;
  /** The seat that player holds now, looked up in the game's state (-1: none, or a spectator). */
  readonly seat: number;
  readonly role: "player" | "spectator";
  /** A token bucket for the rate limit (MESSAGES_PER_SECOND). */
  allowance: number;
  lastMessageAt: number;
}

/** An error answer to a message, `action` and `rid` naming the message it answers. */
export interface Refused {
  code: string;
  message: string;
  action: string;
  rid?: string | number;
}

/** What a game action may do: be refused, ask for the next game, or be decided as a command. */
export type Screened = { kind: "refused"; refused: Refused } | { kind: "playAgain"; rid?: string | number } | { kind: "command"; seat: number; command: Command; rid?: string | number };

/** What the room is doing, as far as taking an action goes. */
export interface TableStatus {
  game: GameState;
  closing: boolean;
  /** An append's commit is unconfirmed (see GameLog.holding). */
  holding: boolean;
  messagesPerSecond: number;
}

/** Takes one message from the viewer's allowance; false when it has none left. */
export function takeAllowance(viewer: Viewer, rate: number): boolean {
  if (rate <= 0) return true; // 0: no limit
  const now = Date.now();
  viewer.allowance = Math.min(rate, viewer.allowance + ((now - viewer.lastMessageAt) / 1000) * rate);
  viewer.lastMessageAt = now;
  if (viewer.allowance < 1) return false;
  viewer.allowance -= 1;
  return true;
}

function refused(action: string, rid: string | number | undefined, code: string, message: string): Screened {
  return { kind: "refused", refused: { code, message, action, rid } };
}

/** A game action's checks, from who sent it to what the table allows now. */
export function screenAction(table: TableStatus, viewer: Viewer | undefined, type: MessageType, payload: unknown): Screened {
  const rid = ridOf(payload);
  if (!viewer) return refused(type, rid, "WRONG_PHASE", "you have not joined yet");
  if (!takeAllowance(viewer, table.messagesPerSecond)) return refused(type, rid, "RATE_LIMITED", `at most ${table.messagesPerSecond} messages a second`);
  const parsed = messageSchemas[type].safeParse(payload ?? {});
  if (!parsed.success) return refused(type, rid, "BAD_MESSAGE", describeIssues(parsed.error));
  if (viewer.role === "spectator") return refused(type, rid, "SPECTATOR", "spectators cannot play: join a free seat from the lobby");
  const { game } = table;
  const seat = viewer.seat;
  if (game.seats[seat]?.conceded && type !== "playAgain") return refused(type, rid, "ILLEGAL_MOVE", "you conceded: a CPU plays your seat to the end");
  if (table.closing) return refused(type, rid, "UNAVAILABLE", "this server is going away: rejoin with your token in a moment");
  if (table.holding) return refused(type, rid, "UNAVAILABLE", HOLDING_MESSAGE);
  if (game.seq >= LOBBY_EVENT_CAP && LOBBY_CHANGES.has(type) && game.phase === "lobby") {
    return refused(type, rid, "ILLEGAL_MOVE", `this lobby has changed ${LOBBY_EVENT_CAP} times: start the game, or create a new one`);
  }
  if (type === "playAgain") return { kind: "playAgain", rid };
  return { kind: "command", seat, command: commandFor(type, parsed.data as Record<string, unknown>), rid };
}

/** Whether a decoded frame names a game action. */
export function isGameAction(type: string | number): type is MessageType {
  return typeof type === "string" && Object.hasOwn(messageSchemas, type);
}

/**
 * The answer to a message type without a handler. Frames come through frame-guard.ts; a raw-bytes
 * frame still goes through core, whose "*" handler passes the payload first when the type is "*".
 */
export function screenUnknown(viewer: Viewer | undefined, type: unknown, payload: unknown, messagesPerSecond: number): Refused & { rateLimited: boolean } {
  if (type !== null && typeof type === "object") {
    payload = type;
    type = "*";
  } else if (typeof type !== "string" && typeof type !== "number") {
    type = "";
  }
  const action = String(type).slice(0, 40);
  const rid = ridOf(payload);
  if (viewer && !takeAllowance(viewer, messagesPerSecond)) return { code: "RATE_LIMITED", message: `at most ${messagesPerSecond} messages a second`, action, rid, rateLimited: true };
  return { code: "UNKNOWN_MESSAGE", message: `unknown message type ${action}`, action, rid, rateLimited: false };
}

/** A refusal, counted in the metrics and sent. */
export function refuse(client: Client, refused: Refused, metrics: NodeMetrics): void {
  metrics.actions.inc({ type: refused.action, outcome: refused.code });
  reply(client, "error", { ...refused });
}

/** A message of no known type: refused (UNKNOWN_MESSAGE, or RATE_LIMITED when over the rate). */
export function refuseUnknown(client: Client, viewer: Viewer | undefined, type: unknown, payload: unknown, services: { limits: Limits; metrics: NodeMetrics }): void {
  const { rateLimited, ...refused } = screenUnknown(viewer, type, payload, services.limits.messagesPerSecond);
  if (!rateLimited) services.metrics.actions.inc({ type: "unknown", outcome: "UNKNOWN_MESSAGE" });
  reply(client, "error", { ...refused });
}

/** A client far over its rate: closed with FLOOD_CLOSE_CODE. A player's seat is kept, as for a dropped connection. */
export function cutOff(client: Client, services: { limits: Limits; metrics: NodeMetrics }, logger: pino.Logger | undefined): void {
  logger?.warn({ sessionId: client.sessionId, limit: services.limits.floodMessagesPerSecond }, "client cut off: message flood");
  services.metrics.actions.inc({ type: "flood", outcome: "DISCONNECTED" });
  client.leave(FLOOD_CLOSE_CODE, "too many messages");
}
