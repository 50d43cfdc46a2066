// A plain copy of the synchronized state (protocol.md, "Synchronized state"), read by field name
// from whatever the SDK decoded (it decodes by reflection: no server schema classes here).

export interface CardSnap {
  rank: string;
  suit: string;
}

export interface SlotSnap {
  faceUp: boolean;
  rank: string;
  suit: string;
}

export interface SeatSnap {
  name: string;
  kind: "empty" | "human" | "cpu";
  profile: string;
  connected: boolean;
  away: boolean;
  host: boolean;
  total: number;
  holeScore: number;
  holesWon: number;
  cards: SlotSnap[];
  /** The card this seat holds, in its owner's view only; null otherwise. */
  drawn: CardSnap | null;
  conceded: boolean;
  initialFlipDone: boolean;
}

export interface HoleResultSnap {
  hole: number;
  finisher: number;
  raw: number[];
  scores: number[];
  winners: number[];
}

export interface GolfSnapshot {
  code: string;
  gameId: string;
  phase: "lobby" | "initialFlip" | "playing" | "finalTurn" | "holeOver" | "gameOver";
  /** The active house rules as a JSON string. */
  rules: string;
  decks: number;
  hole: number;
  holes: number;
  dealer: number;
  seats: SeatSnap[];
  turn: number;
  finisher: number;
  mustFlip: "" | "required" | "optional";
  deckCount: number;
  discardTop: CardSnap | null;
  discardCount: number;
  drawnFrom: "" | "deck" | "discard";
  turnEndsAt: number;
  spectators: number;
  ranked: boolean;
  lastSeq: number;
  tableSize: number;
  /** The host's deck choice, 0 for the default by seats. */
  decksChoice: number;
  turnSeconds: number;
  finalTurnsLeft: number;
  /** The held card when everyone may see it (taken from the discard pile); null otherwise. */
  publicDrawn: CardSnap | null;
  /** The whole discard pile, bottom first. */
  discardPile: CardSnap[];
  results: HoleResultSnap[];
  winners: number[];
  abandoned: boolean;
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
    discardPile: list(state?.discardPile).map((item) => ({ rank: str(item?.rank), suit: str(item?.suit) })),
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
