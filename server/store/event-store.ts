// The event store: every game is an ordered log of events in PostgreSQL (one row per event,
// (game_id, seq) unique) plus one metadata row, its seat tokens and its share links.
//
// One implementation on `pg`. With a databaseUrl it talks to that server; without one it starts an
// embedded PGlite behind a loopback socket and talks to it with the same code and the same SQL.
// Appends go through the group committer (group-commit.ts); everything else is a plain query.
import { randomBytes, randomInt, randomUUID } from "node:crypto";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import pg from "pg";
import { pino, type Logger } from "pino";
import { borrow, type Borrowed } from "./borrow.ts";
import { EmbeddedPostgres } from "./embedded.ts";
import {
  BadExportError,
  CodeTakenError,
  NotFinishedError,
  StoreError,
  StoreUnavailableError,
  UnknownGameError,
} from "./errors.ts";
import { isGameId } from "../../shared/protocol/index.ts";
import { GroupCommitter, type PreparedEvent } from "./group-commit.ts";
import { migrate } from "./migrate.ts";
import { describeError, isConnectionError, sqlState } from "./pg-errors.ts";
import type {
  AppendOutcome,
  GamePatch,
  GameRecord,
  GameResult,
  GameStatus,
  GolfExport,
  NewEvent,
  NewGame,
  RecordPatch,
  ResolvedShare,
  SeatInfo,
  ShareOptions,
  StoredEvent,
} from "./types.ts";

export interface EventStoreOptions {
  /** A PostgreSQL server. Without it: embedded PGlite in dataDir. */
  databaseUrl?: string;
  /** Where embedded PGlite keeps its files (under `<dataDir>/pglite`); default ./data. */
  dataDir?: string;
  logger?: Logger;
  /**
   * Connections to PostgreSQL (default 10), of which commitConcurrency are the appends' own.
   * Embedded PGlite always uses one, see open().
   */
  poolSize?: number;
  /** Folder of the SQL migrations; default the repository's migrations/. */
  migrationsDir?: string;
  /** Epoch ms; default Date.now. Stamps events, games and share expiry. */
  clock?: () => number;
  /** Group commit: most events per batch (default 500). */
  maxBatchEvents?: number;
  /** Group commit: batches in flight at once (default 2 on PostgreSQL, 1 on PGlite). */
  commitConcurrency?: number;
  /**
   * Tests put a fault proxy between the store and its database: given the database's address
   * (PostgreSQL's, or the embedded PGlite's), it returns the address to use instead.
   */
  via?: (databaseUrl: string) => Promise<string>;
}

// Join codes: docs/protocol.md, The room.
const CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const DAY_MS = 24 * 60 * 60 * 1000;
// A game's row with the head of its log.
const SELECT_GAMES = "SELECT g.*, h.last_seq FROM games AS g JOIN game_heads AS h ON h.game_id = g.id";

interface GameRow {
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
  settings: Record<string, unknown>;
}

interface EventRow {
  seq: number;
  type: string;
  seat: number | null;
  data: unknown;
  at: Date;
}

