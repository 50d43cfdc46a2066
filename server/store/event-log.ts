// The event log on PostgreSQL: one row per event, (game_id, seq) unique, and a head row per game
// holding its last seq. Appends go through the group committer (group-commit.ts); reads are plain
// queries.
import { isDeepStrictEqual } from "node:util";
import { checkGameId, SELECT_GAMES, toGameRecord, toStoredEvent, type Database, type EventRow, type GameRow } from "./database.ts";
import { StoreError, UnknownGameError } from "./errors.ts";
import type { GroupCommitter, PreparedEvent } from "./group-commit.ts";
import type { AppendOutcome, EventLog, GameRecord, NewEvent, RecordPatch, StoredEvent } from "./types.ts";

export class PgEventLog implements EventLog {
  constructor(
    private readonly db: Database,
    private readonly committer: GroupCommitter,
  ) {}

  get commitStats(): { batches: number; appends: number; events: number } {
    return { ...this.committer.stats };
  }

  append(gameId: string, events: NewEvent[], expectedSeq: number, record?: RecordPatch): Promise<StoredEvent[]> {
    if (this.db.closed) return Promise.reject(new StoreError("the event store is closed"));
    let prepared: PreparedEvent[];
    try {
      checkGameId(gameId);
      if (!Number.isInteger(expectedSeq) || expectedSeq < 0) {
        throw new RangeError(`expectedSeq must be an integer >= 0, got ${expectedSeq}`);
      }
      prepared = events.map((event, i) => this.db.prepareEvent(event, i, (n) => `event ${n} of the append to game ${gameId}`));
    } catch (err) {
      return Promise.reject(err);
    }
    if (prepared.length === 0) return Promise.resolve([]);
    // The committer tells games apart by their id text, as PostgreSQL writes it: lower case.
    const id = /[A-F]/.test(gameId) ? gameId.toLowerCase() : gameId;
    return new Promise((resolve, reject) => {
      this.committer.submit({ gameId: id, expectedSeq, events: prepared, record: record && this.recordJson(record), resolve, reject });
    });
  }

  /** A record patch as the committer writes it: an ending status stamps the ended time. */
  private recordJson(record: RecordPatch): Record<string, unknown> {
    const ends = record.status === "finished" || record.status === "abandoned";
    return ends ? { ...record, endedAt: this.db.clock() } : { ...record };
  }

  async appendOutcome(gameId: string, expectedSeq: number, events: NewEvent[]): Promise<AppendOutcome> {
    checkGameId(gameId);
    return this.db.transaction("appendOutcome", async (client) => {
      // Locking the head row waits for a statement of the lost connection that is still running.
      const head = await client.query<{ last_seq: number }>("SELECT last_seq FROM game_heads WHERE game_id = $1 FOR UPDATE", [gameId]);
      if (head.rows.length === 0) throw new UnknownGameError(gameId);
      const lastSeq = head.rows[0]!.last_seq;
      if (lastSeq < expectedSeq + events.length) return { committed: false, lastSeq };
      const { rows } = await client.query<EventRow>(
        "SELECT seq, type, seat, data, at FROM game_events WHERE game_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq",
        [gameId, expectedSeq, expectedSeq + events.length],
      );
      const committed =
        rows.length === events.length &&
        rows.every((row, i) => row.type === events[i]!.type && row.seat === events[i]!.seat && isDeepStrictEqual(row.data, normalJson(events[i]!.data)));
      return { committed, lastSeq };
    });
  }

  async load(gameId: string): Promise<{ game: GameRecord; events: StoredEvent[] }> {
    checkGameId(gameId);
    return this.db.withClient("load", async (client) => {
      const games = await client.query<GameRow>(`${SELECT_GAMES} WHERE g.id = $1`, [gameId]);
      if (games.rows.length === 0) throw new UnknownGameError(gameId);
      const game = toGameRecord(games.rows[0]!);
      // Events and their head commit together, so the events up to the last_seq just read form the
      // log as of that read, even if an append commits in between.
      const events = await client.query<EventRow>(
        "SELECT seq, type, seat, data, at FROM game_events WHERE game_id = $1 AND seq <= $2 ORDER BY seq",
        [gameId, game.lastSeq],
      );
      return { game, events: events.rows.map(toStoredEvent) };
    });
  }

  async loadSince(gameId: string, afterSeq: number): Promise<StoredEvent[]> {
    checkGameId(gameId);
    const { rows } = await this.db.query<EventRow & { known: boolean }>(
      "loadSince",
      // The outer join tells an unknown game from a game with nothing new.
      `SELECT e.seq, e.type, e.seat, e.data, e.at, g.id IS NOT NULL AS known
       FROM (SELECT 1) AS one
       LEFT JOIN games AS g ON g.id = $1
       LEFT JOIN game_events AS e ON e.game_id = g.id AND e.seq > $2
       ORDER BY e.seq`,
      [gameId, afterSeq],
    );
    if (!rows[0]?.known) throw new UnknownGameError(gameId);
    return rows.filter((row) => row.seq !== null).map(toStoredEvent);
  }
}

/** A value as it comes back from jsonb (no undefined members, -0 as 0, ...), for comparing. */
function normalJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value) ?? "null");
}
