// Helpers for tests that run the server as its own process (`npm start`'s entry point) against a
// database that outlives it: a free port, the process itself, the wait for its games to come back,
// and the databases to run against. Not a test file: importing it runs no tests.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, vi } from "vitest";
import { scratchDatabase } from "../testing.ts";
import { freePort } from "../free-port.ts";
import { RELAXED_LIMITS_ENV } from "../limits.ts";

const REPO = path.resolve(import.meta.dirname, "../..");
/** Generous: these are liveness bounds, not performance claims. */
export const WAIT = { timeout: 45_000, interval: 20 };

/** A server process started by `startServerProcess`. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Settles when the process exits, with its exit code or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
}

/**
 * `npm start`'s entry point as its own process, configured through the environment only (`settings`
 * adds to it): resolves
 * once it answers /health (which may be before it has brought its games back: see `gameIsLive`).
 */
export async function startServerProcess(port: number, database: { url?: string; dataDir?: string }, settings: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn", CPU_DELAY_MS: "0", ...RELAXED_LIMITS_ENV, ...settings };
  // One node on its own: no cluster, even when the caller's environment (CI) names a Redis.
  delete env.REDIS_URL;
  delete env.DATABASE_URL;
  delete env.DATA_DIR;
  if (database.url) env.DATABASE_URL = database.url;
  if (database.dataDir) env.DATA_DIR = database.dataDir;
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], { cwd: REPO, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  let gone = false;
  void exited.then(() => (gone = true));
  const url = `http://127.0.0.1:${port}`;
  await vi.waitFor(
    async () => {
      if (gone) throw new Error(`the server process exited while starting:\n${output}`);
      const response = await fetch(`${url}/health`);
      expect(response.status).toBe(200);
    },
    { timeout: 60_000, interval: 100 },
  );
  return { url, child, exited, output: () => output };
}

/** Waits until the node at `url` lists the game `code` as live (brought back after a restart); public games only. */
export async function gameIsLive(url: string, code: string): Promise<void> {
  await vi.waitFor(async () => {
    const live = (await (await fetch(`${url}/api/games/live`)).json()) as { code: string }[];
    expect(live.map((game) => game.code)).toContain(code);
  }, WAIT);
}

/** A database of its own for one group of tests, given to server processes by `location`. */
export interface Database {
  kind: string;
  location: { url?: string; dataDir?: string };
  drop(): Promise<void>;
}

/** One database backend a group of tests runs against, by name (for `describe.each`). */
export interface Backend {
  name: string;
  open(): Promise<Database>;
}

/**
 * The databases to run against: a scratch PostgreSQL database (`golf_<label>_…`) on
 * TEST_DATABASE_URL when it is set, and always embedded PGlite in a temporary directory
 * (`golf-<label>-…`).
 */
export function databaseBackends(label: string): Backend[] {
  return [
    ...(process.env.TEST_DATABASE_URL
      ? [
          {
            name: "PostgreSQL",
            async open(): Promise<Database> {
              const scratch = await scratchDatabase(process.env.TEST_DATABASE_URL!, `golf_${label}`);
              return { kind: "PostgreSQL", location: { url: scratch.url }, drop: scratch.drop };
            },
          },
        ]
      : []),
    {
      name: "embedded PGlite",
      async open(): Promise<Database> {
        const dataDir = mkdtempSync(path.join(os.tmpdir(), `golf-${label}-`));
        return { kind: "PGlite", location: { dataDir }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
      },
    },
  ];
}
