// A client sees only the synchronized state (docs/protocol.md's GolfState). This turns that state into the
// engine's GameView of one seat, so clients, bots and test players ask the shared `legalCommands`
// and `cpuCommand` instead of knowing the rules themselves. The server mirrors the engine's view into
// that state (server/room/mirror.ts), so every field here is read, none guessed.
import { cardFromKey, mergeRules, STANDARD_RULES, type Card, type GameView, type HouseRules, type MustFlip, type Phase, type SeatKind } from "../golf/index.ts";
import type { SyncedCard, SyncedSeat, SyncedState } from "./state.ts";

/**
 * The synchronized state as any decoder holds it: lists as any iterable (the SDK's ArraySchema, a
 * plain array), names as plain strings, a card that is not there as null or absent. The fields are
 * SyncedState's (state.ts), declared once; these are the ones the view is read from.
 */
export type SyncedStateReader = Omit<Loose<Pick<SyncedState, ReadFields>>, "seats" | "publicDrawn"> & { seats: Iterable<SeatReader>; publicDrawn: CardLike | null };
type ReadFields =
  | "phase" | "rules" | "decks" | "hole" | "holes" | "dealer" | "seats" | "turn" | "finisher" | "mustFlip" | "deckCount"
  | "drawnFrom" | "ranked" | "lastSeq" | "tableSize" | "decksChoice" | "turnSeconds" | "finalTurnsLeft" | "publicDrawn"
  | "discardPile" | "results" | "winners" | "abandoned";
type SeatReader = Omit<Loose<SyncedSeat>, "drawn" | "connected"> & { drawn?: CardLike | null };
type Loose<T> = T extends string ? string : T extends readonly (infer U)[] ? Iterable<Loose<U>> : T extends object ? { [K in keyof T]: Loose<T[K]> } : T;
type CardLike = Loose<SyncedCard>;

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

export function viewFromSyncedState(state: SyncedStateReader, me: number): GameView {
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
    discardPile: Array.from(state.discardPile, (key) => cardFromKey(key)!),
    finalTurnsLeft: state.finalTurnsLeft,
    seats: seats.map((seat) => ({
      name: seat.name,
      kind: seat.kind as SeatKind,
      profile: seat.profile,
      playerId: seat.playerId,
      userId: seat.userId,
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
