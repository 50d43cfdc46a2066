// Finished games' results, applied once each in the order games ended, and that order stored
// (games.result_seq). Each game's result commits in the transaction that gives it its place (a
// transaction may take the next few games, each whole); every transaction holds an advisory lock, so
// nodes that apply at once take turns and never apply a game twice or out of order. A crash before
// COMMIT leaves the games waiting, a crash after leaves them applied.
import type pg from "pg";
import type { GameEvent } from "../../shared/golf/index.ts";
import { gameOutcome, type GameOutcome } from "../stats/outcome.ts";
import { isGameId } from "../../shared/protocol/index.ts";
import type { Database } from "./database.ts";
import { mergeAgain, mergeUser, writeOutcome } from "./result-writes.ts";
import type { AppliedResult, Results } from "./types.ts";

/** The advisory lock every writer of results takes, for its transaction ("golfstat" in ASCII). */
const RESULTS_LOCK = "7453734059858617716";

/** Games read per query during a rebuild. */
const REBUILD_CHUNK = 200;

/** The tables a rebuild empties and fills again (user_merges and stats_merges are its input). */
const DERIVED_TABLES = ["game_results", "player_stats", "period_stats", "ratings", "rating_history", "board_counts"];

export class PgResults implements Results {
  constructor(private readonly db: Database) {}

  async applyNext(): Promise<AppliedResult | null> {
    return (await this.applyBatch(1))[0] ?? null;
  }

  applyBatch(maxGames: number): Promise<AppliedResult[]> {
    if (!Number.isInteger(maxGames) || maxGames < 1) throw new RangeError(`maxGames must be a positive integer, got ${maxGames}`);
    return this.db.transaction("results.applyBatch", async (client) => {
      await client.query("SELECT pg_advisory_xact_lock($1)", [RESULTS_LOCK]);
      const pending = await client.query<{ id: string; ended_at: Date }>(
        `SELECT id, ended_at FROM games WHERE status = 'finished' AND result_seq IS NULL AND NOT imported
         ORDER BY ended_at, id LIMIT $1`,
        [maxGames],
      );
      if (pending.rows.length === 0) return [];
      const first = (await lastResultSeq(client)) + 1;
      const games = pending.rows.map((row, i) => ({ id: row.id, endedAt: row.ended_at.getTime(), resultSeq: first + i }));
      await client.query("UPDATE games AS g SET result_seq = o.seq FROM unnest($1::uuid[], $2::bigint[]) AS o(id, seq) WHERE g.id = o.id", [
        games.map((game) => game.id),
        games.map((game) => game.resultSeq),
      ]);
      const logs = await loadEventsByGame(client, games.map((game) => game.id));
      const applied: AppliedResult[] = [];
      for (const game of games) {
        applied.push({ gameId: game.id, resultSeq: game.resultSeq, ...(await applyGame(client, game, logs.get(game.id) ?? [])) });
      }
      return applied;
    });
  }

  async applyMerge(fromUserId: string, intoUserId: string): Promise<void> {
    checkUserId(fromUserId);
    checkUserId(intoUserId);
    if (fromUserId.toLowerCase() === intoUserId.toLowerCase()) throw new RangeError("a user cannot be merged into itself");
    await this.db.transaction("results.applyMerge", async (client) => {
      await client.query("SELECT pg_advisory_xact_lock($1)", [RESULTS_LOCK]);
      await client.query(
        `INSERT INTO user_merges (from_user_id, into_user_id, merged_at)
         SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM user_merges WHERE from_user_id = $1 AND into_user_id = $2)`,
        [fromUserId, intoUserId, new Date(this.db.clock()).toISOString()],
      );
      await placeMerge(client, fromUserId, intoUserId);
    });
  }

  async applyPendingMerges(): Promise<number> {
    let applied = 0;
    for (;;) {
      const done = await this.db.transaction("results.applyPendingMerges", async (client) => {
        await client.query("SELECT pg_advisory_xact_lock($1)", [RESULTS_LOCK]);
        const { rows } = await client.query<{ from_user_id: string; into_user_id: string }>(
          `SELECT u.from_user_id, u.into_user_id FROM user_merges AS u
           WHERE NOT EXISTS (SELECT 1 FROM stats_merges AS s WHERE s.from_user_id = u.from_user_id AND s.into_user_id = u.into_user_id)
           ORDER BY u.merged_at, u.from_user_id LIMIT 1`,
        );
        const merge = rows[0];
        if (merge) await placeMerge(client, merge.from_user_id, merge.into_user_id);
        return Boolean(merge);
      });
      if (!done) return applied;
      applied++;
    }
  }

