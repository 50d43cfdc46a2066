// A plain copy of the synchronized state (docs/protocol.md, "The synchronized state"), read by field name
// from whatever the SDK decoded (it decodes by reflection: no server schema classes here).
import type { SyncedCard, SyncedSeat, SyncedSlot, SyncedState } from "../../../shared/protocol/state.ts";

export type CardSnap = SyncedCard;
export type SlotSnap = SyncedSlot;

export interface SeatSnap extends Omit<SyncedSeat, "drawn"> {
  /** The card this seat holds, in its owner's view only; null otherwise. */
  drawn: CardSnap | null;
}

/** The synchronized state with every field present: a card that is not there is null. */
export interface GolfSnapshot extends Omit<SyncedState, "seats" | "discardTop" | "publicDrawn"> {
  seats: SeatSnap[];
  discardTop: CardSnap | null;
  publicDrawn: CardSnap | null;
}

type Loose = Record<string, unknown> | undefined | null;

const str = (value: unknown, fallback = ""): string => (typeof value === "string" ? value : fallback);
const num = (value: unknown, fallback = 0): number => (typeof value === "number" && Number.isFinite(value) ? value : fallback);
const bool = (value: unknown): boolean => value === true;

function list(value: unknown): Loose[] {
  if (!value || typeof value !== "object") return [];
  if (Symbol.iterator in value) return Array.from(value as Iterable<Loose>);
  return [];
}

function numbers(value: unknown): number[] {
  if (!value || typeof value !== "object" || !(Symbol.iterator in value)) return [];
  return Array.from(value as Iterable<unknown>, (item) => num(item));
}

function card(value: Loose): CardSnap | null {
  const rank = str(value?.rank);
  return rank ? { rank, suit: str(value?.suit) } : null;
}

export function snapshotOf(state: Loose): GolfSnapshot {
  return {
    code: str(state?.code),
    gameId: str(state?.gameId),
    phase: str(state?.phase, "lobby") as GolfSnapshot["phase"],
    rules: str(state?.rules, "{}"),
    decks: num(state?.decks),
    hole: num(state?.hole),
    holes: num(state?.holes),
    dealer: num(state?.dealer, -1),
    seats: list(state?.seats).map((seat) => ({
      name: str(seat?.name),
      kind: str(seat?.kind, "empty") as SeatSnap["kind"],
      profile: str(seat?.profile),
      playerId: str(seat?.playerId),
      userId: str(seat?.userId),
      rating: num(seat?.rating),
      connected: bool(seat?.connected),
      away: bool(seat?.away),
      host: bool(seat?.host),
      total: num(seat?.total),
      holeScore: num(seat?.holeScore),
      holesWon: num(seat?.holesWon),
      cards: list(seat?.cards).map((slot) => ({ faceUp: bool(slot?.faceUp), rank: str(slot?.rank), suit: str(slot?.suit) })),
      drawn: card(seat?.drawn as Loose),
      conceded: bool(seat?.conceded),
      initialFlipDone: bool(seat?.initialFlipDone),
    })),
    turn: num(state?.turn, -1),
    finisher: num(state?.finisher, -1),
    mustFlip: str(state?.mustFlip) as GolfSnapshot["mustFlip"],
    deckCount: num(state?.deckCount),
    discardTop: card(state?.discardTop as Loose),
    discardCount: num(state?.discardCount),
    drawnFrom: str(state?.drawnFrom) as GolfSnapshot["drawnFrom"],
    turnEndsAt: num(state?.turnEndsAt),
    spectators: num(state?.spectators),
    ranked: bool(state?.ranked),
    lastSeq: num(state?.lastSeq),
    tableSize: num(state?.tableSize),
    decksChoice: num(state?.decksChoice),
    turnSeconds: num(state?.turnSeconds),
    finalTurnsLeft: num(state?.finalTurnsLeft),
    publicDrawn: card(state?.publicDrawn as Loose),
    discardPile: list(state?.discardPile).map((key) => str(key)),
    results: list(state?.results).map((line) => ({
      hole: num(line?.hole),
      finisher: num(line?.finisher, -1),
      raw: numbers(line?.raw),
      scores: numbers(line?.scores),
      winners: numbers(line?.winners),
    })),
    winners: numbers(state?.winners),
    abandoned: bool(state?.abandoned),
  };
}
