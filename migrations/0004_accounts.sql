-- Accounts (docs/accounts.md): users (guests and registered players), their revocable sessions, the
-- JWT secret shared by every node when JWT_SECRET is unset, and the guests merged into accounts.
-- Written for PostgreSQL 15 and PGlite (PostgreSQL 18).

-- Up Migration

CREATE TABLE IF NOT EXISTS users (
  id             uuid PRIMARY KEY,
  -- What a guest typed, or a registered player's username; "Deleted player" once deleted.
  name           text NOT NULL,
  -- Registered players only; unique ignoring case (the indexes below). NULL for guests and once deleted.
  username       text,
  email          text,
  password_hash  text,
  guest          boolean NOT NULL DEFAULT true,
  created_at     timestamptz NOT NULL,
  confirmed_at   timestamptz,
  admin          boolean NOT NULL DEFAULT false,
  ban_reason     text,
  -- A ban with no end has banned_at set and banned_until NULL.
  banned_at      timestamptz,
  banned_until   timestamptz,
  deleted_at     timestamptz,
  CHECK (guest OR deleted_at IS NOT NULL OR (username IS NOT NULL AND email IS NOT NULL AND password_hash IS NOT NULL))
);

CREATE UNIQUE INDEX IF NOT EXISTS users_username ON users (lower(username)) WHERE username IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS users_email ON users (lower(email)) WHERE email IS NOT NULL;
-- The daily sweep of guests with no game.
CREATE INDEX IF NOT EXISTS users_guests ON users (created_at) WHERE guest AND deleted_at IS NULL;

-- A session is what a session token names: revoked by signing out, a ban or a password change;
-- its expiry moves forward as it is used.
CREATE TABLE IF NOT EXISTS sessions (
  id          uuid PRIMARY KEY,
  user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id);

-- One row: the secret every node signs tokens with when JWT_SECRET is not set.
CREATE TABLE IF NOT EXISTS auth_secrets (
  name        text PRIMARY KEY,
  secret      text NOT NULL,
  created_at  timestamptz NOT NULL
);

-- Each guest merged into an account at login: its games count for the account from then on.
CREATE TABLE IF NOT EXISTS user_merges (
  from_user_id  uuid PRIMARY KEY,
  into_user_id  uuid NOT NULL,
  merged_at     timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS user_merges_into ON user_merges (into_user_id);

-- The games a signed-in player took a seat in (their seatTaken events carry the user id): whether
-- a guest has games, and which. Partial, so the events of every other kind never touch it.
CREATE INDEX IF NOT EXISTS game_events_user ON game_events ((data ->> 'userId'))
  WHERE type = 'seatTaken' AND data ? 'userId';

-- Down Migration

DROP INDEX IF EXISTS game_events_user;
DROP TABLE IF EXISTS user_merges;
DROP TABLE IF EXISTS auth_secrets;
DROP TABLE IF EXISTS sessions;
DROP TABLE IF EXISTS users;
