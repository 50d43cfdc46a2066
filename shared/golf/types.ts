// The engine's vocabulary: state, events, commands, errors. Events are the facts stored in the log;
// the state of a game is the fold of its events through `evolve`.
import type { Card } from "./cards.ts";
import type { HouseRules, RulesPatch } from "./rules.ts";
import type { RngVersion, Seed } from "./rng.ts";

export type Phase = "lobby" | "initialFlip" | "playing" | "finalTurn" | "holeOver" | "gameOver";
export type SeatKind = "empty" | "human" | "cpu";
export type DrawSource = "deck" | "discard";
export type MustFlip = "" | "required" | "optional";

export interface Slot {
  readonly card: Card;
  readonly faceUp: boolean;
}

export interface SeatState {
  readonly name: string;
  readonly kind: SeatKind;
  /** The CPU personality ("" for humans). */
  readonly profile: string;
  /**
   * Who holds the seat: a human's player id (recorded by its seatTaken event: made by the server,
   * or a signed-in player's user id). "" for CPUs, empty seats and games logged before player ids.
   * Seat tokens name this id, not the seat's index.
   */
  readonly playerId: string;
  /** The account of a signed-in player (then also its playerId); "" for everyone else. */
  readonly userId: string;
  /** Six slots during a hole (positions 0,1,2 top row, 3,4,5 bottom row); empty in the lobby. */
  readonly cards: readonly Slot[];
  readonly initialFlipDone: boolean;
  readonly total: number;
  readonly holeScore: number;
  readonly holesWon: number;
  /** A CPU is playing for this human (timeouts, absence). */
  readonly away: boolean;
  /** The player left the game: a CPU plays the seat to the end. */
  readonly conceded: boolean;
}

export interface HoleResult {
  readonly hole: number;
  readonly finisher: number;
  readonly raw: readonly number[];
  readonly scores: readonly number[];
  readonly winners: readonly number[];
}

/** Work the engine owes before the next command: system events that `decide` appends itself. */
export type PendingStep =
  | { readonly kind: "deal" }
  | { readonly kind: "reshuffle" }
  | { readonly kind: "reveal"; readonly seat: number }
  | { readonly kind: "holeEnd" }
  | { readonly kind: "gameEnd" };

export interface GameState {
  readonly phase: Phase;
  /** The shuffle seed: hidden from every viewer while the game runs. */
  readonly seed: Seed;
  /** The generator the seed feeds (see rng.ts): 1 for games created before version 2. */
  readonly rng: RngVersion;
  readonly rules: HouseRules;
  readonly holes: number;
  /** The host's deck choice; null means the default by seats in play. */
  readonly decksChoice: number | null;
  /** Decks in the shoe, fixed at the start (0 in the lobby). */
  readonly decks: number;
  readonly turnSeconds: number;
  readonly tableSize: number;
  /** In the lobby one entry per table seat; from the start only the seats in play, in turn order. */
  readonly seats: readonly SeatState[];
  readonly host: number;
  readonly hole: number;
  readonly dealer: number;
  readonly turn: number;
  readonly finisher: number;
  /** Top of the deck is the last element. */
  readonly deck: readonly Card[];
  /** Top of the discard pile is the last element. */
  readonly discard: readonly Card[];
  readonly drawn: Card | null;
  readonly drawnFrom: "" | DrawSource;
  readonly mustFlip: MustFlip;
  readonly finalTurnsLeft: number;
  readonly reshuffles: number;
  readonly pending: readonly PendingStep[];
  readonly results: readonly HoleResult[];
  readonly winners: readonly number[];
  readonly abandoned: boolean;
  /** How many events have been folded into this state (the seq of the last one). */
  readonly seq: number;
}

