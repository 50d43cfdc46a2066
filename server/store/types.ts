// The store's parts, one interface per concern, and the shapes they read and write. The game server
// codes against these names; open-store.ts builds the one implementation (PostgreSQL through `pg`).
import type { EmbeddedPostgres } from "./embedded.ts";
import type { GolfExport } from "../../shared/protocol/index.ts";
import type { PlayerStats } from "../stats/tally.ts";

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
  /** True for games brought in by GameExports.importGame: finished, never recovered, never blocking a code. */
  imported: boolean;
  /** The user who imported it (imports from before owners were kept: null). */
  importedBy: string | null;
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

/** What the log says of an append whose commit was not confirmed (EventLog.appendOutcome). */
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

// ---- the store's parts ---------------------------------------------------------------------
// Every game id must be a UUID: any other string is an unknown game (UnknownGameError). Every
// method fails with StoreUnavailableError when the database cannot be reached.

/** Each game's ordered log of events, and the record that commits with it. */
export interface EventLog {
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
  append(gameId: string, events: NewEvent[], expectedSeq: number, record?: RecordPatch): Promise<StoredEvent[]>;
  /**
   * Settles an append that failed with CommitUnknownError: whether the log holds exactly `events`
   * right after expectedSeq (the stored events are compared, not just the seq). It waits for a
   * statement of the lost connection that is still running. StoreUnavailableError while the
   * database is still away: ask again later.
   */
  appendOutcome(gameId: string, expectedSeq: number, events: NewEvent[]): Promise<AppendOutcome>;
  /** A game and its whole log. */
  load(gameId: string): Promise<{ game: GameRecord; events: StoredEvent[] }>;
  /** The events after afterSeq, for a client catching up. */
  loadSince(gameId: string, afterSeq: number): Promise<StoredEvent[]>;
  /** Batches, appends and events committed together so far (served at /metrics). */
  readonly commitStats: { batches: number; appends: number; events: number };
}

/** Each game's metadata row: its code, status, seats, result and the node hosting it. */
export interface GameRecords {
  /** Records a new game in the lobby. Throws CodeTakenError when an unfinished game has the code. */
  create(game: NewGame): Promise<void>;
  update(gameId: string, patch: GamePatch): Promise<void>;
  /** Ends a game: status finished or abandoned, the ended time (set once), totals and winners. */
  finish(gameId: string, result: GameResult): Promise<void>;
  /** A game's record, without its events. */
  get(gameId: string): Promise<GameRecord>;
  /** The unfinished game with this join code (any letter case), if any. */
  byCode(code: string): Promise<GameRecord | null>;
  /**
   * Whether the user is one of the game's players: seated in it signed in (its log's seatTaken
   * events name the user), or for an imported game, its importer.
   */
  isPlayer(gameId: string, userId: string): Promise<boolean>;
  /** Games in the lobby or running (not imported), oldest first: what a restart must recover. */
  unfinished(): Promise<GameRecord[]>;
}

/**
 * The hashes of the tokens that let a player take their seat back. The caller hashes; the store
 * never sees a token.
 */
export interface SeatTokens {
  /**
   * Stores the hash of a player's token. A token names a player (the player id its seatTaken
   * event records), never a seat index: the caller finds the seat whose player id matches,
   * wherever the seat is now.
   */
  setPlayerToken(gameId: string, playerId: string, tokenHash: string): Promise<void>;
  /** The player whose token has this hash, or null. */
  playerForToken(gameId: string, tokenHash: string): Promise<string | null>;
  /** Forgets a player's tokens (the player left the lobby). */
  clearPlayerTokens(gameId: string, playerId: string): Promise<void>;

  // Tokens of games logged before player ids name a seat index: kept so that those games still
  // take their players back.
  /** Stores (or replaces) the hash of a seat's token. */
  setSeatToken(gameId: string, seat: number, tokenHash: string): Promise<void>;
  clearSeatToken(gameId: string, seat: number): Promise<void>;
  /** The seat whose token has this hash, or null. */
  seatForToken(gameId: string, tokenHash: string): Promise<number | null>;
  seatTokens(gameId: string): Promise<{ seat: number; tokenHash: string }[]>;
}

/** Finished games as golf-game documents, out and in. */
export interface GameExports {
  /** A finished (or abandoned) game as a golf-game export; NotFinishedError while it is not. */
  exportGame(gameId: string): Promise<GolfExport>;
  /**
   * Stores an export as a new finished game (imported: never recovered, never blocking a code) with
   * a fresh id and code, all in one transaction, and returns its id. Checks the shape only
   * (BadExportError); the caller has replayed the events through the engine. `hash`: what
   * findImport finds it by; `importedBy`: the user it belongs to.
   */
  importGame(doc: GolfExport, options?: { hash?: string; importedBy?: string }): Promise<string>;
  /** The game `importedBy` imported whose log has this hash (see importGame's `hash`), or null. */
  findImport(hash: string, importedBy: string): Promise<string | null>;
}

