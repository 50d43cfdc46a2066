-- Results, stats and ratings, derived from the event log (docs/stats.md). Every table here except
-- stats_merges is rebuilt by `npm run stats:rebuild` from the logs, in the stored order, with the
-- merges of user_merges (migration 0004) at their places in it.

-- Up Migration

-- Where each merge falls in the stored order of results: after the result numbered
-- after_result_seq (the rebuild applies it there, so it gives the same tables as the live recorder).
CREATE TABLE IF NOT EXISTS stats_merges (
  from_user_id      uuid NOT NULL,
  into_user_id      uuid NOT NULL,
  after_result_seq  bigint NOT NULL,
  PRIMARY KEY (from_user_id, into_user_id)
);

-- The stored order of results: a finished game's place in it, set in the transaction that applies
-- its result. NULL until then.
ALTER TABLE games ADD COLUMN IF NOT EXISTS result_seq bigint;
CREATE UNIQUE INDEX IF NOT EXISTS games_result_seq ON games (result_seq) WHERE result_seq IS NOT NULL;
-- The finished games whose result is not applied yet, in the order they ended: small, since a
-- game leaves it as soon as its result is applied.
CREATE INDEX IF NOT EXISTS games_result_pending ON games (ended_at, id)
  WHERE status = 'finished' AND result_seq IS NULL AND NOT imported;

