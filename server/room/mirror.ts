// Mirrors the engine's state into the synchronized schema (a patch carries the fields whose value
// changed). Hidden information as the engine's view decides it: a face-down card has no rank or
// suit for anyone (slotView); the drawn card goes only into its owner's view.
//
// Fields are set one by one, by name: the schema's setters ignore a value equal to the current one,
// and a store by name keeps each site's inline cache monomorphic (one shared `target[key] = value`
// helper turned every store into a megamorphic call into V8's runtime, about 6% of the server's CPU).
import { ArraySchema } from "@colyseus/schema";
import { isRanked, slotView, type GameState } from "../../shared/golf/index.ts";
import { newSeatSchema, SlotSchema, type GolfStateSchema } from "./schema.ts";

export interface TableExtras {
  connected: (seat: number) => boolean;
}

/**
 * `previous`: the state mirrored last time into this target, or null. The engine never changes a
 * seat in place (a changed seat is a new object), so a seat that is the same object as before is
 * already mirrored but for what depends on the rest of the table (connected, host, drawn).
 */
export function mirrorState(target: GolfStateSchema, game: GameState, extras: TableExtras, previous: GameState | null = null): void {
  // Everything here is public but the slots (slotView hides a face-down card from everyone) and the
  // drawn card (set below, in a view-only field). Read from the state itself: building the whole
  // spectator view on every move cost a copy of every seat.
  target.phase = game.phase;
  if (previous?.rules !== game.rules) {
    target.rules = JSON.stringify(game.rules);
    target.ranked = isRanked(game.rules);
  }
  target.decks = game.decks || game.decksChoice || 0;
  target.hole = game.hole;
  target.holes = game.holes;
  target.dealer = game.dealer;
  target.turn = game.turn;
  target.finisher = game.finisher;
  target.mustFlip = game.mustFlip;
  target.deckCount = game.deck.length;
  target.discardCount = game.discard.length;
  target.drawnFrom = game.drawnFrom;
  target.lastSeq = game.seq;
  const top = game.discard.at(-1);
  target.discardTop.rank = top?.rank ?? "";
  target.discardTop.suit = top?.suit ?? "";

  // The lobby lists every table seat; from the start only the seats in play (each owner's view
  // follows its player: seating.ts).
  const seats = target.seats;
  while (seats.length > game.seats.length) seats.pop();
  while (seats.length < game.seats.length) seats.push(newSeatSchema());
  for (let index = 0; index < game.seats.length; index++) {
    const seat = game.seats[index]!;
    const into = seats[index]!;
    into.connected = seat.kind === "cpu" ? true : extras.connected(index);
    into.host = game.host === index;
    // The drawn card: in the state only for the seat whose turn it is, and only in its owner's view.
    const holding = game.turn === index && game.drawn ? game.drawn : null;
    into.drawn.rank = holding?.rank ?? "";
    into.drawn.suit = holding?.suit ?? "";
    const before = previous?.seats[index];
    let cards = into.cards;
    if (before === seat && cards.length === seat.cards.length) continue;
    into.name = seat.name;
    into.kind = seat.kind;
    into.profile = seat.profile;
    into.playerId = seat.playerId;
    into.away = seat.away;
    into.total = seat.total;
    into.holeScore = seat.holeScore;
    into.holesWon = seat.holesWon;
    // Slots are replaced, never changed in place, by the engine too: mirror the ones that are new.
    let slotsBefore = before?.cards;
    if (cards.length !== seat.cards.length) {
      cards = into.cards = new ArraySchema<SlotSchema>(...seat.cards.map(() => Object.assign(new SlotSchema(), { faceUp: false, rank: "", suit: "" })));
      slotsBefore = undefined;
    }
    if (slotsBefore === seat.cards) continue;
    for (let position = 0; position < seat.cards.length; position++) {
      const slot = seat.cards[position]!;
      if (slotsBefore && slotsBefore[position] === slot) continue;
      const shown = slotView(slot);
      const cell = cards[position]!;
      cell.faceUp = shown.faceUp;
      cell.rank = shown.card?.rank ?? "";
      cell.suit = shown.card?.suit ?? "";
    }
  }
}
