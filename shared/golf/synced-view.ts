// A client sees only the synchronized state (docs/protocol.md's GolfState). This turns that state into the
// engine's GameView of one seat, so clients, bots and test players ask the shared `legalCommands`
// and `cpuCommand` instead of knowing the rules themselves. The server mirrors the engine's view into
// that state (server/room/mirror.ts), so every field here is read, none guessed.
import type { Card } from "./cards.ts";
import { mergeRules, STANDARD_RULES, type HouseRules } from "./rules.ts";
import type { MustFlip, Phase, SeatKind } from "./types.ts";
import type { GameView } from "./view.ts";

export interface CardLike {
  rank: string;
  suit: string;
}
export interface SlotLike extends CardLike {
  faceUp: boolean;
}
export interface SeatLike {
  name: string;
  kind: string;
  profile: string;
  playerId: string;
  away: boolean;
  host: boolean;
  total: number;
  holeScore: number;
  holesWon: number;
  cards: Iterable<SlotLike>;
  drawn?: CardLike | null;
  conceded: boolean;
  initialFlipDone: boolean;
}
export interface HoleResultLike {
  hole: number;
  finisher: number;
  raw: Iterable<number>;
  scores: Iterable<number>;
  winners: Iterable<number>;
}
/** The fields of GolfState (docs/protocol.md) the engine's view is read from. */
export interface TableState {
  phase: string;
  rules: string;
  decks: number;
  hole: number;
  holes: number;
  dealer: number;
  seats: Iterable<SeatLike>;
  turn: number;
  finisher: number;
  mustFlip: string;
  deckCount: number;
  drawnFrom: string;
  ranked: boolean;
  lastSeq: number;
  tableSize: number;
  /** 0: the default by seats in play. */
  decksChoice: number;
  turnSeconds: number;
  finalTurnsLeft: number;
  /** The held card when everyone may see it (rank "" otherwise). */
  publicDrawn: CardLike | null;
  discardPile: Iterable<CardLike>;
  results: Iterable<HoleResultLike>;
  winners: Iterable<number>;
  abandoned: boolean;
}

// One rules object per distinct JSON: the CPU policy caches its tables by rules identity.
const rulesByJson = new Map<string, HouseRules>();
function rulesOf(json: string): HouseRules {
  let rules = rulesByJson.get(json);
  if (!rules) {
    rules = mergeRules(STANDARD_RULES, JSON.parse(json || "{}"));
    rulesByJson.set(json, rules);
  }
  return rules;
}

const asCard = (card: CardLike): Card => ({ rank: card.rank, suit: card.suit }) as Card;

const cardOf = (card: CardLike | null | undefined): Card | null => (card?.rank ? asCard(card) : null);

export function viewFromSyncedState(state: TableState, me: number): GameView {
  const seats = Array.from(state.seats);
  return {
    viewer: me,
    phase: state.phase as Phase,
    rules: rulesOf(state.rules),
    ranked: state.ranked,
    holes: state.holes,
    // The state's `decks` shows the host's choice before the start; the engine's counts the shoe,
    // 0 until the start deals the first hole.
    decks: state.hole > 0 ? state.decks : 0,
    decksChoice: state.decksChoice || null,
    turnSeconds: state.turnSeconds,
    tableSize: state.tableSize,
    host: seats.findIndex((seat) => seat.host),
    hole: state.hole,
    dealer: state.dealer,
    turn: state.turn,
    finisher: state.finisher,
    mustFlip: state.mustFlip as MustFlip,
    drawnFrom: state.drawnFrom as GameView["drawnFrom"],
    // Our own held card is in our view only; one taken from the discard pile is everyone's.
    drawn: (state.drawnFrom && cardOf(seats[me]?.drawn)) || cardOf(state.publicDrawn),
    deckCount: state.deckCount,
    discardPile: Array.from(state.discardPile, asCard),
    finalTurnsLeft: state.finalTurnsLeft,
    seats: seats.map((seat) => ({
      name: seat.name,
      kind: seat.kind as SeatKind,
      profile: seat.profile,
      playerId: seat.playerId,
      away: seat.away,
      conceded: seat.conceded,
      initialFlipDone: seat.initialFlipDone,
      total: seat.total,
      holeScore: seat.holeScore,
      holesWon: seat.holesWon,
      cards: Array.from(seat.cards, (slot) => ({ faceUp: slot.faceUp, card: slot.faceUp ? cardOf(slot) : null })),
    })),
    results: Array.from(state.results, (result) => ({
      hole: result.hole,
      finisher: result.finisher,
      raw: Array.from(result.raw),
      scores: Array.from(result.scores),
      winners: Array.from(result.winners),
    })),
    winners: Array.from(state.winners),
    abandoned: state.abandoned,
    seq: state.lastSeq,
  };
}
