// The shapes the event store reads and writes. The game server codes against these names.
import type { GolfExport } from "../../shared/protocol/index.ts";

/** An event the caller wants to append; the store assigns its seq. */
export interface NewEvent {
  type: string;
  seat: number | null;
  data: unknown;
  /** Epoch ms; defaults to the store's clock at the moment of the append. */
  at?: number;
}

/** An event as committed: its place in the game's log and its time (epoch ms). */
export interface StoredEvent {
  seq: number;
  type: string;
  seat: number | null;
  data: unknown;
  at: number;
}

export interface SeatInfo {
  name: string;
  kind: "human" | "cpu" | "empty";
  profile: string;
}

export type GameStatus = "lobby" | "running" | "finished" | "abandoned";

/** A game's metadata row. Times are epoch ms. */
export interface GameRecord {
  id: string;
  code: string;
  status: GameStatus;
  private: boolean;
  rules: Record<string, unknown>;
  holes: number;
  decks: number | null;
  seats: SeatInfo[];
  createdAt: number;
  endedAt: number | null;
  totals: number[] | null;
  winners: number[] | null;
  /** The seq of the game's last committed event (0 before the first). */
  lastSeq: number;
  /** The node that hosts the game, when one does. */
  node: string | null;
  /** True for games brought in by importGame: finished, never recovered, never blocking a code. */
  imported: boolean;
  /** What the game was created with beyond its log (the caller's choice of keys); {} when none. */
  settings: Record<string, unknown>;
}

export interface NewGame {
  id: string;
  code: string;
  private: boolean;
  rules: Record<string, unknown>;
  holes: number;
  decks: number | null;
  seats: SeatInfo[];
  node?: string | null;
  /** Settings the log does not hold that a recovered game needs (see GameRecord.settings). */
  settings?: Record<string, unknown>;
}

export type GamePatch = Partial<{
  status: GameStatus;
  rules: Record<string, unknown>;
  holes: number;
  decks: number | null;
  seats: SeatInfo[];
  private: boolean;
  node: string | null;
}>;

/**
 * What an append changes in its game's record, written by the same statement as its events, so that
 * the record can never say something its log does not. Keys left out are unchanged; a status of
 * finished or abandoned also sets the ended time (once).
 */
export interface RecordPatch {
  status?: GameStatus;
  seats?: SeatInfo[];
  rules?: Record<string, unknown>;
  holes?: number;
  decks?: number | null;
  totals?: number[];
  winners?: number[];
}

/** What the log says of an append whose commit was not confirmed (EventStore.appendOutcome). */
export interface AppendOutcome {
  /** True when the log holds exactly these events right after expectedSeq. */
  committed: boolean;
  /** The game's last committed seq now. */
  lastSeq: number;
}

export interface GameResult {
  status: "finished" | "abandoned";
  totals?: number[];
  winners?: number[];
}

// The export format is part of the contract (shared/protocol/export.ts): the store writes and reads it.
export type { GolfExport };

export interface ShareOptions {
  title?: string;
  /** Days until the link stops working: 1..365, default 30. */
  expiresDays?: number;
}

export interface ResolvedShare {
  title: string;
  /** Views counted so far, this one included. */
  views: number;
  export: GolfExport;
}
