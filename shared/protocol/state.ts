// The synchronized state (@colyseus/schema) as plain data: what `room.state.toJSON()` gives a
// client. server/room/schema.ts declares the same fields for the encoder; the field names are fixed.
import type { MustFlip, Phase, SeatKind } from "../golf/index.ts";

/** A face-up card. A Joker's suit is "". */
export interface SyncedCard {
  rank: string;
  suit: string;
}

/** One of a seat's six positions; rank and suit are "" while it is face-down, for everyone. */
export interface SyncedSlot extends SyncedCard {
  faceUp: boolean;
}

export interface SyncedSeat {
  name: string;
  kind: SeatKind;
  profile: string;
  /** The player a human seat names (docs/events.md, "Player ids"); "" for CPUs and empty seats. */
  playerId: string;
  /** The account of a signed-in player (docs/accounts.md); "" for CPUs and for clients without a session. */
  userId: string;
  /** The player's displayed rating when the game started; 0 when none. */
  rating: number;
  connected: boolean;
  /** A CPU is playing for this human. */
  away: boolean;
  host: boolean;
  total: number;
  holeScore: number;
  holesWon: number;
  cards: SyncedSlot[];
  /** The card this seat holds: in its owner's view only. */
  drawn?: SyncedCard;
  /** The player left the game: a CPU plays the seat to the end. */
  conceded: boolean;
  /** The seat has made its initial flips this hole. */
  initialFlipDone: boolean;
}

/** One finished hole. */
export interface SyncedHoleResult {
  hole: number;
  finisher: number;
  /** Each seat's hand as it lay. */
  raw: number[];
  /** Each seat's score for the hole, after the house rules (the finisher's penalty...). */
  scores: number[];
  winners: number[];
}

export interface SyncedState {
  code: string;
  gameId: string;
  phase: Phase;
  /** The house rules in play, as a JSON string. */
  rules: string;
  decks: number;
  hole: number;
  holes: number;
  dealer: number;
  /** In the lobby one per table seat; from the start the seats in play, in turn order. */
  seats: SyncedSeat[];
  /** The seat to act, or -1. */
  turn: number;
  /** The seat that went out first, or -1. */
  finisher: number;
  mustFlip: MustFlip;
  deckCount: number;
  discardTop: SyncedCard;
  discardCount: number;
  drawnFrom: "" | "deck" | "discard";
  /** Epoch ms; 0 = no timer. */
  turnEndsAt: number;
  spectators: number;
  ranked: boolean;
  /** The seq of the last event this state includes. */
  lastSeq: number;
  /** Seats at the table as created (from the start `seats` lists only the seats in play). */
  tableSize: number;
  /** The host's deck choice, 0 for the default by seats in play. */
  decksChoice: number;
  /** The turn timer in seconds, 0 for none. */
  turnSeconds: number;
  /** Turns left after someone went out. */
  finalTurnsLeft: number;
  /** The held card when everyone may see it (one taken from the discard pile), else rank and suit "". */
  publicDrawn: SyncedCard;
  /** The whole discard pile, bottom first, as card keys: the rank, then the suit's initial ("7h", "10s"); a Joker is "JK". */
  discardPile: string[];
  /** The holes played so far. */
  results: SyncedHoleResult[];
  /** The winners' seats once the game is over. */
  winners: number[];
  /** The game was abandoned. */
  abandoned: boolean;
}