-- One row per user seated in a finished game: what the stats are folded from (a merge re-keys
-- these and folds the account's stats again). Newest first per user is a backward scan of the key.
CREATE TABLE IF NOT EXISTS game_results (
  user_id          uuid NOT NULL,
  result_seq       bigint NOT NULL,
  seat             smallint NOT NULL,
  game_id          uuid NOT NULL,
  ended_at         timestamptz NOT NULL,
  ranked           boolean NOT NULL,
  place            smallint NOT NULL,
  players          smallint NOT NULL,
  won              boolean NOT NULL,
  total            integer NOT NULL,
  holes            integer NOT NULL,
  hole_score_sum   integer NOT NULL,
  best_hole        integer,
  holes_won        integer NOT NULL,
  went_out         integer NOT NULL,
  went_out_lowest  integer NOT NULL,
  knock_penalties  integer NOT NULL,
  PRIMARY KEY (user_id, result_seq, seat)
);

-- A user's stats: all their games (scope 'all') and their ranked games apart ('ranked').
CREATE TABLE IF NOT EXISTS player_stats (
  user_id          uuid NOT NULL,
  scope            text NOT NULL CHECK (scope IN ('all', 'ranked')),
  games            integer NOT NULL,
  wins             integer NOT NULL,
  holes            integer NOT NULL,
  hole_score_sum   integer NOT NULL,
  best_hole        integer,
  holes_won        integer NOT NULL,
  went_out         integer NOT NULL,
  went_out_lowest  integer NOT NULL,
  knock_penalties  integer NOT NULL,
  streak           integer NOT NULL,
  best_streak      integer NOT NULL,
  PRIMARY KEY (user_id, scope)
);

-- The users the leaderboards show: registered players whose account is not deleted (migration 0004's
-- users). Copied into period_stats.listed and ratings.listed when those rows are written, and by the
-- trigger on users below when a guest registers or an account is deleted.
CREATE OR REPLACE FUNCTION is_listed(user_id uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$ SELECT EXISTS (SELECT 1 FROM users AS u WHERE u.id = user_id AND NOT u.guest AND u.deleted_at IS NULL) $$;

-- The leaderboards' figures of ranked games per period: 'all', an ISO week ('2026-W49', UTC) or a
-- month ('2026-12', UTC). Each metric has an index whose order is the board's, walked by a cursor.
CREATE TABLE IF NOT EXISTS period_stats (
  period           text NOT NULL,
  user_id          uuid NOT NULL,
  games            integer NOT NULL,
  wins             integer NOT NULL,
  holes            integer NOT NULL,
  hole_score_sum   integer NOT NULL,
  -- hole_score_sum / holes, kept so the board can walk an index in its order.
  mean_hole_score  double precision,
  -- is_listed(user_id), copied here so that a board is one index, walked in order.
  listed           boolean NOT NULL,
  PRIMARY KEY (period, user_id)
);
CREATE INDEX IF NOT EXISTS period_stats_wins ON period_stats (period, wins, user_id) INCLUDE (games) WHERE listed;
CREATE INDEX IF NOT EXISTS period_stats_games ON period_stats (period, games, user_id) WHERE listed;
CREATE INDEX IF NOT EXISTS period_stats_mean ON period_stats (period, mean_hole_score, user_id) INCLUDE (games)
  WHERE listed AND holes >= 36;

-- OpenSkill ratings of users (player = the user id) and of CPU personalities at a level
-- (player = 'cpu:<profile>:<level>'). rating is the displayed rating (docs/stats.md).
CREATE TABLE IF NOT EXISTS ratings (
  player      text PRIMARY KEY,
  user_id     uuid,
  mu          double precision NOT NULL,
  sigma       double precision NOT NULL,
  rating      integer NOT NULL,
  games       integer NOT NULL,
  result_seq  bigint NOT NULL,
  -- is_listed(user_id): a registered user (never a CPU).
  listed      boolean NOT NULL,
  CHECK (user_id IS NOT NULL OR NOT listed)
);
CREATE INDEX IF NOT EXISTS ratings_board ON ratings (rating, player) INCLUDE (games, user_id)
  WHERE listed AND games >= 5;

-- How many listed rows each board has at each value (the mean hole score by tenths): a user's rank
-- is 1 + the rows ahead, summed here over a few thousand values at most instead of counted row by
-- row. Kept by the triggers below from every change to period_stats and ratings; rows at 0 go.
CREATE TABLE IF NOT EXISTS board_counts (
  board   text NOT NULL,
  period  text NOT NULL,
  value   double precision NOT NULL,
  n       integer NOT NULL CHECK (n > 0),
  PRIMARY KEY (board, period, value)
);

CREATE OR REPLACE FUNCTION board_count(board_name text, period_key text, at_value double precision, delta integer)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF delta > 0 THEN
    INSERT INTO board_counts AS c (board, period, value, n) VALUES (board_name, period_key, at_value, delta)
    ON CONFLICT (board, period, value) DO UPDATE SET n = c.n + delta;
  ELSE
    UPDATE board_counts SET n = n + delta WHERE board = board_name AND period = period_key AND value = at_value AND n + delta > 0;
    IF NOT FOUND THEN
      DELETE FROM board_counts WHERE board = board_name AND period = period_key AND value = at_value;
    END IF;
  END IF;
END $$;

-- The bucket of a mean hole score on its board: its tenth, rounded down (the same expression here
-- and in server/store/stats-reads.ts).
CREATE OR REPLACE FUNCTION mean_bucket(mean double precision) RETURNS double precision
LANGUAGE sql IMMUTABLE AS $$ SELECT floor(mean * 10) / 10 $$;

CREATE OR REPLACE FUNCTION period_stats_board_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.listed THEN
    PERFORM board_count('wins', OLD.period, OLD.wins, -1);
    PERFORM board_count('games', OLD.period, OLD.games, -1);
    IF OLD.holes >= 36 THEN PERFORM board_count('meanHoleScore', OLD.period, mean_bucket(OLD.mean_hole_score), -1); END IF;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.listed THEN
    PERFORM board_count('wins', NEW.period, NEW.wins, 1);
    PERFORM board_count('games', NEW.period, NEW.games, 1);
    IF NEW.holes >= 36 THEN PERFORM board_count('meanHoleScore', NEW.period, mean_bucket(NEW.mean_hole_score), 1); END IF;
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION ratings_board_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.listed AND OLD.games >= 5 THEN PERFORM board_count('rating', 'all', OLD.rating, -1); END IF;
  IF TG_OP <> 'DELETE' AND NEW.listed AND NEW.games >= 5 THEN PERFORM board_count('rating', 'all', NEW.rating, 1); END IF;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS period_stats_board_counts ON period_stats;
CREATE TRIGGER period_stats_board_counts AFTER INSERT OR UPDATE OR DELETE ON period_stats
  FOR EACH ROW EXECUTE FUNCTION period_stats_board_counts();
DROP TRIGGER IF EXISTS users_listing ON users;
DROP FUNCTION IF EXISTS users_listing();
DROP TRIGGER IF EXISTS ratings_board_counts ON ratings;
CREATE TRIGGER ratings_board_counts AFTER INSERT OR UPDATE OR DELETE ON ratings
  FOR EACH ROW EXECUTE FUNCTION ratings_board_counts();

-- A guest who registers (or an account deleted) appears on (or leaves) the boards. Under the lock the
-- results' writers hold, so that a result applied at the same moment cannot copy the old listing.
CREATE OR REPLACE FUNCTION users_listing() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  now_listed boolean := NOT NEW.guest AND NEW.deleted_at IS NULL;
BEGIN
  PERFORM pg_advisory_xact_lock(7453734059858617716); -- server/store/results.ts, RESULTS_LOCK
  UPDATE period_stats SET listed = now_listed WHERE user_id = NEW.id AND listed <> now_listed;
  UPDATE ratings SET listed = now_listed WHERE player = NEW.id::text AND listed <> now_listed;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS users_listing ON users;
CREATE TRIGGER users_listing AFTER UPDATE OF guest, deleted_at ON users FOR EACH ROW
  WHEN ((NOT OLD.guest AND OLD.deleted_at IS NULL) IS DISTINCT FROM (NOT NEW.guest AND NEW.deleted_at IS NULL))
  EXECUTE FUNCTION users_listing();

-- Each rated player's rating after each ranked game.
CREATE TABLE IF NOT EXISTS rating_history (
  player      text NOT NULL,
  result_seq  bigint NOT NULL,
  game_id     uuid NOT NULL,
  ended_at    timestamptz NOT NULL,
  mu          double precision NOT NULL,
  sigma       double precision NOT NULL,
  rating      integer NOT NULL,
  PRIMARY KEY (player, result_seq)
);

-- A user's games, active ones included: the seats they took, found from the log itself. Text, not
-- uuid: a cast that failed on one odd event would fail the whole append batch it is in. It replaces
-- 0004's game_events_user (the same rows and first column, which the accounts' queries use as
-- well), adding the seat's time and game so that a user's games are read newest first.
CREATE INDEX IF NOT EXISTS game_events_user_seats ON game_events ((data ->> 'userId'), at, game_id)
  WHERE type = 'seatTaken' AND data ? 'userId';
DROP INDEX IF EXISTS game_events_user;

-- Down Migration

CREATE INDEX IF NOT EXISTS game_events_user ON game_events ((data ->> 'userId'))
  WHERE type = 'seatTaken' AND data ? 'userId';
DROP INDEX IF EXISTS game_events_user_seats;
DROP TRIGGER IF EXISTS users_listing ON users;
DROP FUNCTION IF EXISTS users_listing();
DROP TRIGGER IF EXISTS ratings_board_counts ON ratings;
DROP TRIGGER IF EXISTS period_stats_board_counts ON period_stats;
DROP FUNCTION IF EXISTS ratings_board_counts();
DROP FUNCTION IF EXISTS period_stats_board_counts();
DROP FUNCTION IF EXISTS mean_bucket(double precision);
DROP FUNCTION IF EXISTS board_count(text, text, double precision, integer);
DROP TABLE IF EXISTS board_counts;
DROP TABLE IF EXISTS rating_history;
DROP TABLE IF EXISTS ratings;
DROP TABLE IF EXISTS period_stats;
DROP FUNCTION IF EXISTS is_listed(uuid);
DROP TABLE IF EXISTS player_stats;
DROP TABLE IF EXISTS game_results;
DROP TABLE IF EXISTS stats_merges;
DROP INDEX IF EXISTS games_result_pending;
DROP INDEX IF EXISTS games_result_seq;
ALTER TABLE games DROP COLUMN IF EXISTS result_seq;
