-- The event store: every game is an ordered log of events plus one metadata row.
-- Written for PostgreSQL 15 (the servers) and PGlite (PostgreSQL 18, embedded). node-pg-migrate
-- runs it once; IF NOT EXISTS keeps a rerun harmless all the same.

-- Up Migration

CREATE TABLE IF NOT EXISTS games (
  id          uuid PRIMARY KEY,
  -- The join code: unique among unfinished games only (see games_open_code below).
  code        text NOT NULL,
  status      text NOT NULL CHECK (status IN ('lobby', 'running', 'finished', 'abandoned')),
  is_private  boolean NOT NULL DEFAULT false,
  rules       jsonb NOT NULL DEFAULT '{}',
  holes       integer NOT NULL CHECK (holes > 0),
  decks       integer CHECK (decks > 0),
  seats       jsonb NOT NULL DEFAULT '[]',
  created_at  timestamptz NOT NULL,
  ended_at    timestamptz,
  totals      jsonb,
  winners     jsonb,
  node        text,
  imported    boolean NOT NULL DEFAULT false
);

-- A code is taken only while its game is unfinished, on any node. Finished and imported games
-- keep their code without blocking it.
CREATE UNIQUE INDEX IF NOT EXISTS games_open_code ON games (code) WHERE status IN ('lobby', 'running');

-- Recovery lists the unfinished games at start.
CREATE INDEX IF NOT EXISTS games_unfinished ON games (created_at)
  WHERE status IN ('lobby', 'running') AND NOT imported;

-- The head of each game's log: the seq of its last committed event. Every append moves it with a
-- guarded UPDATE (WHERE last_seq = expected) in the same statement that inserts the events: that
-- row lock serializes the writers of a game and refuses a fork. It is a table of its own, narrow
-- and mostly empty pages, because it is updated on every append: the updates stay HOT (no index
-- writes) and the wide games rows are not rewritten each time.
CREATE TABLE IF NOT EXISTS game_heads (
  game_id   uuid PRIMARY KEY REFERENCES games (id) ON DELETE CASCADE,
  last_seq  integer NOT NULL DEFAULT 0 CHECK (last_seq >= 0)
)
WITH (fillfactor = 20);

-- One row per event; (game_id, seq) is the primary key, so a game's log can never hold two
-- events with the same seq, whatever a writer does. No foreign key to games: events are only ever
-- inserted by the statement that has just claimed their game's head row, and the key's check per
-- row cost about a third of an append batch's time.
CREATE TABLE IF NOT EXISTS game_events (
  game_id  uuid NOT NULL,
  seq      integer NOT NULL CHECK (seq > 0),
  type     text NOT NULL,
  seat     smallint,
  data     jsonb NOT NULL,
  at       timestamptz NOT NULL,
  PRIMARY KEY (game_id, seq)
);

-- Seat tokens, hashed by the caller, beside the game and never in its events.
CREATE TABLE IF NOT EXISTS seat_tokens (
  game_id     uuid NOT NULL REFERENCES games (id) ON DELETE CASCADE,
  seat        smallint NOT NULL CHECK (seat >= 0),
  token_hash  text NOT NULL,
  PRIMARY KEY (game_id, seat)
);

-- Public links to a finished game's replay.
CREATE TABLE IF NOT EXISTS shares (
  code        text PRIMARY KEY,
  game_id     uuid NOT NULL REFERENCES games (id) ON DELETE CASCADE,
  title       text NOT NULL,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  views       integer NOT NULL DEFAULT 0
);

CREATE INDEX IF NOT EXISTS shares_game ON shares (game_id);

-- Down Migration

DROP TABLE IF EXISTS shares;
DROP TABLE IF EXISTS seat_tokens;
DROP TABLE IF EXISTS game_events;
DROP TABLE IF EXISTS game_heads;
DROP TABLE IF EXISTS games;
