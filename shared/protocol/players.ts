// The bodies of the players' routes (platform.md, "Leaderboards, history, profiles"; docs/http.md):
// leaderboards, the signed-in player (/api/me), their games and public profiles. The query schemas
// are checked by the server before anything is read; a refused query is 400 `{ error }`.
import { z } from "zod";
import type { PublicUser } from "./accounts.ts";

export const LEADERBOARD_METRICS = ["rating", "wins", "meanHoleScore", "games"] as const;
export const LEADERBOARD_PERIODS = ["all", "month", "week"] as const;
export type LeaderboardMetricName = (typeof LEADERBOARD_METRICS)[number];
export type LeaderboardPeriodName = (typeof LEADERBOARD_PERIODS)[number];

/** The largest page a list answers. */
export const MAX_PAGE_LIMIT = 100;

// A cursor is opaque: whatever the previous answer's `next` was (url-safe base64).
const cursor = z
  .string({ error: "cursor must be a string" })
  .max(200, "cursor is too long")
  .regex(/^[A-Za-z0-9_-]*$/, "cursor must be the `next` of a previous answer")
  .optional()
  .transform((value) => (value ? value : undefined));
const limit = z
  .string({ error: "limit must be a number" })
  .regex(/^[0-9]{1,3}$/, `limit must be a whole number from 1 to ${MAX_PAGE_LIMIT}`)
  .transform(Number)
  .refine((n) => n >= 1 && n <= MAX_PAGE_LIMIT, `limit must be a whole number from 1 to ${MAX_PAGE_LIMIT}`)
  .optional();

/** The path parameter of GET /api/leaderboards/:metric. */
export const leaderboardMetricSchema = z.enum(LEADERBOARD_METRICS, { error: `the metric must be one of ${LEADERBOARD_METRICS.join(", ")}` });

/** The query of GET /api/leaderboards/:metric. */
export const leaderboardQuerySchema = z.strictObject(
  {
    period: z.enum(LEADERBOARD_PERIODS, { error: `period must be one of ${LEADERBOARD_PERIODS.join(", ")}` }).default("all"),
    cursor,
    limit,
  },
  { error: (issue) => (issue.code === "unrecognized_keys" ? `unknown query parameter ${issue.keys.join(", ")}: period, cursor and limit are` : undefined) },
);

/** The query of GET /api/me/games. */
export const myGamesQuerySchema = z.strictObject(
  {
    status: z.enum(["active", "finished"], { error: "status must be active or finished" }).default("finished"),
    cursor,
    limit,
  },
  { error: (issue) => (issue.code === "unrecognized_keys" ? `unknown query parameter ${issue.keys.join(", ")}: status, cursor and limit are` : undefined) },
);

/** The path parameter of GET /api/users/:name: a username (3-20 of `[A-Za-z0-9_-]`). */
export const profileNameSchema = z.string().regex(/^[A-Za-z0-9_-]{3,20}$/, "a username is 3-20 letters, digits, '_' or '-'");

/** A player as others see them: never an email. */
export interface PlayerRef {
  id: string;
  name: string;
}

export interface LeaderboardEntry {
  /** Competition rank: tied values share it (1, 2, 2, 4). */
  rank: number;
  user: PlayerRef;
  /** The rating, wins, mean hole score or games. */
  value: number;
  /** Ranked games in the period. */
  games: number;
}

/** GET /api/leaderboards/:metric. `next`: the cursor of the following page, null on the last; `me` when signed in and listed. */
export interface LeaderboardAnswer {
  metric: LeaderboardMetricName;
  period: LeaderboardPeriodName;
  rows: LeaderboardEntry[];
  next: string | null;
  me?: LeaderboardEntry | null;
}

/** A player's figures over a set of games (all, or ranked only). */
export interface PlayerStatsBody {
  games: number;
  wins: number;
  holes: number;
  holeScoreSum: number;
  /** holeScoreSum / holes; null before the first hole. */
  meanHoleScore: number | null;
  bestHole: number | null;
  holesWon: number;
  wentOut: number;
  wentOutLowest: number;
  knockPenalties: number;
  streak: number;
  bestStreak: number;
}

export interface RatingBody {
  /** The displayed rating; null while unrated (fewer than 5 ranked games). */
  rating: number | null;
  /** Ranked games rated. */
  games: number;
}

export interface StatsBody {
  all: PlayerStatsBody;
  ranked: PlayerStatsBody;
  /** null before the first ranked game. */
  rating: RatingBody | null;
}

/** GET /api/me: the signed-in user (guest or registered), as it sees itself, with its stats and rating. */
export interface MeAnswer {
  user: PublicUser;
  stats: StatsBody;
}

/** One of a player's games in a list. */
export interface GameSummary {
  code: string;
  gameId: string;
  status: "lobby" | "running" | "finished" | "abandoned";
  /** Epoch ms: when it ended, or for an active game when the player took the seat. */
  at: number;
  /** Who sat at the table (names as typed there), in seat order. */
  players: { name: string; kind: "human" | "cpu" }[];
  /** Finished games: the player's place among `players`, total, whether it won, whether it was ranked. */
  result: { place: number; players: number; won: boolean; total: number; ranked: boolean } | null;
  /** Running or in its lobby: joining its code gives the seat back. */
  canResume: boolean;
  /** Finished: its replay can be opened (/api/games/:gameId/export). */
  canReplay: boolean;
}

/** GET /api/me/games. */
export interface MyGamesAnswer {
  status: "active" | "finished";
  games: GameSummary[];
  next: string | null;
}

export interface RatingHistoryPoint {
  gameId: string;
  /** Epoch ms: when the game ended. */
  at: number;
  rating: number;
}

/** GET /api/users/:name: a registered player's public profile. */
export interface ProfileAnswer {
  user: PlayerRef & { since: number };
  stats: StatsBody;
  /** The displayed rating after each ranked game, newest first (the latest 100). */
  ratingHistory: RatingHistoryPoint[];
  /** The latest finished public games, newest first. */
  recentGames: GameSummary[];
}
