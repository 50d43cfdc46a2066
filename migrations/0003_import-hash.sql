-- Imports are identified by a hash of their log (server/http/import-check.ts, logHash): importing
-- the same game again gives back the game already imported. Unique, so two identical imports at
-- once store one game.

-- Up Migration

ALTER TABLE games ADD COLUMN IF NOT EXISTS import_hash text;
CREATE UNIQUE INDEX IF NOT EXISTS games_import_hash ON games (import_hash) WHERE import_hash IS NOT NULL;

-- Down Migration

DROP INDEX IF EXISTS games_import_hash;
ALTER TABLE games DROP COLUMN IF EXISTS import_hash;
