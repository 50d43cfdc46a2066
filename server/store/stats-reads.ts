// What the leaderboards, /api/me and the profiles read. Every list is a keyset walk of an index in
// the list's own order (no OFFSET): a cursor is the last row's key, plus for leaderboards its rank.
import { isGameId } from "../../shared/protocol/index.ts";
import { RATED_AFTER_GAMES, displayRating } from "../stats/ratings.ts";
import { EMPTY_STATS, periodKey } from "../stats/tally.ts";
import type { Database, GameRow } from "./database.ts";
import { BadQueryError } from "./errors.ts";
import { STATS_COLUMNS, toPlayerStats } from "./result-writes.ts";
import type { LeaderboardPage, LeaderboardQuery, LeaderboardRow, Page, RatingPoint, StatsReads, UserGame, UserGamesPage, UserStats } from "./types.ts";

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 100;

/** Where each board reads: its table, value, order (best first) and who is on it. */
interface Board {
  table: string;
  /** The column the board orders by, then by `id` the same way. */
  value: string;
  id: string;
  /** "desc": higher is better. */
  order: "asc" | "desc";
  /** Who is on it, beside the period. */
  where: string;
}

const BOARDS: Record<LeaderboardQuery["metric"], Board> = {
  rating: { table: "ratings", value: "rating", id: "player", order: "desc", where: `listed AND games >= ${RATED_AFTER_GAMES}` },
  wins: { table: "period_stats", value: "wins", id: "user_id", order: "desc", where: "listed AND period = $1" },
  games: { table: "period_stats", value: "games", id: "user_id", order: "desc", where: "listed AND period = $1" },
  meanHoleScore: { table: "period_stats", value: "mean_hole_score", id: "user_id", order: "asc", where: "listed AND period = $1 AND holes >= 36" },
};

interface BoardCursor {
  value: number;
  id: string;
  rank: number;
  position: number;
}

export class PgStatsReads implements StatsReads {
  constructor(private readonly db: Database) {}

  async leaderboard(query: LeaderboardQuery, page: { cursor?: string | null; limit?: number } = {}): Promise<LeaderboardPage> {
    const { board, params } = boardFor(query);
    const limit = pageSize(page.limit);
    const after = page.cursor ? decodeCursor<BoardCursor>(page.cursor, isBoardCursor) : null;
    const comparison = board.order === "desc" ? "<" : ">";
    const direction = board.order === "desc" ? "DESC" : "ASC";
    const n = params.length;
    const { rows } = await this.db.query<{ id: string; user_id: string; value: number; games: number }>(
      "leaderboard",
      `SELECT ${board.id} AS id, user_id, ${board.value} AS value, games FROM ${board.table}
       WHERE ${board.where} ${after ? `AND (${board.value}, ${board.id}) ${comparison} ($${n + 1}, $${n + 2})` : ""}
       ORDER BY ${board.value} ${direction}, ${board.id} ${direction} LIMIT ${limit + 1}`,
      after ? [...params, after.value, after.id] : params,
    );
    const result: LeaderboardRow[] = [];
    let previous = after;
    for (const row of rows.slice(0, limit)) {
      const position = (previous?.position ?? 0) + 1;
      const rank = previous && previous.value === row.value ? previous.rank : position;
      result.push({ rank, userId: row.user_id, value: row.value, games: row.games });
      previous = { value: row.value, id: row.id, rank, position };
    }
    return { rows: result, next: rows.length > limit && previous ? encodeCursor(previous) : null };
  }

  async standing(query: LeaderboardQuery, userId: string): Promise<LeaderboardRow | null> {
    checkUserId(userId);
    const { board, params } = boardFor(query);
    const n = params.length;
    const mine = await this.db.query<{ value: number; games: number }>(
      "standing",
      `SELECT ${board.value} AS value, games FROM ${board.table} WHERE ${board.where} AND ${board.id} = $${n + 1}`,
      [...params, board.id === "player" ? userId.toLowerCase() : userId],
    );
    const row = mine.rows[0];
    if (!row) return null;
    // The rows ahead, from the board's counts per value (board_counts, kept by triggers); the mean
    // hole score's counts are by tenths, so the rows ahead within its own tenth are counted too.
    const ahead = await this.db.query<{ count: string }>(
      "standing",
      query.metric === "meanHoleScore"
        ? `SELECT (SELECT coalesce(sum(n), 0) FROM board_counts WHERE board = 'meanHoleScore' AND period = $1 AND value < mean_bucket($2))
             + (SELECT count(*) FROM period_stats WHERE listed AND period = $1 AND holes >= 36
                  AND mean_hole_score >= mean_bucket($2) - 0.1 AND mean_hole_score < $2 AND mean_bucket(mean_hole_score) = mean_bucket($2)) AS count`
        : `SELECT coalesce(sum(n), 0) AS count FROM board_counts WHERE board = $1 AND period = $2 AND value > $3`,
      query.metric === "meanHoleScore" ? [params[0], row.value] : [query.metric, params[0] ?? "all", row.value],
    );
    return { rank: Number(ahead.rows[0]!.count) + 1, userId: userId.toLowerCase(), value: row.value, games: row.games };
  }

