// A server under test as its own process (so its CPU time and memory can be read from /proc): start
// it, wait for GET /health, stop it.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { sleep } from "./time.ts";

export const REPO = path.resolve(import.meta.dirname, "../..");

/** The node arguments of `npm run start:server` (V8 flags, the tsx loader, the entry point): the node is measured as it is run. */
export function startServerArgs(): string[] {
  const script = (JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts["start:server"];
  const words = script?.split(/\s+/) ?? [];
  if (words[0] !== "node" || words.at(-1) !== "server/main.ts") throw new Error(`unexpected start:server script: ${script}`);
  return words.slice(1);
}

/**
 * The environment of a lone node on `port` (no cluster, even when the caller's environment names a
 * Redis) on the given database: PostgreSQL at `url`, or PGlite in `dataDir`.
 */
export function loneNodeEnv(port: number, database: { url?: string; dataDir?: string }, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: "127.0.0.1", ...extra };
  delete env.REDIS_URL;
  delete env.DATABASE_URL;
  delete env.DATA_DIR;
  if (database.url) env.DATABASE_URL = database.url;
  if (database.dataDir) env.DATA_DIR = database.dataDir;
  return env;
}

/** Runs `node ...args` in the repository and resolves once http://127.0.0.1:port/health answers. */
export async function startServerProcess(args: string[], env: NodeJS.ProcessEnv, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { cwd: REPO, env, stdio: ["ignore", "inherit", "inherit"] });
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited while starting (code ${child.exitCode})`);
    if (await fetch(`http://127.0.0.1:${port}/health`).then((response) => response.ok, () => false)) return child;
    if (Date.now() - started > 60_000) {
      child.kill("SIGKILL");
      throw new Error("the server did not answer /health within 60 s");
    }
    await sleep(100);
  }
}

/** SIGTERM, then SIGKILL if it has not exited within 15 s. */
export async function stopServerProcess(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await Promise.race([exited, sleep(15_000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}
