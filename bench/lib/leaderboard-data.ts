// The data of bench:leaderboard, made by bulk SQL (generate_series) in a scratch database already
// migrated: `users` registered players with a live session each, and `games` finished ranked games
// of 2-6 of them spread evenly over the last 365 days, with what the routes read of them: the game
// rows and their seatTaken events (a user's games, `games` of /api/me), game_results, player_stats,
// period_stats (all, ISO weeks, months), ratings and rating_history, board_counts. The figures are
// arbitrary but shaped like real ones (wins spread, every user rated); the stats are not folded from
// real logs: this bench measures reading them, and the recorder's own speed is measured apart.
import { createHash } from "node:crypto";
import type pg from "pg";

/** The id of bench user `n` (1-based), as the SQL makes it. */
export function benchUserId(n: number): string {
  return uuidOf(`bench-user-${n}`);
}

/** The session id of bench user `n`. */
export function benchSessionId(n: number): string {
  return uuidOf(`bench-session-${n}`);
}

function uuidOf(text: string): string {
  const hex = createHash("md5").update(text).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Fills the database; `say` hears each step. */
export async function generate(client: pg.Client, users: number, games: number, say: (line: string) => void): Promise<void> {
  const step = async (what: string, sql: string) => {
    const started = performance.now();
    await client.query(sql);
    say(`  ${what} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  };
  const U = Math.floor(users);
  const G = Math.floor(games);
  await step(
    `${U} users and their sessions`,
    `INSERT INTO users (id, name, username, email, password_hash, guest, created_at)
       SELECT md5('bench-user-' || i)::uuid, 'player' || i, 'player' || i, 'player' || i || '@bench.test', 'scrypt$bench$none', false, now() - interval '400 days'
       FROM generate_series(1, ${U}) AS i;
     INSERT INTO sessions (id, user_id, created_at, expires_at)
       SELECT md5('bench-session-' || i)::uuid, md5('bench-user-' || i)::uuid, now(), now() + interval '30 days'
       FROM generate_series(1, ${U}) AS i;`,
  );
  // Every seat: game j (1 newest ... G oldest) has 2 + j % 5 players, distinct users spread over all.
  await step(
    `${G} games' seats`,
    `CREATE UNLOGGED TABLE bench_seats AS
       SELECT j AS game, k AS seat, 2 + j % 5 AS players,
              md5('bench-user-' || ((j::bigint * 7919 + k::bigint * ${Math.max(1, Math.floor(U / 6))}) % ${U} + 1))::uuid AS user_id,
              ((j::bigint * 7919 + k::bigint * ${Math.max(1, Math.floor(U / 6))}) % ${U} + 1) AS user_n,
              md5('bench-game-' || j)::uuid AS game_id,
              ${G} - j + 1 AS result_seq,
              now() - (j::double precision / ${G}) * interval '365 days' AS ended_at,
              20 + (j * 31 + k * 17) % 60 AS total
       FROM generate_series(1, ${G}) AS j, generate_series(0, 5) AS k WHERE k < 2 + j % 5;
     ALTER TABLE bench_seats ADD COLUMN place int;
     UPDATE bench_seats AS s SET place = r.place FROM (
       SELECT game, seat, rank() OVER (PARTITION BY game ORDER BY total) AS place FROM bench_seats) AS r
       WHERE r.game = s.game AND r.seat = s.seat;`,
  );
  await step(
    "games, their heads and seatTaken events",
    `INSERT INTO games (id, code, status, is_private, rules, holes, decks, seats, created_at, ended_at, totals, winners, imported, result_seq)
       SELECT game_id, upper(substr(md5('code-' || game), 1, 6)), 'finished', false, '{}', 9, NULL,
              jsonb_agg(jsonb_build_object('name', 'player' || user_n, 'kind', 'human', 'profile', '') ORDER BY seat),
              min(ended_at) - interval '20 minutes', min(ended_at),
              jsonb_agg(total ORDER BY seat), jsonb_agg(seat) FILTER (WHERE place = 1), false, min(result_seq)
       FROM bench_seats GROUP BY game, game_id;
     INSERT INTO game_heads (game_id, last_seq) SELECT game_id, max(seat) + 2 FROM bench_seats GROUP BY game_id;
     INSERT INTO game_events (game_id, seq, type, seat, data, at)
       SELECT game_id, seat + 2, 'seatTaken', seat,
              jsonb_build_object('name', 'player' || user_n, 'kind', 'human', 'profile', '', 'playerId', user_id::text, 'userId', user_id::text),
              ended_at - interval '20 minutes'
       FROM bench_seats;`,
  );
  await step(
    "game_results",
    `INSERT INTO game_results (user_id, result_seq, seat, game_id, ended_at, ranked, place, players, won, total, holes, hole_score_sum,
                               best_hole, holes_won, went_out, went_out_lowest, knock_penalties)
       SELECT user_id, result_seq, seat, game_id, ended_at, true, place, players, place = 1, total, 9, total,
              greatest(-2, total / 9 - 3), (game + seat) % 4, CASE WHEN (game + seat) % 3 = 0 THEN 1 ELSE 0 END,
              CASE WHEN (game + seat) % 6 = 0 THEN 1 ELSE 0 END, 0
       FROM bench_seats;`,
  );
  // The boards' counts are kept by triggers row by row; in bulk they are counted once, after.
  await client.query("SET session_replication_role = replica");
  await step(
    "player_stats, period_stats, ratings, rating_history",
    `INSERT INTO player_stats (user_id, scope, games, wins, holes, hole_score_sum, best_hole, holes_won, went_out, went_out_lowest, knock_penalties, streak, best_streak)
       SELECT user_id, scope, count(*), count(*) FILTER (WHERE won), sum(holes), sum(hole_score_sum), min(best_hole), sum(holes_won),
              sum(went_out), sum(went_out_lowest), 0, 0, 1
       FROM game_results, (VALUES ('all'), ('ranked')) AS scopes(scope) GROUP BY user_id, scope;
     INSERT INTO period_stats (period, user_id, games, wins, holes, hole_score_sum, mean_hole_score, listed)
       SELECT period, user_id, count(*), count(*) FILTER (WHERE won), sum(holes), sum(hole_score_sum), sum(hole_score_sum)::double precision / sum(holes), true
       FROM game_results,
            LATERAL (VALUES ('all'), (to_char(ended_at AT TIME ZONE 'UTC', 'IYYY-"W"IW')), (to_char(ended_at AT TIME ZONE 'UTC', 'YYYY-MM'))) AS p(period)
       GROUP BY period, user_id;
     INSERT INTO ratings (player, user_id, mu, sigma, rating, games, result_seq, listed)
       SELECT user_id::text, user_id, mu, sigma, round(1500 + 20 * (mu - 3 * sigma)), games, last_seq, true
       FROM (SELECT user_id, count(*) AS games, max(result_seq) AS last_seq,
                    25 + (count(*) FILTER (WHERE won)::double precision / count(*) - 0.25) * 12 AS mu,
                    greatest(0.8, 8.333 / sqrt(1 + count(*) / 4.0)) AS sigma
             FROM game_results GROUP BY user_id) AS r;
     INSERT INTO rating_history (player, result_seq, game_id, ended_at, mu, sigma, rating)
       SELECT g.user_id::text, g.result_seq, g.game_id, g.ended_at, r.mu, r.sigma, r.rating + (g.result_seq % 41) - 20
       FROM game_results AS g JOIN ratings AS r ON r.player = g.user_id::text;`,
  );
  await client.query("SET session_replication_role = DEFAULT");
  await step(
    "board_counts",
    `INSERT INTO board_counts (board, period, value, n)
       SELECT 'wins', period, wins, count(*) FROM period_stats WHERE listed GROUP BY period, wins
       UNION ALL SELECT 'games', period, games, count(*) FROM period_stats WHERE listed GROUP BY period, games
       UNION ALL SELECT 'meanHoleScore', period, mean_bucket(mean_hole_score), count(*) FROM period_stats WHERE listed AND holes >= 36 GROUP BY period, mean_bucket(mean_hole_score)
       UNION ALL SELECT 'rating', 'all', rating, count(*) FROM ratings WHERE listed AND games >= 5 GROUP BY rating;
     DROP TABLE bench_seats;`,
  );
  await step("VACUUM ANALYZE", "VACUUM ANALYZE");
}
