// The writes of one applied result and of one merge, on a connection inside the caller's
// transaction (results.ts holds the lock and the order). The arithmetic is server/stats/'s.
import type pg from "pg";
import type { GameOutcome } from "../stats/outcome.ts";
import { displayRating, NEW_SKILL, rateGame, type Skill } from "../stats/ratings.ts";
import { addResult, EMPTY_STATS, periodsOf, scopesOf, type PlayerResult, type PlayerStats, type StatsScope } from "../stats/tally.ts";

type Client = pg.ClientBase;

/** Writes a game's result: its users' results, stats and periods, and for a ranked game the ratings. */
export async function writeOutcome(client: Client, game: { id: string; endedAt: number; resultSeq: number }, outcome: GameOutcome): Promise<string[]> {
  const results: PlayerResult[] = outcome.seats.flatMap((seat) =>
    seat.userId === null
      ? []
      : [
          {
            userId: seat.userId,
            resultSeq: game.resultSeq,
            seat: seat.seat,
            gameId: game.id,
            endedAt: game.endedAt,
            ranked: outcome.ranked,
            place: seat.place,
            players: outcome.seats.length,
            won: seat.won,
            total: seat.total,
            holes: seat.holes,
            holeScoreSum: seat.holeScoreSum,
            bestHole: seat.bestHole,
            holesWon: seat.holesWon,
            wentOut: seat.wentOut,
            wentOutLowest: seat.wentOutLowest,
            knockPenalties: seat.knockPenalties,
          },
        ],
  );
  if (results.length > 0) {
    await insertResults(client, results);
    await addToStats(client, results);
    if (outcome.ranked) await addToPeriods(client, results);
  }
  if (outcome.ranked) await rate(client, game, outcome);
  return [...new Set(results.map((result) => result.userId))];
}

async function insertResults(client: Client, results: PlayerResult[]): Promise<void> {
  const column = <K extends keyof PlayerResult>(key: K) => results.map((result) => result[key]);
  await client.query(
    `INSERT INTO game_results (user_id, result_seq, seat, game_id, ended_at, ranked, place, players, won, total, holes,
       hole_score_sum, best_hole, holes_won, went_out, went_out_lowest, knock_penalties)
     SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::smallint[], $4::uuid[], $5::timestamptz[], $6::boolean[],
       $7::smallint[], $8::smallint[], $9::boolean[], $10::int[], $11::int[], $12::int[], $13::int[], $14::int[],
       $15::int[], $16::int[], $17::int[])`,
    [
      column("userId"),
      column("resultSeq"),
      column("seat"),
      column("gameId"),
      results.map((result) => new Date(result.endedAt).toISOString()),
      column("ranked"),
      column("place"),
      column("players"),
      column("won"),
      column("total"),
      column("holes"),
      column("holeScoreSum"),
      column("bestHole"),
      column("holesWon"),
      column("wentOut"),
      column("wentOutLowest"),
      column("knockPenalties"),
    ],
  );
}

// ---- stats ---------------------------------------------------------------------------------

interface StatsRow {
  user_id: string;
  scope: StatsScope;
  games: number;
  wins: number;
  holes: number;
  hole_score_sum: number;
  best_hole: number | null;
  holes_won: number;
  went_out: number;
  went_out_lowest: number;
  knock_penalties: number;
  streak: number;
  best_streak: number;
}

export const STATS_COLUMNS = "games, wins, holes, hole_score_sum, best_hole, holes_won, went_out, went_out_lowest, knock_penalties, streak, best_streak";

export function toPlayerStats(row: StatsRow): PlayerStats {
  return {
    games: row.games,
    wins: row.wins,
    holes: row.holes,
    holeScoreSum: row.hole_score_sum,
    bestHole: row.best_hole,
    holesWon: row.holes_won,
    wentOut: row.went_out,
    wentOutLowest: row.went_out_lowest,
    knockPenalties: row.knock_penalties,
    streak: row.streak,
    bestStreak: row.best_streak,
  };
}

async function addToStats(client: Client, results: PlayerResult[]): Promise<void> {
  const { rows } = await client.query<StatsRow>(`SELECT user_id, scope, ${STATS_COLUMNS} FROM player_stats WHERE user_id = ANY($1::uuid[])`, [
    results.map((result) => result.userId),
  ]);
  const stats = new Map(rows.map((row) => [`${row.user_id} ${row.scope}`, toPlayerStats(row)]));
  for (const result of results) {
    for (const scope of scopesOf(result)) {
      const key = `${result.userId} ${scope}`;
      stats.set(key, addResult(stats.get(key) ?? EMPTY_STATS, result));
    }
  }
  await upsertStats(client, stats);
}

