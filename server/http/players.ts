// The players' routes (platform.md, "Leaderboards, history, profiles"; docs/http.md): leaderboards,
// the signed-in player and their games, public profiles. Inputs are checked by the schemas of
// shared/protocol/players.ts before anything is read; every list walks its index by cursor.
import express from "express";
import type { z } from "zod";
import {
  leaderboardMetricSchema,
  leaderboardQuerySchema,
  myGamesQuerySchema,
  profileNameSchema,
  type GameSummary,
  type LeaderboardAnswer,
  type LeaderboardEntry,
  type MeAnswer,
  type MyGamesAnswer,
  type PlayerStatsBody,
  type ProfileAnswer,
  type StatsBody,
} from "../../shared/protocol/index.ts";
import type { LeaderboardRow, PlayerStats, Store, UserGame, UserStats } from "../store/index.ts";
import type { AccountService } from "../accounts/service.ts";
import { HttpError } from "./errors.ts";
import { requireViewer, viewerOf } from "./viewer.ts";

/** How much of a profile's history and games it shows. */
const PROFILE_HISTORY = 100;
const PROFILE_GAMES = 20;

export function createPlayersRouter(deps: { store: Store; accounts: AccountService }): express.Router {
  const router = express.Router();
  const { store, accounts } = deps;

  router.get("/api/leaderboards/:metric", async (req, res) => {
    const metric = parse(leaderboardMetricSchema, req.params.metric, "metric");
    const query = parse(leaderboardQuerySchema, req.query, "query");
    if (metric === "rating" && query.period !== "all") throw new HttpError(400, "the rating leaderboard is all time only: period=all");
    // The session first: a bad token is refused before anything is read.
    const viewer = await viewerOf(req, accounts);
    const board = { metric, period: query.period };
    const [page, mine] = await Promise.all([
      store.stats.leaderboard(board, { cursor: query.cursor, limit: query.limit }),
      viewer ? store.stats.standing(board, viewer.user.id) : Promise.resolve(null),
    ]);
    const names = await store.stats.names([...page.rows.map((row) => row.userId), ...(mine ? [mine.userId] : [])]);
    const entry = (row: LeaderboardRow): LeaderboardEntry => ({ rank: row.rank, user: { id: row.userId, name: names.get(row.userId) ?? "" }, value: row.value, games: row.games });
    const answer: LeaderboardAnswer = { metric, period: query.period, rows: page.rows.map(entry), next: page.next };
    if (viewer) answer.me = mine ? entry(mine) : null;
    res.set("Cache-Control", viewer ? "private, no-store" : "no-store").json(answer);
  });

  router.get("/api/me", async (req, res) => {
    const { user } = await requireViewer(req, accounts, "/api/me");
    const [publicUser, stats] = await Promise.all([accounts.publicUser(user), store.stats.userStats(user.id)]);
    res.set("Cache-Control", "private, no-store").json({ user: publicUser, stats: statsBody(stats) } satisfies MeAnswer);
  });

  router.get("/api/me/games", async (req, res) => {
    const query = parse(myGamesQuerySchema, req.query, "query");
    const { user } = await requireViewer(req, accounts, "/api/me/games");
    const page = await store.stats.userGames(user.id, query.status, { cursor: query.cursor, limit: query.limit });
    res.set("Cache-Control", "private, no-store").json({ status: query.status, games: page.items.map(summary), next: page.next } satisfies MyGamesAnswer);
  });

  router.get("/api/users/:name", async (req, res) => {
    const name = parse(profileNameSchema, req.params.name, "name");
    const user = await store.accounts.byUsername(name);
    // Registered players only: guests have no username, deleted accounts none any more.
    if (!user || user.guest) throw new HttpError(404, `no player named ${name}`);
    const [stats, history, games] = await Promise.all([
      store.stats.userStats(user.id),
      store.stats.ratingHistory(user.id, { limit: PROFILE_HISTORY }),
      store.stats.userGames(user.id, "finished", { limit: PROFILE_GAMES, publicOnly: true }),
    ]);
    res.set("Cache-Control", "no-store").json({
      user: { id: user.id, name: user.name, since: user.createdAt },
      stats: statsBody(stats),
      ratingHistory: history.items.map(({ gameId, at, rating }) => ({ gameId, at, rating })),
      recentGames: games.items.map(summary),
    } satisfies ProfileAnswer);
  });

  return router;
}

/** The value, or 400 with the schema's first complaint. */
function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length > 0 ? `${issue.path.join(".")}: ` : `${what}: `;
  throw new HttpError(400, `${where}${issue.message}`);
}

function statsBody(stats: UserStats): StatsBody {
  return {
    all: playerStats(stats.all),
    ranked: playerStats(stats.ranked),
    rating: stats.rating ? { rating: stats.rating.rating, games: stats.rating.games } : null,
  };
}

function playerStats(stats: PlayerStats): PlayerStatsBody {
  return { ...stats, meanHoleScore: stats.holes > 0 ? stats.holeScoreSum / stats.holes : null };
}

function summary(game: UserGame): GameSummary {
  const open = game.status === "lobby" || game.status === "running";
  return {
    code: game.code,
    gameId: game.gameId,
    status: game.status,
    at: game.at,
    players: game.seats.flatMap((seat) => (seat.kind === "empty" ? [] : [{ name: seat.name, kind: seat.kind }])),
    result: game.result,
    canResume: open,
    canReplay: game.status === "finished",
  };
}