export interface GameSettings {
  tableSize: number;
  rules: HouseRules;
  holes: number;
  decks: number | null;
  turnSeconds: number;
  /** Secret while the game runs: 64 hex digits with `rng: 2`, a 32-bit number without `rng`. */
  seed: Seed;
  /** The generator version; absent means version 1 (mulberry32), as in games before version 2. */
  rng?: 2;
}

/** The data each event type carries. Seats are indices into `state.seats` at the time of the event. */
export interface EventData {
  created: GameSettings;
  /**
   * playerId: humans only, absent in games logged before player ids. userId: a signed-in player's
   * account (equal to its playerId), absent otherwise: results and ratings are rebuilt from it.
   */
  seatTaken: { name: string; kind: "human" | "cpu"; profile: string; playerId?: string; userId?: string };
  seatFreed: Record<string, never>;
  hostChanged: Record<string, never>;
  configured: { rules?: RulesPatch; holes?: number; decks?: number | null; turnSeconds?: number };
  started: { order: number[]; decks: number };
  holeStarted: { hole: number; dealer: number; hands: Card[][]; discard: Card; deck: Card[] };
  flippedInitial: { positions: number[]; cards: Card[] };
  drew: { source: DrawSource; card: Card };
  cancelledDraw: { card: Card };
  swapped: { position: number; card: Card; replaced: Card };
  discarded: { card: Card };
  flipped: { position: number; card: Card };
  skippedFlip: Record<string, never>;
  knocked: { positions: number[]; cards: Card[] };
  reshuffled: { deck: Card[] };
  revealed: { positions: number[]; cards: Card[] };
  holeEnded: HoleResult & { totals: number[] };
  gameEnded: { totals: number[]; winners: number[] };
  awayChanged: { away: boolean };
  conceded: Record<string, never>;
  abandoned: Record<string, never>;
}
export type EventType = keyof EventData;

/** `seat` is the seat the event concerns (the actor for moves), or null for table-wide events. */
export type GameEvent = { [T in EventType]: { type: T; seat: number | null; data: EventData[T] } }[EventType];
export type EventOf<T extends EventType> = Extract<GameEvent, { type: T }>;

export type Command =
  | { type: "join"; name: string; playerId?: string; userId?: string }
  | { type: "leave" }
  | { type: "addCpu"; profile?: string }
  | { type: "removeCpu"; seat: number }
  | { type: "configure"; rules?: RulesPatch; holes?: number; decks?: number | null; turnSeconds?: number }
  | { type: "setHost"; seat: number }
  | { type: "start" }
  | { type: "flipInitial"; positions: number[] }
  | { type: "draw"; source: DrawSource }
  | { type: "swap"; position: number }
  | { type: "discard" }
  | { type: "cancelDraw" }
  | { type: "flip"; position: number }
  | { type: "skipFlip" }
  | { type: "knock" }
  | { type: "nextHole" }
  | { type: "setAway"; away: boolean }
  | { type: "concede" }
  | { type: "abandon" };

/** Who sends a command: a seat index, or the room itself for table-management commands. */
export type Actor = number | "system";

export type ErrorCode = "WRONG_PHASE" | "NOT_YOUR_TURN" | "ILLEGAL_MOVE" | "NOT_HOST" | "BAD_MESSAGE";

export interface EngineError {
  readonly code: ErrorCode;
  /** A stable machine-readable reason, e.g. POSITION_FACE_UP or MUST_SWAP_DISCARD. */
  readonly reason: string;
  readonly message: string;
}

export type Decision = { ok: true; events: GameEvent[]; state: GameState } | { ok: false; error: EngineError };

/** An event of `type` about `seat` (null: table-wide). */
export function makeEvent<T extends EventType>(type: T, seat: number | null, data: EventData[T]): GameEvent {
  return { type, seat, data } as GameEvent;
}

export function engineError(code: ErrorCode, reason: string, message: string): EngineError {
  return { code, reason, message };
}

export function isEngineError(value: GameEvent | EngineError): value is EngineError {
  return "code" in value;
}
