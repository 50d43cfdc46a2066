#!/usr/bin/env node
// `npm test`: finds the real services the suites need (PostgreSQL, Redis, Chromium), runs every
// suite with vitest, says plainly which suites were skipped and why, and ends with one line
// "N passed, N failed, N skipped". With REQUIRE_SERVICES=1 (as in .ci/run) a missing service is a failure.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";

const requireServices = process.env.REQUIRE_SERVICES === "1";

function reachable(urlText, defaultPort) {
  return new Promise((resolve) => {
    let url;
    try {
      url = new URL(urlText);
    } catch {
      resolve(false);
      return;
    }
    const socket = net.connect({ host: url.hostname, port: Number(url.port || defaultPort) });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1500, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

const services = [
  {
    name: "PostgreSQL",
    envVar: "TEST_DATABASE_URL",
    url: process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test",
    port: 5432,
    suites: "event store and server suites on PostgreSQL",
  },
  {
    name: "Redis",
    envVar: "TEST_REDIS_URL",
    url: process.env.REDIS_URL || "redis://127.0.0.1:6379",
    port: 6379,
    suites: "multi-node suites",
  },
];

const env = { ...process.env };
const missing = [];
for (const service of services) {
  if (await reachable(service.url, service.port)) {
    env[service.envVar] = service.url;
  } else {
    delete env[service.envVar];
    missing.push(`${service.name} is not reachable at ${service.url}: skipping the ${service.suites}`);
  }
}
const chromiumPath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
if (existsSync(chromiumPath)) {
  env.TEST_CHROMIUM_PATH = chromiumPath;
} else {
  delete env.TEST_CHROMIUM_PATH;
  missing.push(`Chromium is not installed at ${chromiumPath}: skipping the browser suites (apt-get install -y chromium)`);
}

for (const line of missing) console.log(`SKIP: ${line}`);
if (missing.length > 0 && requireServices) {
  console.log("REQUIRE_SERVICES=1: a missing service is a failure.");
  console.log("0 passed, 1 failed");
  process.exit(1);
}

const resultsFile = ".vitest-results.json";
rmSync(resultsFile, { force: true });
const run = spawnSync(
  process.execPath,
  ["node_modules/vitest/vitest.mjs", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${resultsFile}`, ...process.argv.slice(2)],
  { stdio: "inherit", env },
);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(resultsFile)) {
  const results = JSON.parse(readFileSync(resultsFile, "utf8"));
  passed = results.numPassedTests;
  failed = results.numFailedTests + (results.numFailedTestSuites > 0 && results.numFailedTests === 0 ? results.numFailedTestSuites : 0);
  skipped = results.numPendingTests + results.numTodoTests;
} else {
  failed = 1;
}
if (missing.length > 0) console.log(`Skipped because a service is missing:\n  - ${missing.join("\n  - ")}`);
const exitCode = run.status === 0 && failed === 0 ? 0 : 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(exitCode);
