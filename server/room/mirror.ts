// Mirrors the engine's state into the synchronized schema (a patch carries the fields whose value
// changed). Who sees what is the engine's view's to say (shared/golf/view.ts), and this copies it:
// tableView and seatView are what everyone sees; a seat's `drawn` is the held card as its owner sees
// it (drawnView), which the room puts in that owner's StateView only; `publicDrawn` is the held card
// as everyone sees it.
//
// Fields are set one by one, by name: the schema's setters ignore a value equal to the current one,
// and a store by name keeps each site's inline cache monomorphic.
import { ArraySchema } from "@colyseus/schema";
import { cardKey, drawnView, seatView, tableView, type GameState, type HoleResult } from "../../shared/golf/index.ts";
import { HoleResultSchema, newSeatSchema, SlotSchema, type GolfStateSchema } from "./schema.ts";

/**
 * `previous`: the state mirrored last time into this target, or null. The engine never changes a
 * seat or a list in place (a changed one is a new object), so a seat that is the same object as
 * before is already mirrored but for what depends on the rest of the table (host, drawn). Who is
 * connected is not the game's to say: the room shows it after every mirror (attendance.ts, showOn).
 */
export function mirrorState(target: GolfStateSchema, game: GameState, previous: GameState | null = null): void {
  const table = tableView(game);
  // The table's settings change only in the lobby and at the start: a move leaves them alone.
  if (!previous || previous.rules !== game.rules || game.phase === "lobby" || previous.phase === "lobby") {
    target.rules = JSON.stringify(table.rules);
    target.ranked = table.ranked;
    // The contract's `decks` shows the host's choice until the start fixes the shoe.
    target.decks = table.decks || table.decksChoice || 0;
    target.decksChoice = table.decksChoice ?? 0;
    target.tableSize = table.tableSize;
    target.turnSeconds = table.turnSeconds;
    target.holes = table.holes;
  }
  target.phase = table.phase;
  target.hole = table.hole;
  target.dealer = table.dealer;
  target.turn = table.turn;
  target.finisher = table.finisher;
  target.mustFlip = table.mustFlip;
  target.finalTurnsLeft = table.finalTurnsLeft;
  target.deckCount = table.deckCount;
  target.discardCount = table.discardPile.length;
  target.drawnFrom = table.drawnFrom;
  target.abandoned = table.abandoned;
  target.lastSeq = table.seq;
  if (previous?.discard !== game.discard) {
    const top = table.discardPile.at(-1);
    target.discardTop.rank = top?.rank ?? "";
    target.discardTop.suit = top?.suit ?? "";
    mirrorList(target.discardPile, table.discardPile, previous?.discard, cardKey);
  }
  const seenByAll = drawnView(game, "spectator");
  target.publicDrawn.rank = seenByAll?.rank ?? "";
  target.publicDrawn.suit = seenByAll?.suit ?? "";
  mirrorList(target.results, table.results, previous?.results, resultSchema);
  mirrorList(target.winners, table.winners, previous?.winners, (seat) => seat);

  // The lobby lists every table seat; from the start only the seats in play (each owner's view
  // follows its player: seating.ts).
  const seats = target.seats;
  while (seats.length > game.seats.length) seats.pop();
  while (seats.length < game.seats.length) seats.push(newSeatSchema());
  // Only the seat to play holds a card: the held card can have changed only at that seat and the one before.
  const sameShape = previous !== null && previous.seats.length === game.seats.length;
  const hostMoved = !sameShape || previous.host !== game.host;
  const heldMoved = !sameShape || previous.turn !== game.turn || previous.drawn !== game.drawn || previous.drawnFrom !== game.drawnFrom;
  for (let index = 0; index < game.seats.length; index++) {
    const seat = game.seats[index]!;
    const into = seats[index]!;
    if (hostMoved) into.host = game.host === index;
    if (heldMoved && (!sameShape || index === game.turn || index === previous.turn)) {
      // Its field carries what its owner sees of it.
      const held = index === game.turn ? drawnView(game, index) : null;
      into.drawn.rank = held?.rank ?? "";
      into.drawn.suit = held?.suit ?? "";
    }
    const before = previous?.seats[index];
    let cards = into.cards;
    if (before === seat && cards.length === seat.cards.length) continue;
    const shown = seatView(seat);
    into.name = shown.name;
    into.kind = shown.kind;
    into.profile = shown.profile;
    into.playerId = shown.playerId;
    into.userId = shown.userId;
    into.away = shown.away;
    into.conceded = shown.conceded;
    into.initialFlipDone = shown.initialFlipDone;
    into.total = shown.total;
    into.holeScore = shown.holeScore;
    into.holesWon = shown.holesWon;
    // Slots are replaced, never changed in place, by the engine too: mirror the ones that are new.
    let slotsBefore = before?.cards;
    if (cards.length !== seat.cards.length) {
      cards = into.cards = new ArraySchema<SlotSchema>(...seat.cards.map(() => Object.assign(new SlotSchema(), { faceUp: false, rank: "", suit: "" })));
      slotsBefore = undefined;
    }
    if (slotsBefore === seat.cards) continue;
    for (let position = 0; position < seat.cards.length; position++) {
      if (slotsBefore && slotsBefore[position] === seat.cards[position]) continue;
      const slot = shown.cards[position]!;
      const cell = cards[position]!;
      cell.faceUp = slot.faceUp;
      cell.rank = slot.card?.rank ?? "";
      cell.suit = slot.card?.suit ?? "";
    }
  }
}

/**
 * Brings a synchronized list up to `list`, given `before`, the list mirrored last time (or
 * undefined): the entries both share from the bottom stay, the rest are replaced. The engine only
 * adds and takes at the top (a reshuffle keeps the top card alone), so a move sends one entry.
 */
function mirrorList<T, S>(into: ArraySchema<S>, list: readonly T[], before: readonly T[] | undefined, make: (item: T) => S): void {
  if (before === list) return;
  // The synchronized list's length is read once: each read goes through its proxy.
  let length = into.length;
  let keep = 0;
  if (before && length === before.length) {
    const limit = Math.min(before.length, list.length);
    while (keep < limit && before[keep] === list[keep]) keep++;
  }
  if (keep === 0 && length > 0) {
    into.clear();
    length = 0;
  }
  for (; length > keep; length--) into.pop();
  for (let index = keep; index < list.length; index++) into.push(make(list[index]!));
}

function resultSchema(result: HoleResult): HoleResultSchema {
  const line = Object.assign(new HoleResultSchema(), { hole: result.hole, finisher: result.finisher });
  line.raw.push(...result.raw);
  line.scores.push(...result.scores);
  line.winners.push(...result.winners);
  return line;
}