/** Public links to a finished game's replay. */
export interface Shares {
  /** A link code to a finished game's replay, valid expiresDays (1..365, default 30). */
  create(gameId: string, options?: ShareOptions): Promise<{ code: string; expiresAt: number }>;
  /**
   * The shared game and its view count (this view included), or null once expired or unknown.
   * `count: false` reads without counting the view.
   */
  resolve(code: string, options?: { count?: boolean }): Promise<ResolvedShare | null>;
}

/** A user as the store keeps it: a guest, a registered player, or a deleted account. Times are epoch ms. */
export interface UserRecord {
  id: string;
  /** What a guest typed, a registered player's username, or "Deleted player". */
  name: string;
  username: string | null;
  email: string | null;
  /** The scrypt hash (`scrypt$salt$hash`); never leaves the server. */
  passwordHash: string | null;
  guest: boolean;
  createdAt: number;
  confirmedAt: number | null;
  admin: boolean;
  /** Set while banned: since when, why, until when (null: no end). */
  ban: { reason: string; since: number; until: number | null } | null;
  deletedAt: number | null;
}

/** A session as the store keeps it (session tokens name its id). */
export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

/** What registration writes: a new account, or the guest `guestId` upgraded in place. */
export interface NewAccount {
  username: string;
  email: string;
  passwordHash: string;
}

/**
 * Users, their sessions, the JWT secret and the guests merged into accounts (docs/accounts.md).
 * Usernames and emails are unique ignoring case: a write that would repeat one throws
 * UsernameTakenError or EmailTakenError and changes nothing.
 */
export interface Accounts {
  /** The secret named `name`, made by `generate` and kept the first time any node asks. */
  secret(name: string, generate: () => string): Promise<string>;

  createGuest(id: string, name: string): Promise<UserRecord>;
  /** A new registered account. */
  createAccount(id: string, account: NewAccount): Promise<UserRecord>;
  /** The guest `guestId` becomes a registered account, same id; null if it is not a live guest any more. */
  upgradeGuest(guestId: string, account: NewAccount): Promise<UserRecord | null>;
  /** A live (not deleted) user by id, email or username (the last two ignoring case). */
  byId(id: string): Promise<UserRecord | null>;
  byEmail(email: string): Promise<UserRecord | null>;
  byUsername(username: string): Promise<UserRecord | null>;
  setPasswordHash(userId: string, passwordHash: string): Promise<void>;
  /** Marks the account with this email confirmed (once); false when there is none. */
  confirmEmail(email: string): Promise<boolean>;
  setAdmin(userId: string, admin: boolean): Promise<void>;
  /** Bans (reason, until: null for no end) or lifts the ban (null), and revokes every session when banning. */
  setBan(userId: string, ban: { reason: string; until: number | null } | null): Promise<void>;
  /** Deletes an account: its name becomes anonymous, its email, username and password go, its sessions end; its games stay. */
  deleteUser(userId: string, anonymousName: string): Promise<void>;
  /** How many games the user took a seat in (as a signed-in player). */
  gameCount(userId: string): Promise<number>;
  /**
   * Records that the guest `fromId` is merged into `intoId` (its games count for the account) and
   * deletes the guest (its sessions end). False, and nothing written, when `fromId` is not a live guest.
   */
  mergeGuest(fromId: string, intoId: string): Promise<boolean>;
  /** The guests merged into `userId`. */
  mergedInto(userId: string): Promise<string[]>;
  /** Deletes the guests created before `before` (epoch ms) who never took a seat; how many. */
  pruneGuests(before: number): Promise<number>;

  createSession(id: string, userId: string, expiresAt: number): Promise<SessionRecord>;
  session(id: string): Promise<SessionRecord | null>;
  /** Moves a live session's expiry to `expiresAt` (never back). */
  extendSession(id: string, expiresAt: number): Promise<void>;
  revokeSession(id: string): Promise<void>;
  /** Revokes every live session of the user but `exceptId`; how many. */
  revokeSessions(userId: string, exceptId?: string): Promise<number>;
}

/** The parts on one database connection pool, and that pool's lifetime (openStore). */
export interface Store {
  log: EventLog;
  games: GameRecords;
  tokens: SeatTokens;
  exports: GameExports;
  shares: Shares;
  results: Results;
  stats: StatsReads;
  accounts: Accounts;
  /** For health checks: true when the database answers. */
  ping(): Promise<boolean>;
  /** Waits for the appends in flight, then releases the connections and stops the embedded database. */
  close(): Promise<void>;
  /** How to reach the database (for the embedded one: its loopback address). */
  readonly connectionString: string;
  /** The embedded database, when there is no PostgreSQL server; tests stop and start its socket. */
  readonly embedded: EmbeddedPostgres | null;
}

