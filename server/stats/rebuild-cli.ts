// `npm run stats:rebuild`: rebuilds every results, stats, rating and history table from the games'
// logs, in the stored order, then the merges (docs/stats.md). Reads DATABASE_URL, else the embedded
// PGlite in DATA_DIR (stop the node first: one process holds it). Nodes of a cluster may keep
// running: they wait for the rebuild's lock before applying the next result.
import { pino } from "pino";
import { z } from "zod";
import { openStore } from "../store/index.ts";

const env = z.object({ DATABASE_URL: z.string().optional(), DATA_DIR: z.string().default("./data"), LOG_LEVEL: z.string().default("info") }).safeParse(process.env);
if (!env.success) {
  console.error(`Bad settings: ${env.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
  process.exit(2);
}
const logger = pino({ level: env.data.LOG_LEVEL });
try {
  const store = await openStore({ databaseUrl: env.data.DATABASE_URL || undefined, dataDir: env.data.DATA_DIR, logger });
  try {
    const started = Date.now();
    const done = await store.results.rebuild((games) => logger.debug({ games }, "rebuilding"));
    logger.info({ ...done, ms: Date.now() - started }, "stats rebuilt from the logs");
  } finally {
    await store.close();
  }
} catch (error) {
  logger.error({ err: error }, "the rebuild failed; nothing was changed");
  process.exit(1);
}
