-- Seats belong to players: a seat token names a player id (recorded in the log by the seatTaken
-- event), never a seat index, so no lost or reordered write can point a token at another seat.
-- And a game's settings that are not in its log (CPU pacing, quick play, the CPUs still to seat),
-- so that a recovered game keeps them.

-- Up Migration

CREATE TABLE IF NOT EXISTS player_tokens (
  game_id     uuid NOT NULL REFERENCES games (id) ON DELETE CASCADE,
  token_hash  text NOT NULL,
  player_id   text NOT NULL,
  PRIMARY KEY (game_id, token_hash)
);

ALTER TABLE games ADD COLUMN IF NOT EXISTS settings jsonb NOT NULL DEFAULT '{}';

-- Down Migration

ALTER TABLE games DROP COLUMN IF EXISTS settings;
DROP TABLE IF EXISTS player_tokens;
