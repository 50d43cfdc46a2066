// Group commit: appends from many games share one statement, one transaction and one round trip,
// while each caller still waits for its own commit.
//
// Appends are queued. On the next turn of the event loop the queue is taken as a batch (at most
// one append per game, so a game's appends commit in order; a game's queued appends that follow
// each other, the next expecting the seq the one before ends at, join into one: they commit or fail
// together) and written by ONE statement: a guarded
// UPDATE of game_heads.last_seq claims each game whose last seq is still the expected one, an INSERT
// writes the events of the claimed games only. An append whose game was not claimed fails alone
// (ConflictError or UnknownGameError) while the rest of the batch commits.
//
// Up to `concurrency` batches are in flight at once, each on its own connection, so the database
// can run one while node prepares the next; when all are in flight, new appends wait in the queue
// and go together in the next batch. Batches hold at most `maxBatchEvents` events, so a long queue
// is split between the free connections instead of travelling as one big batch.
//
// The UUIDs in the batch come from the caller and are checked before they are queued: a malformed
// value would make PostgreSQL refuse the whole statement.
import type pg from "pg";
import type { Logger } from "pino";
import { CommitUnknownError, ConflictError, StoreError, StoreUnavailableError, UnknownGameError } from "./errors.ts";
import { borrow, type Borrowed } from "./borrow.ts";
import { describeError, isConnectionError } from "./pg-errors.ts";
import type { StoredEvent } from "./types.ts";

/** An event checked and serialized by the caller's append(), before it joins a batch. */
export interface PreparedEvent {
  type: string;
  seat: number | null;
  /** data as JSON text */
  json: string;
  /** the caller's data, handed back in the StoredEvent */
  data: unknown;
  at: number;
}

export interface PendingAppend {
  gameId: string;
  expectedSeq: number;
  events: PreparedEvent[];
  /**
   * What the append changes in its game's record (status, seats, totals, ...), written by the same
   * statement as its events: rare (a start, a seat, the end), so only batches that carry one use
   * the statement with the extra UPDATE.
   */
  record?: Record<string, unknown>;
  /** How many callers' appends this is (more than one once joined: see `joined`). */
  appends?: number;
  resolve: (events: StoredEvent[]) => void;
  reject: (err: Error) => void;
}

export interface GroupCommitOptions {
  /** Most events in one batch; the rest of the queue waits for the next batch. */
  maxBatchEvents: number;
  /** Batches in flight at once, each on its own pooled connection. */
  concurrency: number;
  /**
   * Use a named prepared statement (parsed and planned once per connection). Off for PGlite, whose
   * connections all share one session: a statement prepared by a connection that died would still
   * exist, and preparing it again on the new connection would fail.
   */
  prepare: boolean;
  logger: Logger;
}

// The whole batch in one statement: data-modifying CTEs run exactly once and in one snapshot, and
// a single statement is its own transaction, so the batch commits all or nothing in one round trip.
//   $1, $2, $3: per append, its game, expected seq and new last seq;
//   $4..$9: per event, side by side: its append's place in $1 (from 1), its place in that append
//   (from 1), its type (a JSON array of strings), seat, time (epoch ms) and data (a JSON array).
// Integer arrays and two JSON arrays are the cheapest shapes for PostgreSQL to read: every data
// value is parsed once, inside one JSON document, with no wrapper object per event.
// It returns the games it could not claim: usually none.
const APPEND_BATCH_SQL = `
WITH batch AS (
  SELECT * FROM unnest($1::uuid[], $2::int[], $3::int[]) WITH ORDINALITY AS b(game_id, expected_seq, new_last_seq, i)
),
claimed AS (
  UPDATE game_heads AS h SET last_seq = b.new_last_seq
  FROM batch AS b
  WHERE h.game_id = b.game_id AND h.last_seq = b.expected_seq
  RETURNING h.game_id, b.i, b.expected_seq
),
written AS (
  INSERT INTO game_events (game_id, seq, type, seat, data, at)
  SELECT c.game_id, c.expected_seq + e.n, e.type, e.seat, e.data, to_timestamp(e.at / 1000.0)
  FROM ROWS FROM (
    unnest($4::int[]), unnest($5::int[]), jsonb_array_elements_text($6::jsonb),
    unnest($7::smallint[]), unnest($8::float8[]), jsonb_array_elements($9::jsonb)
  ) AS e(i, n, type, seat, at, data)
  JOIN claimed AS c ON c.i = e.i
)
SELECT b.game_id FROM batch AS b LEFT JOIN claimed AS c ON c.game_id = b.game_id WHERE c.game_id IS NULL`;

