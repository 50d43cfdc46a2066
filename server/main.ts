// `npm start`: one node, configured from the environment (README.md, Running a node).
import v8 from "node:v8";
import { z } from "zod";
import { createNode } from "./node.ts";

const env = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(2567),
    HOST: z.string().default("0.0.0.0"),
    PUBLIC_ADDRESS: z.string().optional(),
    DATABASE_URL: z.string().optional(),
    REDIS_URL: z.string().optional(),
    DATA_DIR: z.string().default("./data"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    CPU_DELAY_MS: z.coerce.number().int().min(0).optional(),
    STATS_POLL_MS: z.coerce.number().int().min(0).default(1000),
    HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(400).default(40),
  })
  .safeParse(process.env);
if (!env.success) {
  console.error(`Bad settings: ${env.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
  process.exit(2);
}
const settings = env.data;
// A game server's heap is mostly per-move garbage, much of it promoted by the young generation's
// collections while moves are in flight. V8's default lets the old generation grow to several times
// its live data before a full collection; 40% keeps a node of 100 busy games some 40 MB smaller at a
// small cost in GC work (BENCHMARKS.md, game server). V8 reads this flag at every collection, so
// setting it here, after start, takes effect. 0 keeps V8's default.
if (settings.HEAP_GROWING_PERCENT > 0) v8.setFlagsFromString(`--heap-growing-percent=${settings.HEAP_GROWING_PERCENT}`);

try {
  const node = await createNode({
    port: settings.PORT,
    host: settings.HOST,
    publicAddress: settings.PUBLIC_ADDRESS,
    databaseUrl: settings.DATABASE_URL || undefined,
    redisUrl: settings.REDIS_URL || undefined,
    dataDir: settings.DATA_DIR,
    logLevel: settings.LOG_LEVEL,
    cpuDelayMs: settings.CPU_DELAY_MS,
    statsPollMs: settings.STATS_POLL_MS,
  });
  node.logger.info(`Six-Card Golf is served at http://localhost:${node.port}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    node.logger.info({ signal }, "stopping: in-flight moves commit, clients are told, then the node exits");
    node.close().then(
      () => process.exit(0),
      (error) => {
        node.logger.error({ err: error }, "unclean stop");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
} catch (error) {
  console.error(`The node could not start: ${(error as Error).message}`);
  process.exit(1);
}
