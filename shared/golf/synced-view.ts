// A client sees only the synchronized state (docs/protocol.md's GolfState). This turns that state into the
// engine's GameView of one seat, so clients, bots and test players ask the shared `legalCommands`
// and `cpuCommand` instead of knowing the rules themselves.
// The schema carries the discard pile's top card only; the view's pile is that one card, which is
// all the legal-move check needs (the CPU policy just counts a few fewer cards as seen).
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
  away: boolean;
  host: boolean;
  total: number;
  holeScore: number;
  holesWon: number;
  cards: Iterable<SlotLike>;
  drawn?: CardLike | null;
}
/** The fields of GolfState (docs/protocol.md) a bot reads. */
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
  discardTop?: CardLike | null;
  discardCount: number;
  drawnFrom: string;
  ranked: boolean;
  lastSeq: number;
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

export function viewFromSyncedState(state: TableState, me: number): GameView {
  const rules = rulesOf(state.rules);
  const seats = Array.from(state.seats);
  const phase = state.phase as Phase;
  const mine = seats[me];
  const top = state.discardTop;
  return {
    viewer: me,
    phase,
    rules,
    ranked: state.ranked,
    holes: state.holes,
    decks: state.decks,
    decksChoice: null,
    turnSeconds: 0,
    tableSize: seats.length,
    host: seats.findIndex((seat) => seat.host),
    hole: state.hole,
    dealer: state.dealer,
    turn: state.turn,
    finisher: state.finisher,
    mustFlip: state.mustFlip as MustFlip,
    drawnFrom: state.drawnFrom as GameView["drawnFrom"],
    drawn: state.drawnFrom && mine?.drawn?.rank ? asCard(mine.drawn) : null,
    deckCount: state.deckCount,
    discardPile: state.discardCount > 0 && top?.rank ? [asCard(top)] : [],
    finalTurnsLeft: 0,
    seats: seats.map((seat) => {
      const cards = Array.from(seat.cards, (slot) => ({ faceUp: slot.faceUp, card: slot.faceUp && slot.rank ? asCard(slot) : null }));
      const faceUp = cards.filter((slot) => slot.faceUp).length;
      return {
        name: seat.name,
        kind: seat.kind as SeatKind,
        profile: seat.profile,
        away: seat.away,
        conceded: false,
        // The schema has no such flag: a seat has made its initial flips once that many cards are up.
        initialFlipDone: phase !== "initialFlip" || faceUp >= rules.initialFlips,
        total: seat.total,
        holeScore: seat.holeScore,
        holesWon: seat.holesWon,
        cards,
      };
    }),
    results: [],
    winners: [],
    abandoned: false,
    seq: state.lastSeq,
  };
}
