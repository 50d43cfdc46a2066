// Mirrors the engine's state into the synchronized schema (a patch carries the fields whose value
// changed). Hidden information is the engine's `view` for a spectator: a face-down card has no rank
// or suit for anyone; the drawn card goes only into its owner's view.
import { ArraySchema } from "@colyseus/schema";
import { view, type GameState } from "../../shared/golf/index.ts";
import { newSeatSchema, SlotSchema, type GolfStateSchema } from "./schema.ts";

export interface TableExtras {
  connected: (seat: number) => boolean;
}

/** Sets a primitive field: the schema's setter itself ignores a value equal to the current one. */
function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K]): void {
  target[key] = value;
}

/**
 * `previous`: the state mirrored last time into this target, or null. The engine never changes a
 * seat in place (a changed seat is a new object), so a seat that is the same object as before is
 * already mirrored but for what depends on the rest of the table (connected, host, drawn).
 */
export function mirrorState(target: GolfStateSchema, game: GameState, extras: TableExtras, previous: GameState | null = null): void {
  const shown = view(game, "spectator");
  assign(target, "phase", shown.phase);
  if (previous?.rules !== game.rules) assign(target, "rules", JSON.stringify(shown.rules));
  assign(target, "ranked", shown.ranked);
  assign(target, "decks", shown.decks || shown.decksChoice || 0);
  assign(target, "hole", shown.hole);
  assign(target, "holes", shown.holes);
  assign(target, "dealer", shown.dealer);
  assign(target, "turn", shown.turn);
  assign(target, "finisher", shown.finisher);
  assign(target, "mustFlip", shown.mustFlip);
  assign(target, "deckCount", shown.deckCount);
  assign(target, "discardCount", shown.discardPile.length);
  assign(target, "drawnFrom", shown.drawnFrom);
  assign(target, "lastSeq", game.seq);
  const top = shown.discardPile.at(-1);
  assign(target.discardTop, "rank", top?.rank ?? "");
  assign(target.discardTop, "suit", top?.suit ?? "");

  // The lobby lists every table seat; from the start only the seats in play (the room re-attaches
  // each owner's view when seats are re-indexed).
  while (target.seats.length > shown.seats.length) target.seats.pop();
  while (target.seats.length < shown.seats.length) target.seats.push(newSeatSchema());
  shown.seats.forEach((seat, index) => {
    const into = target.seats[index]!;
    assign(into, "connected", seat.kind === "cpu" ? true : extras.connected(index));
    assign(into, "host", game.host === index);
    // The drawn card: in the state only for the seat whose turn it is, and only in its owner's view.
    const holding = game.turn === index && game.drawn ? game.drawn : null;
    assign(into.drawn, "rank", holding?.rank ?? "");
    assign(into.drawn, "suit", holding?.suit ?? "");
    if (previous && previous.seats[index] === game.seats[index] && into.cards.length === seat.cards.length) return;
    assign(into, "name", seat.name);
    assign(into, "kind", seat.kind);
    assign(into, "profile", seat.profile);
    assign(into, "away", seat.away);
    assign(into, "total", seat.total);
    assign(into, "holeScore", seat.holeScore);
    assign(into, "holesWon", seat.holesWon);
    // Slots are replaced, never changed in place, by the engine too: mirror the ones that are new.
    let before = previous?.seats[index]?.cards;
    if (into.cards.length !== seat.cards.length) {
      into.cards = new ArraySchema<SlotSchema>(...seat.cards.map(() => Object.assign(new SlotSchema(), { faceUp: false, rank: "", suit: "" })));
      before = undefined;
    }
    const now = game.seats[index]!.cards;
    if (before === now) return;
    seat.cards.forEach((slot, position) => {
      if (before && before[position] === now[position]) return;
      const cell = into.cards[position]!;
      assign(cell, "faceUp", slot.faceUp);
      assign(cell, "rank", slot.card?.rank ?? "");
      assign(cell, "suit", slot.card?.suit ?? "");
    });
  });
}
