// What the table shows, as one plain value (TableModel), built either from the synchronized state of
// a live room or from an engine state in the replay. The renderer draws a TableModel and animates
// from one to the next; it never decides anything about the rules.
import {
  legalCommands,
  mergeRules,
  STANDARD_RULES,
  view as engineView,
  type Command,
  type GameState,
  type GameView,
  type HouseRules,
  type Phase,
  type RulesPatch,
  type SeatKind,
} from "../../../shared/golf/index.ts";
import { viewFromSyncedState } from "../../../shared/protocol/index.ts";
import type { CardSnap, GolfSnapshot } from "../net/snapshot.ts";

export interface CardFace {
  rank: string;
  suit: string;
}

export interface SlotModel {
  faceUp: boolean;
  /** The card's face when this viewer may see it (face-up, or every card in a full-reveal replay). */
  face: CardFace | null;
}

export interface SeatModel {
  name: string;
  kind: SeatKind;
  profile: string;
  connected: boolean;
  away: boolean;
  host: boolean;
  total: number;
  holeScore: number;
  holesWon: number;
  cards: SlotModel[];
}

export interface TableModel {
  phase: Phase;
  hole: number;
  holes: number;
  dealer: number;
  turn: number;
  finisher: number;
  mustFlip: "" | "required" | "optional";
  drawnFrom: "" | "deck" | "discard";
  deckCount: number;
  discardTop: CardFace | null;
  discardCount: number;
  /** The seat holding a drawn card (-1 for none) and its face when this viewer may see it. */
  heldBy: number;
  held: CardFace | null;
  seats: SeatModel[];
  /** The seat this viewer plays (-1: spectator or replay viewer). */
  me: number;
  /** The seat drawn at the bottom of the screen, largest. */
  bottom: number;
  rules: HouseRules;
  turnEndsAt: number;
  spectators: number;
  code: string;
  lastSeq: number;
}

export function parseRules(json: string): HouseRules {
  try {
    const parsed = JSON.parse(json) as RulesPatch;
    return mergeRules(STANDARD_RULES, parsed && typeof parsed === "object" ? parsed : {});
  } catch {
    return STANDARD_RULES;
  }
}

const face = (card: CardSnap | null | undefined): CardFace | null => (card && card.rank ? { rank: card.rank, suit: card.suit } : null);

/**
 * From the synchronized state. `me` is this client's seat (-1 for a spectator). The held card is
 * our own `drawn` when we hold it (our view only), else `publicDrawn` (one taken from the discard
 * pile, which everyone saw).
 */
export function modelFromSnapshot(snap: GolfSnapshot, me: number): TableModel {
  const heldBy = snap.drawnFrom && snap.turn >= 0 ? snap.turn : -1;
  const mine = me >= 0 ? face(snap.seats[me]?.drawn) : null;
  return {
    phase: snap.phase,
    hole: snap.hole,
    holes: snap.holes,
    dealer: snap.dealer,
    turn: snap.turn,
    finisher: snap.finisher,
    mustFlip: snap.mustFlip,
    drawnFrom: snap.drawnFrom,
    deckCount: snap.deckCount,
    discardTop: face(snap.discardTop),
    discardCount: snap.discardCount,
    heldBy,
    held: heldBy < 0 ? null : heldBy === me ? mine : face(snap.publicDrawn),
    seats: snap.seats.map((seat) => ({
      name: seat.name,
      kind: seat.kind,
      profile: seat.profile,
      connected: seat.connected,
      away: seat.away,
      host: seat.host,
      total: seat.total,
      holeScore: seat.holeScore,
      holesWon: seat.holesWon,
      cards: seat.cards.map((slot) => ({ faceUp: slot.faceUp, face: slot.faceUp && slot.rank ? { rank: slot.rank, suit: slot.suit } : null })),
    })),
    me,
    bottom: me >= 0 && me < snap.seats.length ? me : 0,
    rules: parseRules(snap.rules),
    turnEndsAt: snap.turnEndsAt,
    spectators: snap.spectators,
    code: snap.code,
    lastSeq: snap.lastSeq,
  };
}

/** "all": every card shown (a finished game's full log is public); a seat number: what it saw. */
export type Viewpoint = "all" | number;

/** From an engine state (the replay), as `viewpoint` saw the table. */
export function modelFromEngine(state: GameState, viewpoint: Viewpoint, code = ""): TableModel {
  const seen = viewpoint === "all" ? null : engineView(state, viewpoint);
  const heldBy = state.drawn ? state.turn : -1;
  return {
    phase: state.phase,
    hole: state.hole,
    holes: state.holes,
    dealer: state.dealer,
    turn: state.turn,
    finisher: state.finisher,
    mustFlip: state.mustFlip,
    drawnFrom: state.drawnFrom,
    deckCount: state.deck.length,
    discardTop: state.discard.at(-1) ?? null,
    discardCount: state.discard.length,
    heldBy,
    held: seen ? seen.drawn : state.drawn,
    seats: state.seats.map((seat, index) => ({
      name: seat.name,
      kind: seat.kind,
      profile: seat.profile,
      connected: true,
      away: seat.away,
      host: index === state.host,
      total: seat.total,
      holeScore: seat.holeScore,
      holesWon: seat.holesWon,
      cards: (seen ? seen.seats[index]!.cards : seat.cards).map((slot) => ({ faceUp: slot.faceUp, face: slot.card })),
    })),
    me: -1,
    bottom: typeof viewpoint === "number" ? viewpoint : 0,
    rules: state.rules,
    turnEndsAt: 0,
    spectators: 0,
    code,
    lastSeq: state.seq,
  };
}

/**
 * The engine's view for `me`, rebuilt from the synchronized state, so the client can ask the shared
 * engine which moves are legal (legalCommands) instead of knowing the rules itself.
 */
export function gameViewOf(snap: GolfSnapshot, me: number): GameView {
  return viewFromSyncedState(snap, me);
}

/** The game moves this client may make now (none for a spectator). */
export function legalMoves(snap: GolfSnapshot, me: number): Command[] {
  if (me < 0 || me >= snap.seats.length) return [];
  return legalCommands(gameViewOf(snap, me));
}

export function suitSymbol(suit: string): string {
  return suit === "hearts" ? "♥" : suit === "diamonds" ? "♦" : suit === "clubs" ? "♣" : suit === "spades" ? "♠" : "";
}

export function cardLabel(card: CardFace | null | undefined): string {
  if (!card) return "a card";
  return card.rank === "JK" ? "Joker" : `${card.rank}${suitSymbol(card.suit)}`;
}
