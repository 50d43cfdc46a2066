// Seat tokens on PostgreSQL: `player_tokens` (hash to player id) and, for games logged before
// player ids, `seat_tokens` (seat index to hash). Both belong to their game (a foreign key).
import { checkGameId, unknownGameOnMissingKey, type Database } from "./database.ts";
import type { SeatTokens } from "./types.ts";

export class PgSeatTokens implements SeatTokens {
  constructor(private readonly db: Database) {}

  async setPlayerToken(gameId: string, playerId: string, tokenHash: string): Promise<void> {
    checkGameId(gameId);
    try {
      await this.db.query(
        "setPlayerToken",
        `INSERT INTO player_tokens (game_id, token_hash, player_id) VALUES ($1, $2, $3)
         ON CONFLICT (game_id, token_hash) DO UPDATE SET player_id = EXCLUDED.player_id`,
        [gameId, tokenHash, playerId],
      );
    } catch (err) {
      throw unknownGameOnMissingKey(err, gameId);
    }
  }

  async playerForToken(gameId: string, tokenHash: string): Promise<string | null> {
    checkGameId(gameId);
    const { rows } = await this.db.query<{ player_id: string }>(
      "playerForToken",
      "SELECT player_id FROM player_tokens WHERE game_id = $1 AND token_hash = $2",
      [gameId, tokenHash],
    );
    return rows.length > 0 ? rows[0]!.player_id : null;
  }

  async clearPlayerTokens(gameId: string, playerId: string): Promise<void> {
    checkGameId(gameId);
    await this.db.query("clearPlayerTokens", "DELETE FROM player_tokens WHERE game_id = $1 AND player_id = $2", [gameId, playerId]);
  }

  async setSeatToken(gameId: string, seat: number, tokenHash: string): Promise<void> {
    checkGameId(gameId);
    try {
      await this.db.query(
        "setSeatToken",
        `INSERT INTO seat_tokens (game_id, seat, token_hash) VALUES ($1, $2, $3)
         ON CONFLICT (game_id, seat) DO UPDATE SET token_hash = EXCLUDED.token_hash`,
        [gameId, seat, tokenHash],
      );
    } catch (err) {
      throw unknownGameOnMissingKey(err, gameId);
    }
  }

  async clearSeatToken(gameId: string, seat: number): Promise<void> {
    checkGameId(gameId);
    await this.db.query("clearSeatToken", "DELETE FROM seat_tokens WHERE game_id = $1 AND seat = $2", [gameId, seat]);
  }

  async seatForToken(gameId: string, tokenHash: string): Promise<number | null> {
    checkGameId(gameId);
    const { rows } = await this.db.query<{ seat: number }>(
      "seatForToken",
      "SELECT seat FROM seat_tokens WHERE game_id = $1 AND token_hash = $2",
      [gameId, tokenHash],
    );
    return rows.length > 0 ? rows[0]!.seat : null;
  }

  async seatTokens(gameId: string): Promise<{ seat: number; tokenHash: string }[]> {
    checkGameId(gameId);
    const { rows } = await this.db.query<{ seat: number; token_hash: string }>(
      "seatTokens",
      "SELECT seat, token_hash FROM seat_tokens WHERE game_id = $1 ORDER BY seat",
      [gameId],
    );
    return rows.map((row) => ({ seat: row.seat, tokenHash: row.token_hash }));
  }
}
