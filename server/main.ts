// `npm start`: one node, configured from the environment (protocol.md, Running a node).
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
  })
  .safeParse(process.env);
if (!env.success) {
  console.error(`Bad settings: ${env.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
  process.exit(2);
}
const settings = env.data;

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
