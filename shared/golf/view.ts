// What a viewer may see. Hidden information is decided here, once: face-down cards (the owner's
// too), a card drawn from the deck (except by its drawer), the deck order and the seed.
import type { Card } from "./cards.ts";
import { isRanked, type HouseRules } from "./rules.ts";
import type { DrawSource, GameEvent, GameState, HoleResult, MustFlip, Phase, SeatKind, SeatState } from "./types.ts";

export type Viewer = number | "spectator";

export interface SlotView {
  readonly faceUp: boolean;
  /** Null while face-down. */
  readonly card: Card | null;
}

const FACE_DOWN: SlotView = Object.freeze({ faceUp: false, card: null });

export interface SeatView {
  name: string;
  kind: SeatKind;
  profile: string;
  /** The player a human seat names (public: it opens nothing); "" for CPUs and empty seats. */
  playerId: string;
  /** The account of a signed-in player; "" otherwise. */
  userId: string;
  away: boolean;
  conceded: boolean;
  initialFlipDone: boolean;
  total: number;
  holeScore: number;
  holesWon: number;
  cards: readonly SlotView[];
}

export interface GameView {
  viewer: Viewer;
  phase: Phase;
  rules: HouseRules;
  ranked: boolean;
  holes: number;
  decks: number;
  decksChoice: number | null;
  turnSeconds: number;
  tableSize: number;
  host: number;
  hole: number;
  dealer: number;
  turn: number;
  finisher: number;
  mustFlip: MustFlip;
  drawnFrom: "" | DrawSource;
  /** The held card, when this viewer may see it (its drawer, or anyone for a discard-pile take). */
  drawn: Card | null;
  deckCount: number;
  /** The whole discard pile, bottom first: every card in it was seen face-up by everyone. */
  discardPile: readonly Card[];
  finalTurnsLeft: number;
  seats: SeatView[];
  results: HoleResult[];
  winners: number[];
  abandoned: boolean;
  seq: number;
}

/** A slot as everyone sees it: a face-down one is the same card-less slot for all, its owner too. */
export function slotView(slot: SlotView): SlotView {
  return slot.faceUp ? slot : FACE_DOWN;
}

/** A seat as everyone sees it, its owner too (nobody sees a face-down card). */
export function seatView(seat: SeatState): SeatView {
  return {
    name: seat.name,
    kind: seat.kind,
    profile: seat.profile,
    playerId: seat.playerId,
    userId: seat.userId,
    away: seat.away,
    conceded: seat.conceded,
    initialFlipDone: seat.initialFlipDone,
    total: seat.total,
    holeScore: seat.holeScore,
    holesWon: seat.holesWon,
    cards: seat.cards.map(slotView),
  };
}

export function canSeeDrawn(state: GameState, viewer: Viewer): boolean {
  return state.drawn !== null && (state.drawnFrom === "discard" || viewer === state.turn);
}

/** The held card as `viewer` sees it: its drawer always, everyone once it came off the discard pile. */
export function drawnView(state: GameState, viewer: Viewer): Card | null {
  return canSeeDrawn(state, viewer) ? state.drawn : null;
}

/** What is the same for every viewer, seats and the held card aside: the deck is only its count, the seed is left out. */
export type TableView = Omit<GameView, "viewer" | "drawn" | "seats">;

export function tableView(state: GameState): TableView {
  return {
    phase: state.phase,
    rules: state.rules,
    ranked: isRanked(state.rules),
    holes: state.holes,
    decks: state.decks,
    decksChoice: state.decksChoice,
    turnSeconds: state.turnSeconds,
    tableSize: state.tableSize,
    host: state.host,
    hole: state.hole,
    dealer: state.dealer,
    turn: state.turn,
    finisher: state.finisher,
    mustFlip: state.mustFlip,
    drawnFrom: state.drawnFrom,
    deckCount: state.deck.length,
    discardPile: state.discard,
    finalTurnsLeft: state.finalTurnsLeft,
    results: state.results as HoleResult[],
    winners: state.winners as number[],
    abandoned: state.abandoned,
    seq: state.seq,
  };
}

/**
 * The game as `viewer` sees it. The server's synchronized state is built from the same pieces
 * (server/room/mirror.ts): tableView and seatView for everyone, drawnView for the held card.
 */
export function view(state: GameState, viewer: Viewer): GameView {
  return { viewer, ...tableView(state), drawn: drawnView(state, viewer), seats: state.seats.map(seatView) };
}

/** A projected event: the same type and seat, with what this viewer may not see removed. */
export interface ProjectedEvent {
  type: GameEvent["type"];
  seat: number | null;
  data: Record<string, unknown>;
}

/**
 * The one seat that sees more of `e` than everyone else (a card drawn from the deck, by its drawer),
 * or null: every other viewer is shown the same projection (projectEvent as a spectator).
 */
export function seenBetterBy(e: GameEvent): number | null {
  return e.type === "drew" && e.data.source === "deck" ? e.seat : null;
}

export function projectEvent(e: GameEvent, viewer: Viewer): ProjectedEvent {
  switch (e.type) {
    case "created": {
      const { seed: _seed, ...visible } = e.data;
      return { type: e.type, seat: e.seat, data: visible };
    }
    case "holeStarted":
      return { type: e.type, seat: e.seat, data: { hole: e.data.hole, dealer: e.data.dealer, discard: e.data.discard, deckCount: e.data.deck.length } };
    case "reshuffled":
      return { type: e.type, seat: e.seat, data: { deckCount: e.data.deck.length } };
    case "drew":
      if (e.data.source === "deck" && viewer !== e.seat) return { type: e.type, seat: e.seat, data: { source: "deck" } };
      return { type: e.type, seat: e.seat, data: { ...e.data } };
    default:
      return { type: e.type, seat: e.seat, data: { ...(e.data as Record<string, unknown>) } };
  }
}
