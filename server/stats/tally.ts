// Stats as a fold of a player's results in the stored order, and the leaderboard periods a game
// falls in. Pure: the recorder adds one result at a time, a merge folds a player's results again,
// and both go through `addResult`, so they cannot disagree.
import type { SeatFigures } from "./outcome.ts";

/** One user's result in one game, as stored (the game_results table). */
export interface PlayerResult extends SeatFigures {
  userId: string;
  resultSeq: number;
  seat: number;
  gameId: string;
  /** Epoch ms. */
  endedAt: number;
  ranked: boolean;
  place: number;
  players: number;
  won: boolean;
  total: number;
}

export type StatsScope = "all" | "ranked";

/** A player's figures summed over their games (the seat figures of each), with games, wins and streaks. */
export interface PlayerStats extends SeatFigures {
  games: number;
  wins: number;
  /** Wins in a row up to the latest game. */
  streak: number;
  bestStreak: number;
}

export const EMPTY_STATS: PlayerStats = Object.freeze({
  games: 0,
  wins: 0,
  holes: 0,
  holeScoreSum: 0,
  bestHole: null,
  holesWon: 0,
  wentOut: 0,
  wentOutLowest: 0,
  knockPenalties: 0,
  streak: 0,
  bestStreak: 0,
});

/** The stats after one more result (results must come in the stored order). */
export function addResult(stats: PlayerStats, result: PlayerResult): PlayerStats {
  const streak = result.won ? stats.streak + 1 : 0;
  return {
    games: stats.games + 1,
    wins: stats.wins + (result.won ? 1 : 0),
    holes: stats.holes + result.holes,
    holeScoreSum: stats.holeScoreSum + result.holeScoreSum,
    bestHole: result.bestHole === null ? stats.bestHole : stats.bestHole === null ? result.bestHole : Math.min(stats.bestHole, result.bestHole),
    holesWon: stats.holesWon + result.holesWon,
    wentOut: stats.wentOut + result.wentOut,
    wentOutLowest: stats.wentOutLowest + result.wentOutLowest,
    knockPenalties: stats.knockPenalties + result.knockPenalties,
    streak,
    bestStreak: Math.max(stats.bestStreak, streak),
  };
}

/** The scopes a result counts in: every game counts in "all", ranked ones in "ranked" too. */
export function scopesOf(result: Pick<PlayerResult, "ranked">): StatsScope[] {
  return result.ranked ? ["all", "ranked"] : ["all"];
}

/** Mean hole score, or null before any hole. */
export function meanHoleScore(stats: Pick<PlayerStats, "holes" | "holeScoreSum">): number | null {
  return stats.holes === 0 ? null : stats.holeScoreSum / stats.holes;
}

// ---- periods ---------------------------------------------------------------------------------

export type PeriodKind = "all" | "month" | "week";

/** The leaderboard periods a moment falls in: all time, its ISO week and its month (UTC). */
export function periodsOf(at: number): string[] {
  return ["all", weekOf(at), monthOf(at)];
}

export function periodKey(kind: PeriodKind, at: number): string {
  return kind === "all" ? "all" : kind === "week" ? weekOf(at) : monthOf(at);
}

/** "2026-12": the calendar month in UTC. */
export function monthOf(at: number): string {
  const date = new Date(at);
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** "2026-W49": the ISO 8601 week in UTC (weeks start on Monday; week 1 holds the year's first Thursday). */
export function weekOf(at: number): string {
  const date = new Date(at);
  const day = (date.getUTCDay() + 6) % 7; // Monday 0 ... Sunday 6
  // The Thursday of this week decides the week's year.
  const thursday = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - day + 3);
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}