// The same, for a batch in which some appends carry a record patch: $10 is a JSON array with, per
// append, its patch or null. The games it claimed get their record updated in the same statement,
// so what the record says commits with the event that causes it, or not at all.
const APPEND_BATCH_WITH_RECORD_SQL = APPEND_BATCH_SQL.replace(
  "\nSELECT b.game_id",
  `,
recorded AS (
  UPDATE games AS g SET
    status = COALESCE(r.patch->>'status', g.status),
    seats = COALESCE(r.patch->'seats', g.seats),
    rules = COALESCE(r.patch->'rules', g.rules),
    holes = COALESCE((r.patch->>'holes')::int, g.holes),
    decks = CASE WHEN r.patch ? 'decks' THEN (r.patch->>'decks')::int ELSE g.decks END,
    totals = COALESCE(r.patch->'totals', g.totals),
    winners = COALESCE(r.patch->'winners', g.winners),
    ended_at = COALESCE(g.ended_at, to_timestamp((r.patch->>'endedAt')::float8 / 1000.0))
  FROM claimed AS c
  JOIN jsonb_array_elements($10::jsonb) WITH ORDINALITY AS r(patch, i) ON r.i = c.i
  WHERE g.id = c.game_id AND jsonb_typeof(r.patch) = 'object'
)
SELECT b.game_id`,
);

export class GroupCommitter {
  private queue: PendingAppend[] = [];
  /** Games with an append in flight: their next append waits for the following batch. */
  private readonly busy = new Set<string>();
  private inFlight = 0;
  private flushScheduled = false;
  private idleWaiters: (() => void)[] = [];
  readonly stats = { batches: 0, appends: 0, events: 0 };

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(append: PendingAppend): void {
    this.queue.push(append);
    this.scheduleFlush();
  }

  /** Resolves once nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // setImmediate rather than a microtask: every append issued in this turn of the event loop
    // (typically all the rooms woken by the previous commit) joins the batch.
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.options.concurrency) {
      const batch = this.takeBatch();
      if (batch.length === 0) break;
      this.inFlight++;
      void this.commit(batch).finally(() => {
        this.inFlight--;
        for (const append of batch) this.busy.delete(append.gameId);
        if (this.queue.length > 0) this.scheduleFlush();
        else if (this.inFlight === 0) this.notifyIdle();
      });
    }
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }

  /**
   * Takes the oldest appends, one per game not already in flight, up to maxBatchEvents events; an
   * append that continues its game's append in this batch joins it. Once one append of a game waits
   * for a later batch, so do the ones queued after it: a game's appends never overtake each other.
   */
  private takeBatch(): PendingAppend[] {
    const batch: PendingAppend[] = [];
    const rest: PendingAppend[] = [];
    /** Where each game's append is in `batch`. */
    const taken = new Map<string, number>();
    /** Games with an append left for a later batch in this pass: the rest of theirs wait too. */
    const waiting = new Set<string>();
    let events = 0;
    for (const append of this.queue) {
      const { gameId } = append;
      const fits = events === 0 || events + append.events.length <= this.options.maxBatchEvents;
      const at = taken.get(gameId);
      const before = at === undefined ? undefined : batch[at]!;
      if (waiting.has(gameId) || this.busy.has(gameId) || !fits || (before && append.expectedSeq !== before.expectedSeq + before.events.length)) {
        waiting.add(gameId);
        rest.push(append);
      } else if (before) {
        batch[at!] = joined(before, append);
        events += append.events.length;
      } else {
        taken.set(gameId, batch.length);
        batch.push(append);
        events += append.events.length;
      }
    }
    for (const append of batch) this.busy.add(append.gameId);
    this.queue = rest;
    return batch;
  }

  private async commit(batch: PendingAppend[]): Promise<void> {
    let connection: Borrowed;
    try {
      connection = await borrow(this.pool);
    } catch (err) {
      this.failAll(batch, err, false);
      return;
    }

    let unclaimed: Set<string>;
    try {
      const withRecord = batch.some((append) => append.record !== undefined);
      const prepared = withRecord ? "golf_append_batch_record" : "golf_append_batch";
      const result = await connection.client.query<{ game_id: string }>({
        name: this.options.prepare ? prepared : undefined,
        text: withRecord ? APPEND_BATCH_WITH_RECORD_SQL : APPEND_BATCH_SQL,
        values: batchParameters(batch, withRecord),
      });
      unclaimed = new Set(result.rows.map((row) => row.game_id));
    } catch (err) {
      if (isConnectionError(err)) {
        // Discard the connection: the pool must not hand a dead client to the next batch.
        connection.release(err as Error);
        this.failAll(batch, err, true);
        return;
      }
      connection.release();
      // PostgreSQL refused the statement, so nothing of the batch was written. One bad append must
      // not fail its neighbours: write each append of the batch on its own.
      if (batch.length > 1) {
        this.options.logger.warn({ err: describeError(err), appends: batch.length }, "append batch failed; retrying its appends one by one");
        for (const append of batch) await this.commit([append]);
      } else {
        const [append] = batch;
        append!.reject(new StoreError(`append to game ${append!.gameId} failed: ${describeError(err)}`, { cause: err }));
      }
      return;
    }

    this.stats.batches++;
    const losers: PendingAppend[] = [];
    for (const append of batch) {
      if (unclaimed.has(append.gameId)) {
        losers.push(append);
        continue;
      }
      this.stats.appends += append.appends ?? 1;
      this.stats.events += append.events.length;
      append.resolve(
        append.events.map((event, i) => ({
          seq: append.expectedSeq + i + 1,
          type: event.type,
          seat: event.seat,
          data: event.data,
          at: event.at,
        })),
      );
    }

    if (losers.length === 0) {
      connection.release();
      return;
    }
    // Nothing of these appends was written. Read the games' current last seq (a fresh snapshot)
    // to say why: an unknown game, or another seq than expected.
    try {
      const { rows } = await connection.client.query<{ game_id: string; last_seq: number }>(
        "SELECT game_id, last_seq FROM game_heads WHERE game_id = ANY($1::uuid[])",
        [losers.map((append) => append.gameId)],
      );
      connection.release();
      const lastSeqs = new Map(rows.map((row) => [row.game_id, row.last_seq]));
      for (const append of losers) {
        const actual = lastSeqs.get(append.gameId);
        append.reject(
          actual === undefined
            ? new UnknownGameError(append.gameId)
            : new ConflictError(append.gameId, append.expectedSeq, actual),
        );
      }
    } catch (err) {
      connection.release(isConnectionError(err) ? (err as Error) : undefined);
      // These appends are known not to be written, whatever the error.
      this.failAll(losers, err, false);
    }
  }

