// What a viewer may see. Hidden information is decided here, once: face-down cards (the owner's
// too), a card drawn from the deck (except by its drawer), the deck order and the seed.
import type { Card } from "./cards.ts";
import { isRanked, type HouseRules } from "./rules.ts";
import type { DrawSource, GameEvent, GameState, HoleResult, MustFlip, Phase, SeatKind } from "./types.ts";

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

export function canSeeDrawn(state: GameState, viewer: Viewer): boolean {
  return state.drawn !== null && (state.drawnFrom === "discard" || viewer === state.turn);
}

export function view(state: GameState, viewer: Viewer): GameView {
  return {
    viewer,
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
    drawn: canSeeDrawn(state, viewer) ? state.drawn : null,
    deckCount: state.deck.length,
    discardPile: state.discard,
    finalTurnsLeft: state.finalTurnsLeft,
    seats: state.seats.map((seat) => ({
      name: seat.name,
      kind: seat.kind,
      profile: seat.profile,
      away: seat.away,
      conceded: seat.conceded,
      initialFlipDone: seat.initialFlipDone,
      total: seat.total,
      holeScore: seat.holeScore,
      holesWon: seat.holesWon,
      cards: seat.cards.map(slotView),
    })),
    results: state.results as HoleResult[],
    winners: state.winners as number[],
    abandoned: state.abandoned,
    seq: state.seq,
  };
}

/** A projected event: the same type and seat, with what this viewer may not see removed. */
export interface ProjectedEvent {
  type: GameEvent["type"];
  seat: number | null;
  data: Record<string, unknown>;
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
