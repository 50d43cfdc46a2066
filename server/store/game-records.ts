// Game records on PostgreSQL: a row per game in `games`, created with its log's head row in
// `game_heads`. Join codes are unique among unfinished games by a partial unique index, so the
// database decides between nodes creating games at once.
import { checkGameId, constraintError, SELECT_GAMES, toGameRecord, type Database, type GameRow } from "./database.ts";
import { isGameId } from "../../shared/protocol/index.ts";
import { UnknownGameError } from "./errors.ts";
import type { GamePatch, GameRecord, GameRecords, GameResult, NewGame } from "./types.ts";

// Where each key of a GamePatch is stored.
const PATCH_COLUMNS: Record<keyof GamePatch, string> = {
  status: "status",
  rules: "rules",
  holes: "holes",
  decks: "decks",
  seats: "seats",
  private: "is_private",
  node: "node",
};

export class PgGameRecords implements GameRecords {
  constructor(private readonly db: Database) {}

  async create(game: NewGame): Promise<void> {
    try {
      await this.db.query(
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
          new Date(this.db.clock()),
          game.node ?? null,
          JSON.stringify(game.settings ?? {}),
        ],
      );
    } catch (err) {
      throw constraintError(err, game.code.toUpperCase()) ?? err;
    }
  }

  async update(gameId: string, patch: GamePatch): Promise<void> {
    const sets: string[] = [];
    const values: unknown[] = [gameId];
    for (const key of Object.keys(PATCH_COLUMNS) as (keyof GamePatch)[]) {
      if (!(key in patch) || patch[key] === undefined) continue;
      const value = patch[key];
      values.push(key === "rules" || key === "seats" ? JSON.stringify(value) : value);
      sets.push(`${PATCH_COLUMNS[key]} = $${values.length}`);
    }
    checkGameId(gameId);
    const sql = sets.length > 0 ? `UPDATE games SET ${sets.join(", ")} WHERE id = $1 RETURNING code` : "SELECT code FROM games WHERE id = $1";
    try {
      const { rowCount } = await this.db.query("updateGame", sql, values);
      if (rowCount === 0) throw new UnknownGameError(gameId);
    } catch (err) {
      throw constraintError(err, null) ?? err;
    }
  }

  async finish(gameId: string, result: GameResult): Promise<void> {
    checkGameId(gameId);
    const { rowCount } = await this.db.query(
      "finish",
      `UPDATE games SET status = $2, ended_at = COALESCE(ended_at, $3), totals = $4, winners = $5
       WHERE id = $1`,
      [
        gameId,
        result.status,
        new Date(this.db.clock()),
        result.totals ? JSON.stringify(result.totals) : null,
        result.winners ? JSON.stringify(result.winners) : null,
      ],
    );
    if (rowCount === 0) throw new UnknownGameError(gameId);
  }

  async get(gameId: string): Promise<GameRecord> {
    checkGameId(gameId);
    const { rows } = await this.db.query<GameRow>("game", `${SELECT_GAMES} WHERE g.id = $1`, [gameId]);
    if (rows.length === 0) throw new UnknownGameError(gameId);
    return toGameRecord(rows[0]!);
  }

  async isPlayer(gameId: string, userId: string): Promise<boolean> {
    if (!isGameId(gameId) || !isGameId(userId)) return false;
    // A played game's players are in its log (the index on seatTaken events by user); an imported
    // game's log names another server's players, so only its importer counts.
    const { rows } = await this.db.query<{ player: boolean }>(
      "isPlayer",
      `SELECT CASE WHEN g.imported THEN g.imported_by IS NOT NULL AND g.imported_by = $2::uuid
                   ELSE EXISTS (SELECT 1 FROM game_events AS e
                                WHERE (e.data ->> 'userId') = $3 AND e.type = 'seatTaken' AND e.data ? 'userId' AND e.game_id = g.id)
              END AS player
       FROM games AS g WHERE g.id = $1`,
      [gameId, userId, userId.toLowerCase()],
    );
    return rows[0]?.player === true;
  }

  async byCode(code: string): Promise<GameRecord | null> {
    const { rows } = await this.db.query<GameRow>(
      "gameByCode",
      `${SELECT_GAMES} WHERE g.code = $1 AND g.status IN ('lobby', 'running')`,
      [code.toUpperCase()],
    );
    return rows.length > 0 ? toGameRecord(rows[0]!) : null;
  }

  async unfinished(): Promise<GameRecord[]> {
    const { rows } = await this.db.query<GameRow>(
      "unfinished",
      `${SELECT_GAMES} WHERE g.status IN ('lobby', 'running') AND NOT g.imported ORDER BY g.created_at, g.id`,
    );
    return rows.map(toGameRecord);
  }
}