  rebuild(onProgress?: (games: number) => void): Promise<{ games: number; merges: number }> {
    return this.db.transaction("results.rebuild", async (client) => {
      await client.query("SELECT pg_advisory_xact_lock($1)", [RESULTS_LOCK]);
      await client.query(`TRUNCATE ${DERIVED_TABLES.join(", ")}`);
      const merges = await mergesInOrder(client);
      let nextMerge = 0;
      const mergesUpTo = async (resultSeq: number) => {
        while (nextMerge < merges.length && merges[nextMerge]!.after <= resultSeq) {
          const merge = merges[nextMerge++]!;
          await mergeUser(client, merge.from, merge.into);
        }
      };
      let games = 0;
      let after = 0;
      for (;;) {
        const { rows } = await client.query<{ id: string; ended_at: Date; result_seq: string }>(
          "SELECT id, ended_at, result_seq FROM games WHERE result_seq > $1 ORDER BY result_seq LIMIT $2",
          [after, REBUILD_CHUNK],
        );
        if (rows.length === 0) break;
        const logs = await loadEventsByGame(client, rows.map((row) => row.id));
        for (const row of rows) {
          const resultSeq = Number(row.result_seq);
          await mergesUpTo(resultSeq - 1);
          await applyGame(client, { id: row.id, endedAt: row.ended_at.getTime(), resultSeq }, logs.get(row.id) ?? []);
          after = resultSeq;
          games++;
        }
        onProgress?.(games);
      }
      await mergesUpTo(Number.MAX_SAFE_INTEGER);
      return { games, merges: merges.length };
    });
  }
}

/** Writes a game's result (nothing for a log that does not end the game), then the merges it comes after. */
/**
 * Writes a game's result, then the merges it comes after. A log the engine cannot read as a finished
 * game counts for nobody (`problem` says why) but keeps its place, so one bad log never holds up the
 * results after it, and a rebuild treats it the same way.
 */
async function applyGame(
  client: pg.ClientBase,
  game: { id: string; endedAt: number; resultSeq: number },
  events: GameEvent[],
): Promise<{ userIds: string[]; problem?: string }> {
  let outcome: GameOutcome | null;
  try {
    outcome = gameOutcome(events);
  } catch (error) {
    return { userIds: [], problem: `its log cannot be replayed: ${(error as Error).message}` };
  }
  if (!outcome) return { userIds: [], problem: "its log does not end with gameEnded" };
  const userIds = await writeOutcome(client, game, outcome);
  await mergeAgain(client, userIds, game.resultSeq);
  return { userIds };
}

function checkUserId(userId: string): void {
  if (!isGameId(userId)) throw new RangeError(`a user id is a UUID, got ${JSON.stringify(String(userId).slice(0, 40))}`);
}

/** A merge applied now: its place in the order (after the last applied result), then the merge itself. */
async function placeMerge(client: pg.ClientBase, fromUserId: string, intoUserId: string): Promise<void> {
  const placed = await client.query(
    "INSERT INTO stats_merges (from_user_id, into_user_id, after_result_seq) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    [fromUserId, intoUserId, await lastResultSeq(client)],
  );
  if (placed.rowCount === 1) await mergeUser(client, fromUserId, intoUserId);
}

async function lastResultSeq(client: pg.ClientBase): Promise<number> {
  const { rows } = await client.query<{ last: string | null }>("SELECT max(result_seq) AS last FROM games WHERE result_seq IS NOT NULL");
  return Number(rows[0]?.last ?? 0);
}

async function loadEventsByGame(client: pg.ClientBase, gameIds: string[]): Promise<Map<string, GameEvent[]>> {
  const { rows } = await client.query<{ game_id: string; type: string; seat: number | null; data: unknown }>(
    "SELECT game_id, type, seat, data FROM game_events WHERE game_id = ANY($1::uuid[]) ORDER BY game_id, seq",
    [gameIds],
  );
  const logs = new Map<string, GameEvent[]>();
  for (const row of rows) {
    let log = logs.get(row.game_id);
    if (!log) logs.set(row.game_id, (log = []));
    log.push({ type: row.type, seat: row.seat, data: row.data } as GameEvent);
  }
  return logs;
}

/**
 * The merges the recorder applied, in its order: each after the result it followed (stats_merges).
 * A merge recorded in user_merges but not applied yet is left to the nodes, as it is in the tables.
 */
async function mergesInOrder(client: pg.ClientBase): Promise<{ from: string; into: string; after: number }[]> {
  const { rows } = await client.query<{ from_user_id: string; into_user_id: string; after: string }>(
    `SELECT s.from_user_id, s.into_user_id, s.after_result_seq AS after
     FROM stats_merges AS s
     LEFT JOIN user_merges AS u ON u.from_user_id = s.from_user_id AND u.into_user_id = s.into_user_id
     ORDER BY s.after_result_seq, u.merged_at, s.from_user_id`,
  );
  return rows.map((row) => ({ from: row.from_user_id, into: row.into_user_id, after: Number(row.after) }));
}
