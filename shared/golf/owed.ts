// The system events the engine owes after a move (see PendingStep): a deal, a reshuffle, reveals, the
// scores of a hole, the end of the game. Nobody sends these as commands; they follow from the state.
import { buildShoe, type Card } from "./cards.ts";
import { shuffleForDeal, shuffleForReshuffle } from "./rng.ts";
import { jokersInShoe, scoreHole, scoringFor } from "./rules.ts";
import { evolve, faceDownPositions } from "./evolve.ts";
import { makeEvent, type GameEvent, type GameState } from "./types.ts";

/** The deal of a hole, shuffled from the game's seed and the hole number. */
export function dealEvent(state: GameState, hole: number): GameEvent {
  const seatCount = state.seats.length;
  const shoe = shuffleForDeal(state, hole, buildShoe(state.decks, jokersInShoe(state.rules, state.decks)));
  const hands: Card[][] = Array.from({ length: seatCount }, () => []);
  for (let round = 0; round < 6; round++) {
    for (let seat = 0; seat < seatCount; seat++) hands[seat]!.push(shoe.pop()!);
  }
  const discard = shoe.pop()!;
  return makeEvent("holeStarted", null, { hole, dealer: (hole - 1) % seatCount, hands, discard, deck: shoe });
}

/** The system event the engine owes next: the one for `state.pending[0]`. */
export function owedEvent(state: GameState): GameEvent {
  const step = state.pending[0]!;
  switch (step.kind) {
    case "deal":
      return dealEvent(state, state.hole + 1);
    case "reshuffle": {
      const underTop = state.discard.slice(0, -1);
      return makeEvent("reshuffled", null, { deck: shuffleForReshuffle(state, state.hole, state.reshuffles + 1, underTop) });
    }
    case "reveal": {
      const seat = state.seats[step.seat]!;
      const positions = faceDownPositions(seat);
      return makeEvent("revealed", step.seat, { positions, cards: positions.map((p) => seat.cards[p]!.card) });
    }
    case "holeEnd": {
      const scoring = scoringFor(state.rules);
      const raw = state.seats.map((seat) => scoring.hand(seat.cards.map((slot) => slot.card)));
      const result = scoreHole(state.rules, raw, state.finisher);
      const totals = state.seats.map((seat, index) => seat.total + result.scores[index]!);
      return makeEvent("holeEnded", null, { hole: state.hole, finisher: state.finisher, ...result, totals });
    }
    case "gameEnd": {
      const totals = state.seats.map((seat) => seat.total);
      const lowest = Math.min(...totals);
      return makeEvent("gameEnded", null, { totals, winners: totals.flatMap((total, seat) => (total === lowest ? [seat] : [])) });
    }
  }
}

/** Produces and applies every system event the engine owes, in order, until it owes none. */
export function applyOwedEvents(state: GameState): { events: GameEvent[]; state: GameState } {
  const events: GameEvent[] = [];
  let next = state;
  while (next.pending.length > 0) {
    const owed = owedEvent(next);
    events.push(owed);
    next = evolve(next, owed);
  }
  return { events, state: next };
}
