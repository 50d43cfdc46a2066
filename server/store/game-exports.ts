// Export and import of finished games as golf-game documents (docs/http.md). An import is a new
// finished game with `imported` set, so that a restart never recovers it and it never blocks a code.
import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { Database } from "./database.ts";
import { BadExportError, NotFinishedError, StoreError } from "./errors.ts";
import type { EventLog, GameExports, GolfExport } from "./types.ts";
import { isGameId, newJoinCode } from "../../shared/protocol/index.ts";

export class PgGameExports implements GameExports {
  constructor(
    private readonly db: Database,
    private readonly log: EventLog,
  ) {}

  async exportGame(gameId: string): Promise<GolfExport> {
    const { game, events } = await this.log.load(gameId);
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

  async importGame(doc: GolfExport, options: { hash?: string; importedBy?: string } = {}): Promise<string> {
    const gameId = randomUUID();
    const createdAt = Date.parse(doc.game.createdAt);
    // The export keeps times relative to the first event; anchor them at the game's creation.
    const events = doc.events.map((event, i) =>
      this.db.prepareEvent({ type: event.type, seat: event.seat, data: event.data, at: createdAt + event.at }, i, (n) => `events.${n}`, BadExportError),
    );
    await this.db.transaction("importGame", async (client) => {
      const code = await freshCode(client);
      await client.query(
        `WITH game AS (
           INSERT INTO games (id, code, status, is_private, rules, holes, decks, seats, created_at, ended_at,
                              totals, winners, imported, import_hash, imported_by)
           VALUES ($1, $2, 'finished', false, $3, $4, $5, $6, $7, $8, $9, $10, true, $12, $13)
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
          options.importedBy ?? null,
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

  async findImport(hash: string, importedBy: string): Promise<string | null> {
    if (!isGameId(importedBy)) return null;
    const { rows } = await this.db.query<{ id: string }>("findImport", "SELECT id FROM games WHERE import_hash = $1 AND imported_by = $2", [hash, importedBy]);
    return rows[0]?.id ?? null;
  }
}

/** A join code no game uses yet (imported games do not block codes, but a fresh one avoids confusion). */
async function freshCode(client: pg.PoolClient): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const code = newJoinCode();
    const { rowCount } = await client.query("SELECT 1 FROM games WHERE code = $1", [code]);
    if (rowCount === 0) return code;
  }
  throw new StoreError("could not find a free game code in 20 attempts");
}
