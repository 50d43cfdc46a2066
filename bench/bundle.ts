// Client bundle and lobby start-up benchmark (BENCHMARKS.md, "Client (issue 5)").
//
//   npm run bench:bundle -- [--runs 10] [--json] [--no-build]
//
// 1. Builds the client (Vite) into dist/client.
// 2. Starts a real node in-process (startTestNode: embedded PGlite, its own port) serving that build.
// 3. Opens the lobby in headless Chromium `--runs` times, each in a fresh browser context (empty
//    cache), and measures the time from navigation start to the moment the lobby is interactive
//    (the client's `lobby-interactive` performance mark: lobby drawn, every handler attached) and
//    which JavaScript files were loaded by then; their gzip size (level 9) is the bundle figure.
// Budgets (the issue): at most 480 kB gzip of JS before the lobby is interactive, and interactive
// within 1.5 s of navigation. The script exits 1 when a budget is missed.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import os from "node:os";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { build } from "vite";
import { startTestNode } from "../server/testing.ts";

const { values: flags } = parseArgs({
  options: {
    runs: { type: "string", default: "10" },
    json: { type: "boolean", default: false },
    "no-build": { type: "boolean", default: false },
    chromium: { type: "string", default: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" },
  },
});

const BUDGET_GZIP_BYTES = 480 * 1000;
const BUDGET_INTERACTIVE_MS = 1500;
const root = path.resolve(import.meta.dirname, "..");
const clientDir = path.join(root, "dist/client");
const runs = Math.max(1, Number(flags.runs));
const log = (line: string) => {
  if (!flags.json) console.log(line);
};

if (!flags["no-build"]) {
  const started = performance.now();
  await build({ configFile: path.join(root, "client/vite.config.ts"), logLevel: "warn" });
  log(`built dist/client in ${Math.round(performance.now() - started)} ms`);
}

/** Every JS file of the build, with its raw and gzip sizes. */
function sizeOf(file: string): { raw: number; gzip: number } {
  const bytes = readFileSync(path.join(clientDir, file));
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

const node = await startTestNode({ clientDir, postgres: false, logLevel: "error" });
const browser = await chromium.launch({
  executablePath: flags.chromium,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

interface Run {
  interactiveMs: number;
  firstPaintMs: number | null;
  scripts: string[];
}

const results: Run[] = [];
const chromiumVersion = browser.version();
try {
  for (let run = 0; run < runs; run++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    await page.goto(`${node.url}/`);
    await page.waitForFunction(() => document.body.dataset.ready === "lobby", null, { timeout: 30_000 });
    const measured = await page.evaluate(() => {
      const mark = performance.getEntriesByName("lobby-interactive")[0]!;
      const paint = performance.getEntriesByName("first-contentful-paint")[0];
      // Every script fetched before the mark (the entry, its static imports); what the lobby
      // prefetches afterwards, while the player reads it, does not count.
      const scripts = performance
        .getEntriesByType("resource")
        .filter((entry) => new URL(entry.name).pathname.endsWith(".js") && entry.startTime <= mark.startTime)
        .map((entry) => new URL(entry.name).pathname);
      return { interactiveMs: mark.startTime, firstPaintMs: paint ? paint.startTime : null, scripts };
    });
    results.push(measured);
    await context.close();
  }
} finally {
  await browser.close();
  await node.close();
}

const scripts = [...new Set(results.flatMap((run) => run.scripts))].sort();
const files = scripts.map((script) => ({ file: script, ...sizeOf(script.replace(/^\//, "")) }));
const gzipTotal = files.reduce((sum, file) => sum + file.gzip, 0);
const rawTotal = files.reduce((sum, file) => sum + file.raw, 0);
const times = results.map((run) => run.interactiveMs).sort((a, b) => a - b);
const median = times[Math.floor((times.length - 1) / 2)]!;
const worst = times.at(-1)!;
const paints = results.map((run) => run.firstPaintMs).filter((value): value is number => value !== null).sort((a, b) => a - b);
// For the record: the rest of the client (the table and replay code, loaded on demand).
const allJs = readdirSync(path.join(clientDir, "assets")).filter((name) => name.endsWith(".js"));
const lazy = allJs.filter((name) => !scripts.includes(`/assets/${name}`)).map((name) => ({ file: `/assets/${name}`, ...sizeOf(`assets/${name}`) }));

const report = {
  machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}, Chromium ${chromiumVersion}, load average ${os.loadavg()[0]!.toFixed(1)}`,
  runs,
  beforeInteractive: { files, rawBytes: rawTotal, gzipBytes: gzipTotal, budgetGzipBytes: BUDGET_GZIP_BYTES },
  interactiveMs: { median: Math.round(median), worst: Math.round(worst), all: times.map(Math.round), budget: BUDGET_INTERACTIVE_MS },
  firstContentfulPaintMs: paints.length ? Math.round(paints[Math.floor((paints.length - 1) / 2)]!) : null,
  loadedOnDemand: { files: lazy, gzipBytes: lazy.reduce((sum, file) => sum + file.gzip, 0) },
};
const ok = gzipTotal <= BUDGET_GZIP_BYTES && worst <= BUDGET_INTERACTIVE_MS;

if (flags.json) {
  console.log(JSON.stringify({ ...report, ok }, null, 2));
} else {
  const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
  log(`machine: ${report.machine}`);
  log(`JavaScript loaded before the lobby is interactive:`);
  for (const file of files) log(`  ${file.file}  ${kb(file.raw)} raw, ${kb(file.gzip)} gzip`);
  log(`  total ${kb(rawTotal)} raw, ${kb(gzipTotal)} gzip (budget ${kb(BUDGET_GZIP_BYTES)})`);
  log(`lobby interactive after navigation, ${runs} cold loads: median ${Math.round(median)} ms, worst ${Math.round(worst)} ms (budget ${BUDGET_INTERACTIVE_MS} ms)`);
  if (report.firstContentfulPaintMs !== null) log(`first contentful paint: median ${report.firstContentfulPaintMs} ms`);
  log(`loaded on demand (table, replay: Phaser, the Colyseus SDK, the engine): ${kb(report.loadedOnDemand.gzipBytes)} gzip`);
  log(ok ? "PASS: within both budgets" : "FAIL: a budget is missed");
}
process.exit(ok ? 0 : 1);
