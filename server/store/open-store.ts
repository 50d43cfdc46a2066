// Opening the store: one connection pool to PostgreSQL, or without a databaseUrl an embedded PGlite
// behind a loopback socket reached through the same `pg` code and the same SQL; the pending
// migrations applied; and every part (log, games, tokens, exports, shares, results, stats) built on that pool.
import { join } from "node:path";
import pg from "pg";
import { pino, type Logger } from "pino";
import { Database } from "./database.ts";
import { EmbeddedPostgres } from "./embedded.ts";
import { StoreUnavailableError } from "./errors.ts";
import { PgEventLog } from "./event-log.ts";
import { PgGameExports } from "./game-exports.ts";
import { PgGameRecords } from "./game-records.ts";
import { GroupCommitter } from "./group-commit.ts";
import { migrate } from "./migrate.ts";
import { describeError } from "./pg-errors.ts";
import { PgSeatTokens } from "./seat-tokens.ts";
import { PgResults } from "./results.ts";
import { PgShares } from "./shares.ts";
import { PgStatsReads } from "./stats-reads.ts";
import { PgAccounts } from "./accounts.ts";
import type { Store } from "./types.ts";

export interface StoreOptions {
  /** A PostgreSQL server. Without it: embedded PGlite in dataDir. */
  databaseUrl?: string;
  /** Where embedded PGlite keeps its files (under `<dataDir>/pglite`); default ./data. */
  dataDir?: string;
  logger?: Logger;
  /**
   * Connections to PostgreSQL (default 10), of which commitConcurrency are the appends' own.
   * Embedded PGlite always uses one, see openStore().
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

/** Connects, applies the pending migrations and returns the store. */
export async function openStore(options: StoreOptions = {}): Promise<Store> {
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
    // never makes a move wait for a connection. PGlite has one connection, which everything shares.
    const concurrency = embeddedMode ? 1 : Math.min(poolSize - 1, options.commitConcurrency ?? 2);
    const pool = newPool(embeddedMode ? poolSize : poolSize - concurrency, "golf-event-store");
    const commitPool = embeddedMode ? pool : newPool(concurrency, "golf-event-store-appends");
    const committer = new GroupCommitter(commitPool, {
      maxBatchEvents: options.maxBatchEvents ?? 500,
      concurrency,
      prepare: !embeddedMode,
      logger,
    });
    return new PgStore(new Database(pool, logger, options.clock ?? Date.now), pool, commitPool, committer, embedded, url!);
  } catch (err) {
    await embedded?.close();
    throw err;
  }
}

class PgStore implements Store {
  readonly log: PgEventLog;
  readonly games: PgGameRecords;
  readonly tokens: PgSeatTokens;
  readonly exports: PgGameExports;
  readonly shares: PgShares;
  readonly results: PgResults;
  readonly stats: PgStatsReads;
  readonly accounts: PgAccounts;

  constructor(
    private readonly db: Database,
    private readonly pool: pg.Pool,
    /** The group committer's connections: the same pool as `pool` on PGlite. */
    private readonly commitPool: pg.Pool,
    private readonly committer: GroupCommitter,
    readonly embedded: EmbeddedPostgres | null,
    readonly connectionString: string,
  ) {
    this.log = new PgEventLog(db, committer);
    this.games = new PgGameRecords(db);
    this.tokens = new PgSeatTokens(db);
    this.exports = new PgGameExports(db, this.log);
    this.shares = new PgShares(db, this.games, this.exports);
    this.results = new PgResults(db);
    this.stats = new PgStatsReads(db);
    this.accounts = new PgAccounts(db);
  }

  async close(): Promise<void> {
    if (this.db.closed) return;
    this.db.closed = true;
    await this.committer.idle();
    await this.pool.end();
    if (this.commitPool !== this.pool) await this.commitPool.end();
    await this.embedded?.close();
  }

  async ping(): Promise<boolean> {
    try {
      await this.db.query("ping", "SELECT 1");
      return true;
    } catch {
      return false;
    }
  }
}
