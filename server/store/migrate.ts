// Applies the SQL files of migrations/ with node-pg-migrate. It holds a PostgreSQL advisory lock
// while it works (mode "wait"), so two nodes starting at once apply each migration exactly once:
// the second waits, then finds nothing left to do.
import { fileURLToPath } from "node:url";
import { runner } from "node-pg-migrate";
import type { Logger } from "pino";
import { MigrationError, StoreUnavailableError } from "./errors.ts";
import { describeError, isConnectionError } from "./pg-errors.ts";

export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL("../../migrations", import.meta.url));

/** Applies the pending migrations; returns the names of those it applied. */
export async function migrate(databaseUrl: string, options: { dir?: string; logger: Logger }): Promise<string[]> {
  const { logger } = options;
  // node-pg-migrate announces each migration just before running it: remember the name so a
  // failure can say which file broke.
  let current: string | null = null;
  const announce = /^### MIGRATION (.+) \(UP\) ###$/;
  try {
    const applied = await runner({
      databaseUrl,
      dir: options.dir ?? DEFAULT_MIGRATIONS_DIR,
      direction: "up",
      migrationsTable: "pgmigrations",
      advisoryLockMode: "wait",
      singleTransaction: true,
      checkOrder: true,
      logger: {
        debug: (msg: string) => logger.debug(msg),
        info: (msg: string) => {
          const match = announce.exec(msg);
          if (match) current = match[1]!;
          logger.debug(msg);
        },
        warn: (msg: string) => logger.warn(msg),
        error: (msg: string) => logger.error(msg),
      },
    });
    if (applied.length > 0) logger.info({ migrations: applied.map((m) => m.name) }, "applied migrations");
    return applied.map((m) => m.name);
  } catch (err) {
    if (isConnectionError(err)) {
      throw new StoreUnavailableError(`cannot reach the database to apply migrations: ${describeError(err)}`, { cause: err });
    }
    const which = current ? `migration ${current} failed` : "migrations failed";
    throw new MigrationError(`${which}: ${describeError(err)} (nothing of it was applied)`, { cause: err });
  }
}
