// Share links on PostgreSQL: a row per link in `shares` with its title, expiry and view count.
import { randomBytes } from "node:crypto";
import type { Database } from "./database.ts";
import { NotFinishedError } from "./errors.ts";
import type { GameExports, GameRecord, GameRecords, ResolvedShare, ShareOptions, Shares } from "./types.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

export class PgShares implements Shares {
  constructor(
    private readonly db: Database,
    private readonly games: GameRecords,
    private readonly exports: GameExports,
  ) {}

  async create(gameId: string, options: ShareOptions = {}): Promise<{ code: string; expiresAt: number }> {
    const expiresDays = options.expiresDays ?? 30;
    if (!Number.isInteger(expiresDays) || expiresDays < 1 || expiresDays > 365) {
      throw new RangeError(`expiresDays must be an integer from 1 to 365, got ${expiresDays}`);
    }
    const game = await this.games.get(gameId);
    if (game.status !== "finished" && game.status !== "abandoned") throw new NotFinishedError(gameId, game.status);
    const title = options.title?.trim() || defaultTitle(game);
    const now = this.db.clock();
    const expiresAt = now + expiresDays * DAY_MS;
    // 9 random bytes: 12 url-safe characters, too many to guess.
    const code = randomBytes(9).toString("base64url");
    await this.db.query(
      "createShare",
      "INSERT INTO shares (code, game_id, title, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
      [code, gameId, title, new Date(now), new Date(expiresAt)],
    );
    return { code, expiresAt };
  }

  async resolve(code: string, options: { count?: boolean } = {}): Promise<ResolvedShare | null> {
    const { rows } = await this.db.query<{ game_id: string; title: string; views: number }>(
      "resolveShare",
      // One statement: concurrent views each count once.
      options.count === false
        ? "SELECT game_id, title, views FROM shares WHERE code = $1 AND expires_at > $2"
        : "UPDATE shares SET views = views + 1 WHERE code = $1 AND expires_at > $2 RETURNING game_id, title, views",
      [code, new Date(this.db.clock())],
    );
    if (rows.length === 0) return null;
    const row = rows[0]!;
    return { title: row.title, views: row.views, export: await this.exports.exportGame(row.game_id) };
  }
}

function defaultTitle(game: GameRecord): string {
  const names = game.seats.filter((seat) => seat.kind !== "empty").map((seat) => seat.name);
  return names.length > 0 ? `Six-Card Golf: ${names.join(" vs ")}` : `Six-Card Golf game ${game.code}`;
}
