// One line of plain words for an event ("Maya swaps in the 7♥ and discards the Q♠"), for the
// replay's caption.
import { cardLabel, type CardFace, type TableModel } from "./model.ts";

/** An event as the table animates it (the protocol's `event` message, or a replayed log event). */
export interface TableEvent {
  seq?: number;
  type: string;
  seat?: number | null;
  data: Record<string, unknown>;
}

export function describeEvent(event: TableEvent, model: TableModel | null): string {
  const name = (seat: number | null | undefined) => (typeof seat === "number" ? model?.seats[seat]?.name ?? `Seat ${seat + 1}` : "");
  const who = name(event.seat);
  const data = event.data ?? {};
  const card = (value: unknown) => cardLabel(value as CardFace | null);
  switch (event.type) {
    case "created":
      return "The table is set";
    case "seatTaken":
      return `${String(data.name ?? who)} sits down${data.kind === "cpu" ? " (CPU)" : ""}`;
    case "seatFreed":
      return `${who} leaves the table`;
    case "hostChanged":
      return `${who} is now the host`;
    case "configured":
      return "The host changes the settings";
    case "started":
      return "The game starts";
    case "holeStarted":
      return `Hole ${String(data.hole)}: the cards are dealt`;
    case "flippedInitial":
      return `${who} turns up ${((data.cards as CardFace[]) ?? []).map((c) => cardLabel(c)).join(" and ")}`;
    case "drew":
      return data.source === "deck" ? `${who} draws from the deck${data.card ? ` (${card(data.card)})` : ""}` : `${who} takes the ${card(data.card)}`;
    case "cancelledDraw":
      return `${who} puts the ${card(data.card)} back`;
    case "swapped":
      return `${who} swaps in the ${card(data.card)} and discards the ${card(data.replaced)}`;
    case "discarded":
      return `${who} discards the ${card(data.card)}`;
    case "flipped":
      return `${who} turns up the ${card(data.card)}`;
    case "skippedFlip":
      return `${who} skips the flip`;
    case "knocked":
      return `${who} knocks`;
    case "reshuffled":
      return "The discards are shuffled into a new deck";
    case "revealed":
      return `${who}'s last cards are turned up`;
    case "holeEnded":
      return `Hole ${String(data.hole)} is over`;
    case "gameEnded":
      return "Game over";
    case "awayChanged":
      return data.away ? `${who} is away: a CPU plays for them` : `${who} is back`;
    case "conceded":
      return `${who} concedes: a CPU plays the seat`;
    case "abandoned":
      return "The game was abandoned";
    default:
      return event.type;
  }
}
