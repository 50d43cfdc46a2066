// What every part of the store shares: the connection pool it queries through (turning a lost
// connection into StoreUnavailableError), the store's clock, the checks that keep a malformed id or
// event away from PostgreSQL, and the mapping of the games and events rows.
import type pg from "pg";
import type { Logger } from "pino";
import { borrow, type Borrowed } from "./borrow.ts";
import { CodeTakenError, StoreError, StoreUnavailableError, UnknownGameError } from "./errors.ts";
import type { PreparedEvent } from "./group-commit.ts";
import { describeError, isConnectionError, sqlState } from "./pg-errors.ts";
import type { GameRecord, GameStatus, NewEvent, SeatInfo, StoredEvent } from "./types.ts";
import { isGameId } from "../../shared/protocol/index.ts";

/** The pool of connections to the store's database, shared by its parts. */
export class Database {
  /** Set by the store's close(): from then on every operation fails. */
  closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly logger: Logger,
    /** Epoch ms; stamps events, games and share expiry. */
    readonly clock: () => number,
  ) {}

  /** Runs `work` on a borrowed connection; a connection that died is discarded, not reused. */
  async withClient<T>(what: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreError("the event store is closed");
    let connection: Borrowed;
    try {
      connection = await borrow(this.pool);
    } catch (err) {
      throw this.unavailable(what, err);
    }
    try {
      const result = await work(connection.client);
      connection.release();
      return result;
    } catch (err) {
      if (isConnectionError(err)) {
        // Discard the connection rather than hand it to the next caller.
        connection.release(err as Error);
        throw this.unavailable(what, err);
      }
      connection.release();
      throw err;
    }
  }

  /** One statement; `what` names the operation in the StoreUnavailableError and the log. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(what: string, text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.withClient(what, (client) => client.query<R>(text, values));
  }

  transaction<T>(what: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.withClient(what, async (client) => {
      await client.query("BEGIN");
      try {
        const result = await work(client);
        await client.query("COMMIT");
        return result;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw err;
      }
    });
  }

  private unavailable(what: string, err: unknown): Error {
    if (!isConnectionError(err)) return err instanceof Error ? err : new StoreError(String(err));
    this.logger.warn({ operation: what, err: describeError(err) }, "database unavailable");
    return new StoreUnavailableError(`database unavailable during ${what}: ${describeError(err)}`, { cause: err });
  }

  /**
   * Checks one event and serializes its data, so that nothing in a batch can make PostgreSQL
   * refuse the statement (which would fail the other appends of the batch too).
   */
  prepareEvent(
    event: NewEvent,
    index: number,
    where: (index: number) => string, // names the event in an error message
    Fail: new (message: string) => Error = RangeError,
  ): PreparedEvent {
    if (typeof event.type !== "string" || event.type.length === 0 || event.type.includes("\0")) {
      throw new Fail(`${where(index)}: type must be a non-empty string without NUL characters`);
    }
    if (event.seat !== null && !(Number.isInteger(event.seat) && event.seat >= 0 && event.seat <= 32767)) {
      throw new Fail(`${where(index)}: seat must be null or an integer from 0 to 32767, got ${event.seat}`);
    }
    if (event.at !== undefined && !Number.isFinite(event.at)) throw new Fail(`${where(index)}: at must be a finite number of epoch ms`);
    // Whole milliseconds, as load() will return them.
    const at = Math.round(event.at ?? this.clock());
    let json: string | undefined;
    try {
      json = JSON.stringify(event.data);
    } catch (err) {
      throw new Fail(`${where(index)}: data cannot be serialized to JSON: ${describeError(err)}`);
    }
    if (json === undefined) throw new Fail(`${where(index)}: data must be a JSON value, got ${typeof event.data}`);
    // PostgreSQL's jsonb cannot hold the NUL character.
    if (json.includes("\\u0000")) throw new Fail(`${where(index)}: data contains a NUL character, which jsonb cannot store`);
    return { type: event.type, seat: event.seat, json, data: event.data, at };
  }
}

export function checkGameId(gameId: string): void {
  // Not a uuid, so not a game; checked here because a malformed uuid in a batch would fail the
  // whole batch in PostgreSQL.
  if (!isGameId(gameId)) throw new UnknownGameError(String(gameId));
}

/** Turns a unique violation of a game write into a typed error; null for any other error. */
export function constraintError(err: unknown, code: string | null): Error | null {
  const state = sqlState(err);
  const constraint = (err as { constraint?: string }).constraint;
  if (state === "23505" && constraint === "games_open_code") {
    return new CodeTakenError(code ?? "of this game");
  }
  if (state === "23505" && constraint === "games_pkey") {
    return new StoreError(`a game with this id already exists: ${describeError(err)}`, { cause: err });
  }
  return null;
}

/** A write to a table keyed by a game that does not exist (a foreign-key violation) as UnknownGameError. */
export function unknownGameOnMissingKey(err: unknown, gameId: string): unknown {
  return sqlState(err) === "23503" ? new UnknownGameError(gameId) : err;
}

// ---- rows ----------------------------------------------------------------------------------

/** A game's row with the head of its log. */
export const SELECT_GAMES = "SELECT g.*, h.last_seq FROM games AS g JOIN game_heads AS h ON h.game_id = g.id";

export interface GameRow {
  id: string;
  code: string;
  status: GameStatus;
  is_private: boolean;
  rules: Record<string, unknown>;
  holes: number;
  decks: number | null;
  seats: SeatInfo[];
  created_at: Date;
  ended_at: Date | null;
  totals: number[] | null;
  winners: number[] | null;
  last_seq: number;
  node: string | null;
  imported: boolean;
  imported_by: string | null;
  settings: Record<string, unknown>;
}

export interface EventRow {
  seq: number;
  type: string;
  seat: number | null;
  data: unknown;
  at: Date;
}

export function toGameRecord(row: GameRow): GameRecord {
  return {
    id: row.id,
    code: row.code,
    status: row.status,
    private: row.is_private,
    rules: row.rules,
    holes: row.holes,
    decks: row.decks,
    seats: row.seats,
    createdAt: row.created_at.getTime(),
    endedAt: row.ended_at === null ? null : row.ended_at.getTime(),
    totals: row.totals,
    winners: row.winners,
    lastSeq: row.last_seq,
    node: row.node,
    imported: row.imported,
    importedBy: row.imported_by ?? null,
    settings: row.settings ?? {},
  };
}

export function toStoredEvent(row: EventRow): StoredEvent {
  return { seq: row.seq, type: row.type, seat: row.seat, data: row.data, at: row.at.getTime() };
}