/** Writes stats keyed "<user id> <scope>", replacing the rows there. */
async function upsertStats(client: Client, stats: Map<string, PlayerStats>): Promise<void> {
  if (stats.size === 0) return;
  const keys = [...stats.keys()];
  const values = [...stats.values()];
  const column = <K extends keyof PlayerStats>(key: K) => values.map((row) => row[key]);
  await client.query(
    `INSERT INTO player_stats (user_id, scope, ${STATS_COLUMNS})
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[],
       $9::int[], $10::int[], $11::int[], $12::int[], $13::int[])
     ON CONFLICT (user_id, scope) DO UPDATE SET games = excluded.games, wins = excluded.wins, holes = excluded.holes,
       hole_score_sum = excluded.hole_score_sum, best_hole = excluded.best_hole, holes_won = excluded.holes_won,
       went_out = excluded.went_out, went_out_lowest = excluded.went_out_lowest, knock_penalties = excluded.knock_penalties,
       streak = excluded.streak, best_streak = excluded.best_streak`,
    [
      keys.map((key) => key.split(" ")[0]),
      keys.map((key) => key.split(" ")[1]),
      column("games"),
      column("wins"),
      column("holes"),
      column("holeScoreSum"),
      column("bestHole"),
      column("holesWon"),
      column("wentOut"),
      column("wentOutLowest"),
      column("knockPenalties"),
      column("streak"),
      column("bestStreak"),
    ],
  );
}

// ---- leaderboard periods (ranked games only) ----------------------------------------------

interface PeriodFigures {
  games: number;
  wins: number;
  holes: number;
  holeScoreSum: number;
}

/** Sums of ranked results per "<period> <user id>". */
function periodSums(results: readonly PlayerResult[]): Map<string, PeriodFigures> {
  const sums = new Map<string, PeriodFigures>();
  for (const result of results) {
    if (!result.ranked) continue;
    for (const period of periodsOf(result.endedAt)) {
      const key = `${period} ${result.userId}`;
      const sum = sums.get(key) ?? { games: 0, wins: 0, holes: 0, holeScoreSum: 0 };
      sums.set(key, { games: sum.games + 1, wins: sum.wins + (result.won ? 1 : 0), holes: sum.holes + result.holes, holeScoreSum: sum.holeScoreSum + result.holeScoreSum });
    }
  }
  return sums;
}

/** Adds to (or, with `replace`, writes) the period rows. The mean is computed by PostgreSQL from the sums, always the same way. */
async function writePeriods(client: Client, sums: Map<string, PeriodFigures>, replace: boolean): Promise<void> {
  if (sums.size === 0) return;
  const keys = [...sums.keys()];
  const values = [...sums.values()];
  const plus = (column: string) => (replace ? `excluded.${column}` : `period_stats.${column} + excluded.${column}`);
  await client.query(
    `INSERT INTO period_stats (period, user_id, games, wins, holes, hole_score_sum, mean_hole_score, listed)
     SELECT period, user_id, games, wins, holes, hole_score_sum, hole_score_sum::float8 / NULLIF(holes, 0),
       is_listed(user_id)
     FROM unnest($1::text[], $2::uuid[], $3::int[], $4::int[], $5::int[], $6::int[]) AS t(period, user_id, games, wins, holes, hole_score_sum)
     ON CONFLICT (period, user_id) DO UPDATE SET games = ${plus("games")}, wins = ${plus("wins")}, holes = ${plus("holes")},
       hole_score_sum = ${plus("hole_score_sum")},
       mean_hole_score = (${plus("hole_score_sum")})::float8 / NULLIF(${plus("holes")}, 0)`,
    [
      keys.map((key) => key.split(" ")[0]),
      keys.map((key) => key.split(" ")[1]),
      values.map((value) => value.games),
      values.map((value) => value.wins),
      values.map((value) => value.holes),
      values.map((value) => value.holeScoreSum),
    ],
  );
}

function addToPeriods(client: Client, results: PlayerResult[]): Promise<void> {
  return writePeriods(client, periodSums(results), false);
}

// ---- ratings ---------------------------------------------------------------------------------

/**
 * Rates a ranked game's seats from their places. Users and CPU personalities are stored; a player
 * without an account takes part as a new player and is not stored. A CPU personality seated twice is
 * stored from its first seat only.
 */