export class EventStore {
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    /** The group committer's connections: the same pool as `pool` on PGlite. */
    private readonly commitPool: pg.Pool,
    private readonly committer: GroupCommitter,
    /** The embedded database, when there is no PostgreSQL server; tests stop and start its socket. */
    readonly embedded: EmbeddedPostgres | null,
    /** How to reach the database (for the embedded one: its loopback address). */
    readonly connectionString: string,
    private readonly logger: Logger,
    private readonly clock: () => number,
  ) {}

  /** Connects, applies the pending migrations and returns the store. */
  static async open(options: EventStoreOptions = {}): Promise<EventStore> {
    const logger = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? "info" });
    const embeddedMode = !options.databaseUrl;
    // PGlite is one single-threaded backend that pglite-socket shares between connections
    // message by message; one connection keeps the extended-protocol exchanges of different
    // clients from interleaving, and costs nothing since PGlite runs one query at a time anyway.
    const poolSize = embeddedMode ? 1 : Math.max(2, options.poolSize ?? 10);

    let embedded: EmbeddedPostgres | null = null;
    let url = options.databaseUrl;
    if (!url) {
      const dataDir = join(options.dataDir ?? "./data", "pglite");
      try {
        // Room for the pool, the migration runner's own connection and a reconnect in progress.
        embedded = await EmbeddedPostgres.start({ dataDir, maxConnections: poolSize + 2 });
      } catch (err) {
        throw new StoreUnavailableError(`cannot start the embedded database in ${dataDir}: ${describeError(err)}`, { cause: err });
      }
      url = embedded.connectionString;
      logger.info({ dataDir, address: url }, "embedded PGlite started");
    }

    try {
      await migrate(url, { dir: options.migrationsDir, logger });
      if (options.via) url = await options.via(url);
      const newPool = (max: number, name: string) => {
        const created = new pg.Pool({
          connectionString: url,
          max,
          // A database that is down or unreachable fails an operation quickly instead of hanging it.
          connectionTimeoutMillis: 5000,
          idleTimeoutMillis: 30_000,
          keepAlive: true,
          application_name: name,
        });
        // An idle connection that dies emits 'error' on the pool; without a listener that would
        // crash the process. The pool has already discarded the connection.
        created.on("error", (err) => logger.warn({ err: describeError(err) }, "idle database connection lost"));
        return created;
      };
      // On PostgreSQL the appends have connections of their own, so that a burst of other queries
      // (a hundred games starting at once each update their record) never makes a move wait for a
      // connection. PGlite has one connection, which everything shares.
      const concurrency = embeddedMode ? 1 : Math.min(poolSize - 1, options.commitConcurrency ?? 2);
      const pool = newPool(embeddedMode ? poolSize : poolSize - concurrency, "golf-event-store");
      const commitPool = embeddedMode ? pool : newPool(concurrency, "golf-event-store-appends");
      const committer = new GroupCommitter(commitPool, {
        maxBatchEvents: options.maxBatchEvents ?? 500,
        concurrency,
        prepare: !embeddedMode,
        logger,
      });
      return new EventStore(pool, commitPool, committer, embedded, url!, logger, options.clock ?? Date.now);
    } catch (err) {
      await embedded?.close();
      throw err;
    }
  }

  /** Waits for the appends in flight, then releases the connections and stops PGlite. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.committer.idle();
    await this.pool.end();
    if (this.commitPool !== this.pool) await this.commitPool.end();
    await this.embedded?.close();
  }

  /** For health checks: true when the database answers. */
  async ping(): Promise<boolean> {
    try {
      await this.query("ping", "SELECT 1");
      return true;
    } catch {
      return false;
    }
  }

  /** Batches, appends and events committed by the group committer so far. */
  get commitStats(): { batches: number; appends: number; events: number } {
    return { ...this.committer.stats };
  }

  // ---- games -------------------------------------------------------------------------------

  /** Records a new game in the lobby. Throws CodeTakenError when an unfinished game has the code. */
  async createGame(game: NewGame): Promise<void> {
    try {
      await this.query(
        "createGame",
        `WITH game AS (
           INSERT INTO games (id, code, status, is_private, rules, holes, decks, seats, created_at, node, settings)
           VALUES ($1, $2, 'lobby', $3, $4, $5, $6, $7, $8, $9, $10)
           RETURNING id
         )
         INSERT INTO game_heads (game_id, last_seq) SELECT id, 0 FROM game`,
        [
          game.id,
          game.code.toUpperCase(),
          game.private,
          JSON.stringify(game.rules),
          game.holes,
          game.decks,
          JSON.stringify(game.seats),
          new Date(this.clock()),
          game.node ?? null,
          JSON.stringify(game.settings ?? {}),
        ],
      );
    } catch (err) {
      throw this.constraintError(err, game.code.toUpperCase()) ?? err;
    }
  }

  async updateGame(gameId: string, patch: GamePatch): Promise<void> {
    const columns: Record<keyof GamePatch, string> = {
      status: "status",
      rules: "rules",
      holes: "holes",
      decks: "decks",
      seats: "seats",
      private: "is_private",
      node: "node",
    };
    const sets: string[] = [];
    const values: unknown[] = [gameId];
    for (const key of Object.keys(columns) as (keyof GamePatch)[]) {
      if (!(key in patch) || patch[key] === undefined) continue;
      const value = patch[key];
      values.push(key === "rules" || key === "seats" ? JSON.stringify(value) : value);
      sets.push(`${columns[key]} = $${values.length}`);
    }
    this.checkGameId(gameId);
    const sql = sets.length > 0 ? `UPDATE games SET ${sets.join(", ")} WHERE id = $1 RETURNING code` : "SELECT code FROM games WHERE id = $1";
    try {
      const { rowCount } = await this.query("updateGame", sql, values);
      if (rowCount === 0) throw new UnknownGameError(gameId);
    } catch (err) {
      throw this.constraintError(err, null) ?? err;
    }
  }

  /** Ends a game: status finished or abandoned, the ended time (set once), totals and winners. */
  async finish(gameId: string, result: GameResult): Promise<void> {
    this.checkGameId(gameId);
    const { rowCount } = await this.query(
      "finish",
      `UPDATE games SET status = $2, ended_at = COALESCE(ended_at, $3), totals = $4, winners = $5
       WHERE id = $1`,
      [
        gameId,
        result.status,
        new Date(this.clock()),
        result.totals ? JSON.stringify(result.totals) : null,
        result.winners ? JSON.stringify(result.winners) : null,
      ],
    );
    if (rowCount === 0) throw new UnknownGameError(gameId);
  }

  /** A game's metadata, without its events. */
  async game(gameId: string): Promise<GameRecord> {
    this.checkGameId(gameId);
    const { rows } = await this.query<GameRow>("game", `${SELECT_GAMES} WHERE g.id = $1`, [gameId]);
    if (rows.length === 0) throw new UnknownGameError(gameId);
    return toGameRecord(rows[0]!);
  }

  /** The unfinished game with this join code (any letter case), if any. */
  async gameByCode(code: string): Promise<GameRecord | null> {
    const { rows } = await this.query<GameRow>(
      "gameByCode",
      `${SELECT_GAMES} WHERE g.code = $1 AND g.status IN ('lobby', 'running')`,
      [code.toUpperCase()],
    );
    return rows.length > 0 ? toGameRecord(rows[0]!) : null;
  }

  /** Games in the lobby or running (not imported), oldest first: what a restart must recover. */
  async unfinished(): Promise<GameRecord[]> {
    const { rows } = await this.query<GameRow>(
      "unfinished",
      `${SELECT_GAMES} WHERE g.status IN ('lobby', 'running') AND NOT g.imported ORDER BY g.created_at, g.id`,
    );
    return rows.map(toGameRecord);
  }

  // ---- events ------------------------------------------------------------------------------

  /**
   * Appends events to a game's log as seqs expectedSeq+1, expectedSeq+2, ... and resolves once they
   * are committed. Fails with ConflictError when the game's last committed seq is not expectedSeq
   * (a duplicate, a second writer or a gap), UnknownGameError for an unknown game and
   * StoreUnavailableError when the database cannot be reached; in every failure none of the
   * events is stored (see StoreUnavailableError for a connection lost during the commit).
   * An empty list resolves to [] without touching the database. A connection lost after the
   * statement was sent fails with CommitUnknownError: appendOutcome then says whether it committed.
   *
   * `record`: what these events change in the game's record (a start, a seat, the end), written by
   * the same statement, so the record commits with the events or not at all.
   */
  append(gameId: string, events: NewEvent[], expectedSeq: number, record?: RecordPatch): Promise<StoredEvent[]> {
    if (this.closed) return Promise.reject(new StoreError("the event store is closed"));
    let prepared: PreparedEvent[];
    try {
      this.checkGameId(gameId);
      if (!Number.isInteger(expectedSeq) || expectedSeq < 0) {
        throw new RangeError(`expectedSeq must be an integer >= 0, got ${expectedSeq}`);
      }
      const where = (i: number) => `event ${i} of the append to game ${gameId}`;
      prepared = events.map((event, i) => this.prepareEvent(event, i, where));
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
    return ends ? { ...record, endedAt: this.clock() } : { ...record };
  }

  /**
   * Settles an append that failed with CommitUnknownError: whether the log holds exactly `events`
   * right after expectedSeq (the stored events are compared, not just the seq). It locks the game's
   * head row first, so a statement of the lost connection still running is waited for.
   * StoreUnavailableError while the database is still away: ask again later.
   */
  async appendOutcome(gameId: string, expectedSeq: number, events: NewEvent[]): Promise<AppendOutcome> {
    this.checkGameId(gameId);
    return this.transaction("appendOutcome", async (client) => {
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

  /** A game and its whole log. */
  async load(gameId: string): Promise<{ game: GameRecord; events: StoredEvent[] }> {
    this.checkGameId(gameId);
    return this.withClient("load", async (client) => {
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

  /** The events after afterSeq, for a client catching up. */
  async loadSince(gameId: string, afterSeq: number): Promise<StoredEvent[]> {
    this.checkGameId(gameId);
    const { rows } = await this.query<EventRow & { known: boolean }>(
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

  // ---- player tokens -----------------------------------------------------------------------
  // A token names a player (the player id its seatTaken event records), never a seat index: the
  // caller finds the seat whose player id matches, wherever the seat is now.

  /** Stores the hash of a player's token. The caller hashes; the store never sees tokens. */
  async setPlayerToken(gameId: string, playerId: string, tokenHash: string): Promise<void> {
    this.checkGameId(gameId);
    try {
      await this.query(
        "setPlayerToken",
        `INSERT INTO player_tokens (game_id, token_hash, player_id) VALUES ($1, $2, $3)
         ON CONFLICT (game_id, token_hash) DO UPDATE SET player_id = EXCLUDED.player_id`,
        [gameId, tokenHash, playerId],
      );
    } catch (err) {
      if (sqlState(err) === "23503") throw new UnknownGameError(gameId);
      throw err;
    }
  }

  /** The player whose token has this hash, or null. */
  async playerForToken(gameId: string, tokenHash: string): Promise<string | null> {
    this.checkGameId(gameId);
    const { rows } = await this.query<{ player_id: string }>(
      "playerForToken",
      "SELECT player_id FROM player_tokens WHERE game_id = $1 AND token_hash = $2",
      [gameId, tokenHash],
    );
    return rows.length > 0 ? rows[0]!.player_id : null;
  }

  /** Forgets a player's tokens (the player left the lobby). */
  async clearPlayerTokens(gameId: string, playerId: string): Promise<void> {
    this.checkGameId(gameId);
    await this.query("clearPlayerTokens", "DELETE FROM player_tokens WHERE game_id = $1 AND player_id = $2", [gameId, playerId]);
  }

  // ---- seat tokens (games logged before player ids) ------------------------------------------
  // Tokens of old games name a seat index; kept so that those games still take their players back.

  /** Stores (or replaces) the hash of a seat's token. The caller hashes; the store never sees tokens. */
  async setSeatToken(gameId: string, seat: number, tokenHash: string): Promise<void> {
    this.checkGameId(gameId);
    try {
      await this.query(
        "setSeatToken",
        `INSERT INTO seat_tokens (game_id, seat, token_hash) VALUES ($1, $2, $3)
         ON CONFLICT (game_id, seat) DO UPDATE SET token_hash = EXCLUDED.token_hash`,
        [gameId, seat, tokenHash],
      );
    } catch (err) {
      if (sqlState(err) === "23503") throw new UnknownGameError(gameId);
      throw err;
    }
  }

  async clearSeatToken(gameId: string, seat: number): Promise<void> {
    this.checkGameId(gameId);
    await this.query("clearSeatToken", "DELETE FROM seat_tokens WHERE game_id = $1 AND seat = $2", [gameId, seat]);
  }

  /** The seat whose token has this hash, or null. */
  async seatForToken(gameId: string, tokenHash: string): Promise<number | null> {
    this.checkGameId(gameId);
    const { rows } = await this.query<{ seat: number }>(
      "seatForToken",
      "SELECT seat FROM seat_tokens WHERE game_id = $1 AND token_hash = $2",
      [gameId, tokenHash],
    );
    return rows.length > 0 ? rows[0]!.seat : null;
  }

  async seatTokens(gameId: string): Promise<{ seat: number; tokenHash: string }[]> {
    this.checkGameId(gameId);
    const { rows } = await this.query<{ seat: number; token_hash: string }>(
      "seatTokens",
      "SELECT seat, token_hash FROM seat_tokens WHERE game_id = $1 ORDER BY seat",
      [gameId],
    );
    return rows.map((row) => ({ seat: row.seat, tokenHash: row.token_hash }));
  }

  // ---- export and import -------------------------------------------------------------------

  /** A finished (or abandoned) game as a golf-game export; NotFinishedError while it is not. */
  async exportGame(gameId: string): Promise<GolfExport> {
    const { game, events } = await this.load(gameId);
    if (game.status !== "finished" && game.status !== "abandoned") throw new NotFinishedError(gameId, game.status);
    const firstAt = events[0]?.at ?? game.createdAt;
    return {
      format: "golf-game",
      version: 1,
      game: {
        id: game.id,
        code: game.code,
        createdAt: new Date(game.createdAt).toISOString(),
        endedAt: game.endedAt === null ? null : new Date(game.endedAt).toISOString(),
        rules: game.rules,
        holes: game.holes,
        decks: game.decks,
        seats: game.seats.map((seat) => ({ name: seat.name, kind: seat.kind, profile: seat.profile })),
        totals: game.totals ?? [],
        winners: game.winners ?? [],
      },
      events: events.map((event) => ({
        seq: event.seq,
        type: event.type,
        seat: event.seat,
        at: event.at - firstAt,
        data: event.data,
      })),
    };
  }

  /**
   * Stores an export as a new finished game (imported: never recovered, never blocking a code) with
   * a fresh id and code, all in one transaction. The caller has checked its shape (readExport in
   * shared/protocol) and replayed its events through the engine; BadExportError for data that
   * cannot be stored.
   */
  async importGame(doc: GolfExport, options: { hash?: string } = {}): Promise<string> {
    const gameId = randomUUID();
    const createdAt = Date.parse(doc.game.createdAt);
    // The export keeps times relative to the first event; anchor them at the game's creation.
    const events = doc.events.map((event, i) =>
      this.prepareEvent({ type: event.type, seat: event.seat, data: event.data, at: createdAt + event.at }, i, (n) => `events.${n}`, BadExportError),
    );
    await this.transaction("importGame", async (client) => {
      const code = await freshCode(client);
      await client.query(
        `WITH game AS (
           INSERT INTO games (id, code, status, is_private, rules, holes, decks, seats, created_at, ended_at,
                              totals, winners, imported, import_hash)
           VALUES ($1, $2, 'finished', false, $3, $4, $5, $6, $7, $8, $9, $10, true, $12)
           RETURNING id
         )
         INSERT INTO game_heads (game_id, last_seq) SELECT id, $11 FROM game`,
        [
          gameId,
          code,
          JSON.stringify(doc.game.rules),
          doc.game.holes,
          doc.game.decks,
          JSON.stringify(doc.game.seats),
          new Date(createdAt),
          doc.game.endedAt === null ? null : new Date(doc.game.endedAt),
          JSON.stringify(doc.game.totals),
          JSON.stringify(doc.game.winners),
          events.length,
          options.hash ?? null,
        ],
      );
      await client.query(
        `INSERT INTO game_events (game_id, seq, type, seat, data, at)
         SELECT $1, e.seq, e.type, e.seat, e.data, e.at
         FROM unnest($2::int[], $3::text[], $4::smallint[], $5::jsonb[], $6::timestamptz[]) AS e(seq, type, seat, data, at)`,
        [
          gameId,
          events.map((_, i) => i + 1),
          events.map((event) => event.type),
          events.map((event) => event.seat),
          events.map((event) => event.json),
          events.map((event) => new Date(event.at).toISOString()),
        ],
      );
    });
    return gameId;
  }

  /** The imported game whose log has this hash (see importGame's `hash`), or null. */
  async findImport(hash: string): Promise<string | null> {
    const { rows } = await this.query<{ id: string }>("findImport", "SELECT id FROM games WHERE import_hash = $1", [hash]);
    return rows[0]?.id ?? null;
  }

  // ---- share links -------------------------------------------------------------------------

  /** A public link code to a finished game's replay, valid expiresDays (1..365, default 30). */
  async createShare(gameId: string, options: ShareOptions = {}): Promise<{ code: string; expiresAt: number }> {
    const expiresDays = options.expiresDays ?? 30;
    if (!Number.isInteger(expiresDays) || expiresDays < 1 || expiresDays > 365) {
      throw new RangeError(`expiresDays must be an integer from 1 to 365, got ${expiresDays}`);
    }
    const game = await this.game(gameId);
    if (game.status !== "finished" && game.status !== "abandoned") throw new NotFinishedError(gameId, game.status);
    const title = options.title?.trim() || defaultTitle(game);
    const now = this.clock();
    const expiresAt = now + expiresDays * DAY_MS;
    // 9 random bytes: 12 url-safe characters, too many to guess.
    const code = randomBytes(9).toString("base64url");
    await this.query(
      "createShare",
      "INSERT INTO shares (code, game_id, title, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
      [code, gameId, title, new Date(now), new Date(expiresAt)],
    );
    return { code, expiresAt };
  }

  /** The shared game and its view count (this view included), or null once expired or unknown. */
  async resolveShare(code: string, options: { count?: boolean } = {}): Promise<ResolvedShare | null> {
    const { rows } = await this.query<{ game_id: string; title: string; views: number }>(
      "resolveShare",
      // One statement: concurrent views each count once. `count: false` reads without counting.
      options.count === false
        ? "SELECT game_id, title, views FROM shares WHERE code = $1 AND expires_at > $2"
        : "UPDATE shares SET views = views + 1 WHERE code = $1 AND expires_at > $2 RETURNING game_id, title, views",
      [code, new Date(this.clock())],
    );
    if (rows.length === 0) return null;
    const row = rows[0]!;
    return { title: row.title, views: row.views, export: await this.exportGame(row.game_id) };
  }

  // ---- plumbing ----------------------------------------------------------------------------

  private checkGameId(gameId: string): void {
    // Not a uuid, so not a game; checked here because a malformed uuid in a batch would fail the
    // whole batch in PostgreSQL.
    if (!isGameId(gameId)) throw new UnknownGameError(String(gameId));
  }

  /**
   * Checks one event and serializes its data, so that nothing in a batch can make PostgreSQL
   * refuse the statement (which would fail the other appends of the batch too).
   */
  private prepareEvent(
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

  /** Turns a unique or foreign-key violation of a game write into a typed error. */
  private constraintError(err: unknown, code: string | null): Error | null {
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

  private async withClient<T>(what: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
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

  private query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    what: string,
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>> {
    return this.withClient(what, (client) => client.query<R>(text, values));
  }

  private transaction<T>(what: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
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
}

function toGameRecord(row: GameRow): GameRecord {
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
    settings: row.settings ?? {},
  };
}

/** A value as it comes back from jsonb (no undefined members, -0 as 0, ...), for comparing. */
function normalJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value) ?? "null");
}

function toStoredEvent(row: EventRow): StoredEvent {
  return { seq: row.seq, type: row.type, seat: row.seat, data: row.data, at: row.at.getTime() };
}

function randomCode(): string {
  let code = "";
  for (let i = 0; i < 5; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** A join code no game uses yet (imported games do not block codes, but a fresh one avoids confusion). */
async function freshCode(client: pg.PoolClient): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const code = randomCode();
    const { rowCount } = await client.query("SELECT 1 FROM games WHERE code = $1", [code]);
    if (rowCount === 0) return code;
  }
  throw new StoreError("could not find a free game code in 20 attempts");
}

function defaultTitle(game: GameRecord): string {
  const names = game.seats.filter((seat) => seat.kind !== "empty").map((seat) => seat.name);
  return names.length > 0 ? `Six-Card Golf: ${names.join(" vs ")}` : `Six-Card Golf game ${game.code}`;
}