  /**
   * Rejects every append of a batch. `sent`: the statement may have reached the database before
   * the connection broke, so the batch may have committed (all of it) without us hearing back.
   */
  private failAll(batch: PendingAppend[], err: unknown, sent: boolean): void {
    const games = batch.length === 1 ? `game ${batch[0]!.gameId}` : `${batch.length} games`;
    const outcome = sent
      ? "its commit was not confirmed (all or none of its events are stored: appendOutcome tells which)"
      : "nothing was written";
    const Unavailable = sent ? CommitUnknownError : StoreUnavailableError;
    const error = isConnectionError(err)
      ? new Unavailable(`database unavailable during an append to ${games}, ${outcome}: ${describeError(err)}`, { cause: err })
      : new StoreError(`append to ${games} failed: ${describeError(err)}`, { cause: err });
    if (error instanceof StoreUnavailableError) {
      this.options.logger.warn({ err: describeError(err), appends: batch.length }, "append batch failed: database unavailable");
    }
    for (const append of batch) append.reject(error);
  }
}

/** Two appends of a game, the second continuing the first, as one: committed or failed together. */
function joined(first: PendingAppend, next: PendingAppend): PendingAppend {
  return {
    gameId: first.gameId,
    expectedSeq: first.expectedSeq,
    events: [...first.events, ...next.events],
    appends: (first.appends ?? 1) + (next.appends ?? 1),
    record: first.record || next.record ? { ...first.record, ...next.record } : undefined,
    resolve: (stored) => {
      first.resolve(stored.slice(0, first.events.length));
      next.resolve(stored.slice(first.events.length));
    },
    reject: (err) => {
      first.reject(err);
      next.reject(err);
    },
  };
}

/**
 * The batch as the nine parameters of APPEND_BATCH_SQL (ten, with the record patches, for
 * APPEND_BATCH_WITH_RECORD_SQL). Arrays are written as PostgreSQL array
 * literals directly: their elements (UUIDs checked by the caller, integers, NULL) need no quoting,
 * which saves node-postgres escaping every element.
 */
function batchParameters(batch: PendingAppend[], withRecord: boolean): string[] {
  const gameIds: string[] = [];
  const expectedSeqs: number[] = [];
  const newLastSeqs: number[] = [];
  const appendOf: number[] = [];
  const placeIn: number[] = [];
  const types: string[] = [];
  const seats: (number | string)[] = [];
  const ats: number[] = [];
  const datas: string[] = [];
  batch.forEach((append, a) => {
    gameIds.push(append.gameId);
    expectedSeqs.push(append.expectedSeq);
    newLastSeqs.push(append.expectedSeq + append.events.length);
    append.events.forEach((event, n) => {
      appendOf.push(a + 1);
      placeIn.push(n + 1);
      types.push(event.type);
      seats.push(event.seat ?? "NULL");
      ats.push(event.at);
      // Already JSON text, serialized when the append was made.
      datas.push(event.json);
    });
  });
  const literal = (values: (string | number)[]) => `{${values.join(",")}}`;
  const records = withRecord ? [JSON.stringify(batch.map((append) => append.record ?? null))] : [];
  return [
    literal(gameIds),
    literal(expectedSeqs),
    literal(newLastSeqs),
    literal(appendOf),
    literal(placeIn),
    JSON.stringify(types),
    literal(seats),
    literal(ats),
    `[${datas.join(",")}]`,
    ...records,
  ];
}