async function rate(client: Client, game: { id: string; endedAt: number; resultSeq: number }, outcome: GameOutcome): Promise<void> {
  const players = [...new Set(outcome.seats.flatMap((seat) => (seat.player ? [seat.player] : [])))];
  const { rows } = await client.query<{ player: string; mu: number; sigma: number; games: number }>(
    "SELECT player, mu, sigma, games FROM ratings WHERE player = ANY($1::text[])",
    [players],
  );
  const prior = new Map(rows.map((row) => [row.player, row]));
  const skills: Skill[] = outcome.seats.map((seat) => (seat.player && prior.get(seat.player)) || NEW_SKILL);
  const rated = rateGame(
    skills,
    outcome.seats.map((seat) => seat.place),
  );
  const stored = new Map<string, { userId: string | null; skill: Skill; games: number }>();
  outcome.seats.forEach((seat, index) => {
    if (!seat.player || stored.has(seat.player)) return;
    stored.set(seat.player, { userId: seat.userId, skill: rated[index]!, games: (prior.get(seat.player)?.games ?? 0) + 1 });
  });
  if (stored.size === 0) return;
  const entries = [...stored.entries()];
  const params = [
    entries.map(([player]) => player),
    entries.map(([, entry]) => entry.userId),
    entries.map(([, entry]) => entry.skill.mu),
    entries.map(([, entry]) => entry.skill.sigma),
    entries.map(([, entry]) => displayRating(entry.skill)),
    entries.map(([, entry]) => entry.games),
  ];
  await client.query(
    `INSERT INTO ratings (player, user_id, mu, sigma, rating, games, result_seq, listed)
     SELECT player, user_id, mu, sigma, rating, games, $7, is_listed(user_id)
     FROM unnest($1::text[], $2::uuid[], $3::float8[], $4::float8[], $5::int[], $6::int[])
       AS t(player, user_id, mu, sigma, rating, games)
     ON CONFLICT (player) DO UPDATE SET mu = excluded.mu, sigma = excluded.sigma, rating = excluded.rating, games = excluded.games,
       result_seq = excluded.result_seq, listed = excluded.listed`,
    [...params, game.resultSeq],
  );
  await client.query(
    `INSERT INTO rating_history (player, result_seq, game_id, ended_at, mu, sigma, rating)
     SELECT player, $5, $6, $7, mu, sigma, rating FROM unnest($1::text[], $2::float8[], $3::float8[], $4::int[]) AS t(player, mu, sigma, rating)`,
    [params[0], params[2], params[3], params[4], game.resultSeq, game.id, new Date(game.endedAt).toISOString()],
  );
}

// ---- merges ----------------------------------------------------------------------------------

interface ResultRow {
  user_id: string;
  result_seq: string;
  seat: number;
  game_id: string;
  ended_at: Date;
  ranked: boolean;
  place: number;
  players: number;
  won: boolean;
  total: number;
  holes: number;
  hole_score_sum: number;
  best_hole: number | null;
  holes_won: number;
  went_out: number;
  went_out_lowest: number;
  knock_penalties: number;
}

function toPlayerResult(row: ResultRow): PlayerResult {
  return {
    userId: row.user_id,
    resultSeq: Number(row.result_seq),
    seat: row.seat,
    gameId: row.game_id,
    endedAt: row.ended_at.getTime(),
    ranked: row.ranked,
    place: row.place,
    players: row.players,
    won: row.won,
    total: row.total,
    holes: row.holes,
    holeScoreSum: row.hole_score_sum,
    bestHole: row.best_hole,
    holesWon: row.holes_won,
    wentOut: row.went_out,
    wentOutLowest: row.went_out_lowest,
    knockPenalties: row.knock_penalties,
  };
}

/**
 * Moves a guest's results to the account and folds the account's stats and periods again from all
 * its results, in the stored order; drops the guest's rating and history (the account keeps its own).
 */
export async function mergeUser(client: Client, fromUserId: string, intoUserId: string): Promise<void> {
  await client.query("UPDATE game_results SET user_id = $2 WHERE user_id = $1", [fromUserId, intoUserId]);
  await client.query("DELETE FROM player_stats WHERE user_id = ANY($1::uuid[])", [[fromUserId, intoUserId]]);
  await client.query("DELETE FROM period_stats WHERE user_id = ANY($1::uuid[])", [[fromUserId, intoUserId]]);
  await client.query("DELETE FROM ratings WHERE player = $1", [fromUserId]);
  await client.query("DELETE FROM rating_history WHERE player = $1", [fromUserId]);
  const { rows } = await client.query<ResultRow>("SELECT * FROM game_results WHERE user_id = $1 ORDER BY result_seq, seat", [intoUserId]);
  const results = rows.map(toPlayerResult);
  const stats = new Map<string, PlayerStats>();
  for (const result of results) {
    for (const scope of scopesOf(result)) {
      const key = `${intoUserId} ${scope}`;
      stats.set(key, addResult(stats.get(key) ?? EMPTY_STATS, result));
    }
  }
  await upsertStats(client, stats);
  await writePeriods(client, periodSums(results), true);
}

/**
 * A result applied after its guest was merged (a game that was running at the merge) goes to the
 * account too: the merges of these users that come before `resultSeq` in the order are applied again.
 */
export async function mergeAgain(client: Client, userIds: readonly string[], resultSeq: number): Promise<void> {
  if (userIds.length === 0) return;
  const { rows } = await client.query<{ from_user_id: string; into_user_id: string }>(
    "SELECT from_user_id, into_user_id FROM stats_merges WHERE from_user_id = ANY($1::uuid[]) AND after_result_seq < $2 ORDER BY after_result_seq, into_user_id",
    [userIds, resultSeq],
  );
  for (const row of rows) await mergeUser(client, row.from_user_id, row.into_user_id);
}