  async userStats(userId: string): Promise<UserStats> {
    checkUserId(userId);
    return this.db.withClient("userStats", async (client) => {
      const stats = await client.query(`SELECT scope, ${STATS_COLUMNS} FROM player_stats WHERE user_id = $1`, [userId]);
      const byScope = new Map(stats.rows.map((row) => [row.scope as string, toPlayerStats(row)]));
      const rating = await client.query<{ mu: number; sigma: number; games: number }>("SELECT mu, sigma, games FROM ratings WHERE player = $1", [userId.toLowerCase()]);
      const skill = rating.rows[0];
      return {
        all: byScope.get("all") ?? { ...EMPTY_STATS },
        ranked: byScope.get("ranked") ?? { ...EMPTY_STATS },
        rating: skill ? { rating: skill.games >= RATED_AFTER_GAMES ? displayRating(skill) : null, games: skill.games, mu: skill.mu, sigma: skill.sigma } : null,
      };
    });
  }

  async ratingHistory(userId: string, page: { cursor?: string | null; limit?: number } = {}): Promise<Page<RatingPoint>> {
    checkUserId(userId);
    const limit = pageSize(page.limit);
    const before = page.cursor ? decodeCursor<number>(page.cursor, (value) => Number.isSafeInteger(value) && (value as number) > 0) : null;
    const { rows } = await this.db.query<{ game_id: string; result_seq: string; ended_at: Date; rating: number }>(
      "ratingHistory",
      `SELECT game_id, result_seq, ended_at, rating FROM rating_history WHERE player = $1 ${before === null ? "" : "AND result_seq < $2"}
       ORDER BY result_seq DESC LIMIT ${limit + 1}`,
      before === null ? [userId.toLowerCase()] : [userId.toLowerCase(), before],
    );
    const items = rows.slice(0, limit).map((row) => ({ gameId: row.game_id, resultSeq: Number(row.result_seq), at: row.ended_at.getTime(), rating: row.rating }));
    return { items, next: rows.length > limit ? encodeCursor(items.at(-1)!.resultSeq) : null };
  }

  async userGames(userId: string, status: "active" | "finished", page: UserGamesPage = {}): Promise<Page<UserGame>> {
    checkUserId(userId);
    const limit = pageSize(page.limit);
    return status === "finished" ? this.finishedGames(userId, limit, page) : this.activeGames(userId, limit, page);
  }

  private async finishedGames(userId: string, limit: number, { cursor, publicOnly }: UserGamesPage): Promise<Page<UserGame>> {
    const before = cursor ? decodeCursor<number>(cursor, (value) => Number.isSafeInteger(value) && (value as number) > 0) : null;
    const { rows } = await this.db.query<GameRow & { result_seq: string; place: number; players: number; won: boolean; total: number; ranked: boolean; ended: Date }>(
      "userGames",
      `SELECT r.result_seq, r.place, r.players, r.won, r.total, r.ranked, r.ended_at AS ended, g.id, g.code, g.status, g.seats
       FROM game_results AS r JOIN games AS g ON g.id = r.game_id
       WHERE r.user_id = $1 ${before === null ? "" : "AND r.result_seq < $2"} ${publicOnly ? "AND NOT g.is_private" : ""}
       ORDER BY r.result_seq DESC, r.seat DESC LIMIT ${limit + 1}`,
      before === null ? [userId] : [userId, before],
    );
    const items = rows.slice(0, limit).map((row) => ({
      gameId: row.id,
      code: row.code,
      status: row.status,
      seats: row.seats,
      at: row.ended.getTime(),
      result: { place: row.place, players: row.players, won: row.won, total: row.total, ranked: row.ranked },
    }));
    return { items, next: rows.length > limit ? encodeCursor(Number(rows[limit - 1]!.result_seq)) : null };
  }

