-- An imported game belongs to its importer (platform.md, replays): imports need a session, and the
-- same log imported again by the same user gives back that user's game. Another user importing the
-- same log gets a game of their own. Imports from before this migration have no owner.

-- Up Migration

ALTER TABLE games ADD COLUMN IF NOT EXISTS imported_by uuid;
DROP INDEX IF EXISTS games_import_hash;
CREATE UNIQUE INDEX IF NOT EXISTS games_import_hash_owner ON games (import_hash, imported_by) WHERE import_hash IS NOT NULL;

-- Down Migration

DROP INDEX IF EXISTS games_import_hash_owner;
CREATE UNIQUE INDEX IF NOT EXISTS games_import_hash ON games (import_hash) WHERE import_hash IS NOT NULL;
ALTER TABLE games DROP COLUMN IF EXISTS imported_by;
