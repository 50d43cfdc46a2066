// How much imports stall a node's event loop. A node runs as its own process (server/main.ts, PGlite
// in a temp dir); a probe asks it GET /api/cpu-profiles every 2 ms while three imports run at once,
// and the probe's worst answer time is what a game on that node would have waited. Beside it, the
// CPU time the same check costs when run inline (checkImportBody), which is what the event loop paid
// before imports moved to a worker thread. Run: node --import tsx bench/import-stall.ts
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { checkImportBody } from "../server/http/import-check.ts";
import { RELAXED_LIMITS_ENV } from "../server/limits.ts";
import { finishedExport } from "../server/testing.ts";

const PORT = 20_000 + Math.floor(Math.random() * 20_000);
const url = `http://127.0.0.1:${PORT}`;
const dataDir = mkdtempSync(path.join(os.tmpdir(), "golf-bench-import-"));
const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(PORT), HOST: "127.0.0.1", LOG_LEVEL: "warn", DATA_DIR: dataDir, ...RELAXED_LIMITS_ENV };
delete env.DATABASE_URL;
delete env.REDIS_URL;
const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], { env, stdio: "ignore" });
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${url}/health`)).ok) break;
  } catch {
    if (i > 600) throw new Error("the node did not start");
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
}

// Imports need a session: a guest's.
const guest = await fetch(`${url}/auth/anonymous`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ options: { name: "Importer" } }) });
const headers = { authorization: `Bearer ${((await guest.json()) as { token: string }).token}` };

const long = finishedExport(7, { seats: 6, holes: 18 });
/** A valid export of the long game, with its own creation time (so it is not a repeat import). */
const validLong = () => {
  const createdAt = Date.parse(long.game.createdAt) - Math.floor(Math.random() * 1e9);
  return JSON.stringify({ ...long, game: { ...long.game, createdAt: new Date(createdAt).toISOString(), endedAt: new Date(createdAt + long.events.at(-1)!.at).toISOString() } });
};
const bodies: [string, () => string][] = [
  ["1 MB of [ (refused by the depth scan)", () => "[".repeat(1024 * 1024 - 1)],
  ["1 MB flat array (parsed, refused by its shape)", () => `[${"1,".repeat(512 * 1024 - 2)}1]`],
  [`a valid 6-seat 18-hole export (${Math.round(validLong().length / 1024)} kB, replayed, stored)`, validLong],
];

async function probeWhile(work: Promise<unknown>): Promise<number> {
  let done = false;
  void work.finally(() => (done = true));
  let worst = 0;
  while (!done) {
    const start = performance.now();
    await (await fetch(`${url}/api/cpu-profiles`)).arrayBuffer();
    worst = Math.max(worst, performance.now() - start);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return worst;
}

// Warm the worker up (its first start loads the engine).
await fetch(`${url}/api/games/import`, { method: "POST", headers, body: validLong() });
let idle = 0;
for (let i = 0; i < 200; i++) {
  const start = performance.now();
  await (await fetch(`${url}/api/cpu-profiles`)).arrayBuffer();
  idle = Math.max(idle, performance.now() - start);
}
console.log(`probe alone: worst ${idle.toFixed(1)} ms over 200 requests`);
for (const [name, make] of bodies) {
  const body = make();
  const inline: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    checkImportBody(Buffer.from(body));
    inline.push(performance.now() - start);
  }
  const worst: number[] = [];
  let statuses = "";
  for (let round = 0; round < 5; round++) {
    const payloads = [make(), make(), make()];
    const work = Promise.all(payloads.map(async (payload) => (await fetch(`${url}/api/games/import`, { method: "POST", headers, body: payload })).status));
    worst.push(await probeWhile(work));
    statuses = (await work).join(",");
  }
  inline.sort((a, b) => a - b);
  worst.sort((a, b) => a - b);
  console.log(`${name}: statuses ${statuses}`);
  console.log(`  inline check, one body: median ${inline[2]!.toFixed(1)} ms (x3 at once: ~${(3 * inline[2]!).toFixed(0)} ms on the loop before)`);
  console.log(`  probe's worst answer during 3 concurrent imports, 5 rounds: median ${worst[2]!.toFixed(1)} ms, max ${worst[4]!.toFixed(1)} ms`);
}
child.kill("SIGTERM");
await new Promise((resolve) => child.once("exit", resolve));
rmSync(dataDir, { recursive: true, force: true });