  private async activeGames(userId: string, limit: number, { cursor, publicOnly }: UserGamesPage): Promise<Page<UserGame>> {
    const before = cursor ? decodeCursor<[number, string]>(cursor, isTimeAndId) : null;
    // The seats the user took (an index on the log's seatTaken events), newest first, of games still open.
    const { rows } = await this.db.query<GameRow & { seated_at: Date }>(
      "userGames",
      `SELECT e.at AS seated_at, g.id, g.code, g.status, g.seats
       FROM game_events AS e JOIN games AS g ON g.id = e.game_id
       WHERE (e.data ->> 'userId') = $1 AND e.type = 'seatTaken' AND e.data ? 'userId' AND g.status IN ('lobby', 'running')
         ${publicOnly ? "AND NOT g.is_private" : ""}
         ${before ? "AND (e.at, e.game_id) < ($2, $3)" : ""}
       ORDER BY e.at DESC, e.game_id DESC LIMIT ${limit + 1}`,
      before ? [userId.toLowerCase(), new Date(before[0]).toISOString(), before[1]] : [userId.toLowerCase()],
    );
    const seen = new Set<string>();
    const items: UserGame[] = [];
    for (const row of rows.slice(0, limit)) {
      if (seen.has(row.id)) continue; // taken again after leaving its lobby: listed once
      seen.add(row.id);
      items.push({ gameId: row.id, code: row.code, status: row.status, seats: row.seats, at: row.seated_at.getTime(), result: null });
    }
    const last = rows[limit - 1];
    return { items, next: rows.length > limit && last ? encodeCursor([last.seated_at.getTime(), last.id]) : null };
  }

  async names(userIds: readonly string[]): Promise<Map<string, string>> {
    const ids = [...new Set(userIds.filter((id) => isGameId(id)).map((id) => id.toLowerCase()))];
    if (ids.length === 0) return new Map();
    const { rows } = await this.db.query<{ id: string; name: string }>("names", "SELECT id, name FROM users WHERE id = ANY($1::uuid[])", [ids]);
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  async ratingsFor(userIds: readonly string[]): Promise<Map<string, number>> {
    const ids = [...new Set(userIds.filter((id) => isGameId(id)).map((id) => id.toLowerCase()))];
    const ratings = new Map<string, number>(userIds.map((id) => [id, 0]));
    if (ids.length === 0) return ratings;
    const { rows } = await this.db.query<{ player: string; rating: number; games: number }>(
      "ratingsFor",
      "SELECT player, rating, games FROM ratings WHERE player = ANY($1::text[])",
      [ids],
    );
    const found = new Map(rows.map((row) => [row.player, row.games >= RATED_AFTER_GAMES ? row.rating : 0]));
    for (const id of userIds) ratings.set(id, found.get(id.toLowerCase()) ?? 0);
    return ratings;
  }
}

function boardFor(query: LeaderboardQuery): { board: Board; params: unknown[] } {
  const board = BOARDS[query.metric];
  if (!board) throw new BadQueryError(`unknown leaderboard ${JSON.stringify(query.metric)}`);
  if (!["all", "month", "week"].includes(query.period)) throw new BadQueryError(`unknown period ${JSON.stringify(query.period)}`);
  if (query.metric === "rating") {
    if (query.period !== "all") throw new BadQueryError("the rating leaderboard is all time only");
    return { board, params: [] };
  }
  return { board, params: [periodKey(query.period, query.at ?? Date.now())] };
}

function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new BadQueryError(`limit must be an integer from 1 to ${MAX_PAGE}`);
  return limit;
}

function checkUserId(userId: string): void {
  if (!isGameId(userId)) throw new BadQueryError("a user id is a UUID");
}

function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function decodeCursor<T>(cursor: string, valid: (value: unknown) => boolean): T {
  let value: unknown;
  try {
    if (cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error("not base64url");
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new BadQueryError("bad cursor");
  }
  if (!valid(value)) throw new BadQueryError("bad cursor");
  return value as T;
}

function isBoardCursor(value: unknown): boolean {
  const cursor = value as BoardCursor;
  return (
    typeof cursor === "object" &&
    cursor !== null &&
    Number.isFinite(cursor.value) &&
    isGameId(String(cursor.id)) && // every board lists users, keyed by their id
    Number.isSafeInteger(cursor.rank) &&
    Number.isSafeInteger(cursor.position) &&
    cursor.rank >= 1 &&
    cursor.position >= cursor.rank
  );
}

function isTimeAndId(value: unknown): boolean {
  return Array.isArray(value) && value.length === 2 && Number.isSafeInteger(value[0]) && isGameId(String(value[1]));
}