// ---- results, stats and ratings (docs/stats.md) ------------------------------------------------

/** A finished game's result, applied: its place in the stored order. */
export interface AppliedResult {
  gameId: string;
  resultSeq: number;
  /** The users it counted for. */
  userIds: string[];
  /** Set when the game counted for nobody because its log is not a finished game's (it keeps its place). */
  problem?: string;
}

/** Applies finished games' results, once each, in the order games ended (server/stats/recorder.ts drives it). */
export interface Results {
  /**
   * Applies the result of the earliest finished game not yet applied, in one transaction that also
   * stores its place in the order (games.result_seq). Every node may call it at once: an advisory
   * lock makes them take turns. null when no finished game is waiting.
   */
  applyNext(): Promise<AppliedResult | null>;
  /**
   * As applyNext, for the next `maxGames` waiting games at most, in order, in one transaction: each
   * game's result commits with its place in the order, as a whole. [] when none waits.
   */
  applyBatch(maxGames: number): Promise<AppliedResult[]>;
  /**
   * A guest merged into an account: records it in user_merges (unless already there), moves the
   * guest's results to the account and folds the account's stats again from its results. The
   * guest's own rating and rating history are dropped; the account keeps its rating. Applied once:
   * a second call changes nothing.
   */
  applyMerge(fromUserId: string, intoUserId: string): Promise<void>;
  /**
   * Applies the merges recorded in user_merges (by the accounts' mergeGuest) that are not applied
   * yet, oldest first, each as applyMerge does; how many.
   */
  applyPendingMerges(): Promise<number>;
  /**
   * Empties every results, stats, rating and history table and applies every game again in the
   * stored order, and every applied merge at its place in that order, in one transaction: the tables
   * come back as the nodes wrote them.
   */
  rebuild(onProgress?: (games: number) => void): Promise<{ games: number; merges: number }>;
}

export type { PlayerStats, StatsScope } from "../stats/tally.ts";

export type LeaderboardMetric = "rating" | "wins" | "meanHoleScore" | "games";
export type LeaderboardPeriod = "all" | "month" | "week";

export interface LeaderboardRow {
  /** 1 + the number of rows with a better value (tied rows share a rank). */
  rank: number;
  userId: string;
  /** The rating, wins, mean hole score or games. */
  value: number;
  /** Ranked games in the period. */
  games: number;
}

export interface LeaderboardPage {
  rows: LeaderboardRow[];
  /** The cursor of the next page; null on the last. */
  next: string | null;
}

export interface LeaderboardQuery {
  metric: LeaderboardMetric;
  period: LeaderboardPeriod;
  /** The period that holds this moment (epoch ms; default now). */
  at?: number;
}

export interface RatingInfo {
  /** The displayed rating; null while unrated (fewer than 5 ranked games). */
  rating: number | null;
  /** Ranked games rated. */
  games: number;
  mu: number;
  sigma: number;
}

export interface UserStats {
  all: PlayerStats;
  ranked: PlayerStats;
  /** null before the first ranked game. */
  rating: RatingInfo | null;
}

export interface RatingPoint {
  gameId: string;
  resultSeq: number;
  /** Epoch ms. */
  at: number;
  rating: number;
}

export interface UserGame {
  gameId: string;
  code: string;
  status: GameStatus;
  seats: SeatInfo[];
  /** Epoch ms: when the game ended, or for an active game when the user took the seat. */
  at: number;
  /** Finished games only. */
  result: { place: number; players: number; won: boolean; total: number; ranked: boolean } | null;
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export interface UserGamesPage {
  cursor?: string | null;
  limit?: number;
  /** Public games only (a profile shown to others); default all of the user's games. */
  publicOnly?: boolean;
}

/** What the leaderboards, /api/me and the profiles read. Every cursor is opaque; a bad one throws BadQueryError. */
export interface StatsReads {
  leaderboard(query: LeaderboardQuery, page?: { cursor?: string | null; limit?: number }): Promise<LeaderboardPage>;
  /** A user's own row on a board, with its rank; null when the user is not on it. */
  standing(query: LeaderboardQuery, userId: string): Promise<LeaderboardRow | null>;
  userStats(userId: string): Promise<UserStats>;
  /** A user's rating after each ranked game, newest first. */
  ratingHistory(userId: string, page?: { cursor?: string | null; limit?: number }): Promise<Page<RatingPoint>>;
  /** A user's games, newest first: active (lobby or running) or finished (results applied). */
  userGames(userId: string, status: "active" | "finished", page?: UserGamesPage): Promise<Page<UserGame>>;
  /** The name of each of these users that exists (deleted accounts: their anonymous name). */
  names(userIds: readonly string[]): Promise<Map<string, string>>;
  /** The displayed rating of each user (0 while unrated or unknown), for Seat.rating at a game's start. */
  ratingsFor(userIds: readonly string[]): Promise<Map<string, number>>;
}
