// The bodies of the players' routes (platform.md, "Leaderboards, history, profiles"): leaderboards,
// the signed-in player (/api/me), their games (/api/me/games) and public profiles (/api/users/:name).
// Types only: the browser imports them without pulling zod in.
import type { PublicUser } from "./accounts.ts";

export const LEADERBOARD_METRICS = ["rating", "wins", "meanHoleScore", "games"] as const;
export type LeaderboardMetric = (typeof LEADERBOARD_METRICS)[number];
export const LEADERBOARD_PERIODS = ["all", "month", "week"] as const;
export type LeaderboardPeriod = (typeof LEADERBOARD_PERIODS)[number];

/** A user as anyone may see them: an id and a name (never an email). */
export interface UserRef {
  id: string;
  name: string;
}

/** One row of a board; ranks are competition ranks (tied values share one). */
export interface LeaderboardEntry {
  rank: number;
  user: UserRef;
  /** The rating, wins, mean hole score or games, by the board's metric. */
  value: number;
  /** Ranked games in the period. */
  games: number;
}

/** GET /api/leaderboards/:metric?period=&cursor=&limit= */
export interface LeaderboardAnswer {
  rows: LeaderboardEntry[];
  /** The cursor of the next page; null on the last. */
  next: string | null;
  /** The caller's own row when signed in and on the board. */
  me?: LeaderboardEntry | null;
}

/** A player's figures over a set of games (all games, or ranked games apart). */
export interface PlayerStats {
  games: number;
  wins: number;
  holes: number;
  /** The sum of the hole scores: the mean is holeScoreSum / holes. */
  holeScoreSum: number;
  bestHole: number | null;
  holesWon: number;
  wentOut: number;
  /** Times the player went out first with the hole's lowest score. */
  wentOutLowest: number;
  knockPenalties: number;
  streak: number;
  bestStreak: number;
}

export interface RatingSummary {
  /** The displayed rating; null while unrated (fewer than 5 ranked games). */
  rating: number | null;
  /** Ranked games rated. */
  games: number;
}

/** The player's rating after one ranked game. */
export interface RatingPoint {
  gameId: string;
  /** Epoch ms. */
  at: number;
  rating: number;
}

/** A seat of a listed game, as anyone may see it. */
export interface GamePlayer {
  name: string;
  kind: "human" | "cpu" | "empty";
}

/** A game in a player's history. */
export interface PlayerGame {
  code: string;
  gameId: string;
  status: "lobby" | "running" | "finished" | "abandoned";
  players: GamePlayer[];
  /** Epoch ms: when it ended, or for a game still on when the player took the seat. */
  at: number;
  /** Finished games: the player's place and total. */
  result: { place: number; players: number; won: boolean; total: number; ranked: boolean } | null;
  /** The player can take the seat back (the game is in its lobby or running). */
  canResume: boolean;
  /** The replay may be opened (finished, and public or the caller's). */
  canReplay: boolean;
}

/** GET /api/me */
export interface MeAnswer {
  user: PublicUser;
  stats: { all: PlayerStats; ranked: PlayerStats };
  rating: RatingSummary | null;
}

/** GET /api/me/games?status=active|finished&cursor= */
export interface MyGamesAnswer {
  games: PlayerGame[];
  next: string | null;
}

/** GET /api/users/:name: a registered player's public profile. */
export interface ProfileAnswer {
  user: UserRef;
  stats: { all: PlayerStats; ranked: PlayerStats };
  rating: RatingSummary | null;
  /** Newest first. */
  ratingHistory: RatingPoint[];
  /** Recent public games, newest first. */
  games: PlayerGame[];
}
