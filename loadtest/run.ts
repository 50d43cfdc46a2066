// `npm run loadtest -- --nodes N --clients C --pace human|fast|spectator --seconds S [--processes P]
//   [--json] [--database-url URL] [--redis-url URL] [--holes H] [--log-level L]`
//
// Starts N game nodes on loopback ports (one scratch PostgreSQL database, made here and dropped at
// the end; with N > 1 each node also gets REDIS_URL: a private redis-server of the run unless
// --redis-url names one; every node has its own PORT and PUBLIC_ADDRESS), waits for
// their /health, then runs C bot clients (loadtest/bot.ts through @colyseus/loadtest) spread over P
// load processes. Once every client has joined, the counters are reset and the load runs for S
// seconds; then every process writes its figures, is stopped with SIGINT, the nodes are stopped and
// one summary is printed (JSON with --json, else a table). Everything is bounded in time and only
// ever talks to this machine.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import pg from "pg";
import { scratchDatabase } from "../server/testing.ts";
import { groupSize, isLoopbackHost, PACES, spreadClients, type Pace } from "./plan.ts";
import { bucketsDelta, histogramBuckets, metricValue, percentileBound } from "../bench/lib/prometheus.ts";
import { cpuTicks, machine, machineTicks, pidsNamed, rssMb, runQueueWaitMs, TICKS_PER_SECOND } from "../bench/lib/proc.ts";
import { sleep } from "../bench/lib/time.ts";
import { LatencyHistogram, mergeStats, type ProcessStats } from "./stats.ts";
import { freePort } from "../server/free-port.ts";
import { SETTING_CHECKS } from "../shared/golf/index.ts";
import { LOCAL_METRICS_HEADERS, RELAXED_LIMITS_ENV } from "../server/limits.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const HEALTH_TIMEOUT_MS = 60_000;
const RAMP_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 15_000;

const { values } = parseArgs({
  options: {
    nodes: { type: "string", default: "1" },
    clients: { type: "string", default: "40" },
    pace: { type: "string", default: "human" },
    seconds: { type: "string", default: "60" },
    processes: { type: "string" },
    holes: { type: "string", default: "9" },
    json: { type: "boolean", default: false },
    "log-level": { type: "string", default: "warn" },
    "database-url": { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
    // Default: a private redis-server for the run (a shared one keeps stale nodes and listings of
    // earlier runs, which the matchmaker may pick). Pass a URL to use an existing Redis instead.
    "redis-url": { type: "string" },
  },
});

function fail(message: string): never {
  console.error(`loadtest: ${message}`);
  process.exit(2);
}

const nodeCount = Number(values.nodes);
const clientCount = Number(values.clients);
const pace = values.pace as Pace;
const seconds = Number(values.seconds);
const holes = Number(values.holes);
if (!Number.isInteger(nodeCount) || nodeCount < 1 || nodeCount > 8) fail("--nodes must be 1-8");
if (!PACES.includes(pace)) fail(`--pace must be one of ${PACES.join(", ")}`);
if (!(seconds > 0 && seconds <= 3600)) fail("--seconds must be more than 0 and at most 3600");
const holesProblem = SETTING_CHECKS.holes(holes);
if (holesProblem) fail(`--${holesProblem}`);
let perProcess: number[];
try {
  perProcess = spreadClients(clientCount, groupSize(pace), values.processes === undefined ? undefined : Number(values.processes));
} catch (error) {
  fail((error as Error).message);
}
for (const [option, text] of [["--database-url", values["database-url"]!], ["--redis-url", values["redis-url"]]] as const) {
  if (text === undefined) continue;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    fail(`${option} is not a URL`);
  }
  if (!isLoopbackHost(url.hostname)) fail(`${option} must point at this machine (loopback), not ${url.host}`);
}

const log = (message: string) => {
  if (!values.json) console.error(`[loadtest] ${message}`);
};

// --- children and cleanup --------------------------------------------------------------------------

interface NodeProcess {
  index: number;
  port: number;
  address: string;
  child: ChildProcess;
  maxRssMb: number;
}
interface LoadProcess {
  index: number;
  clients: number;
  child: ChildProcess;
  statsFile: string;
  ready: boolean;
  stopped: boolean;
  exited: boolean;
}

const nodes: NodeProcess[] = [];
const loads: LoadProcess[] = [];
let privateRedis: ChildProcess | null = null;
let dropDatabase: (() => Promise<void>) | null = null;
let cleaningUp: Promise<void> | null = null;

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Signals a child, then kills it if it has not exited in time. */
async function stopChild(child: ChildProcess, signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  const done = await Promise.race([exited(child).then(() => true), sleep(timeoutMs).then(() => false)]);
  if (!done) {
    child.kill("SIGKILL");
    await exited(child);
  }
}

function cleanup(): Promise<void> {
  cleaningUp ??= (async () => {
    await Promise.all(loads.map((load) => stopChild(load.child, "SIGINT", STOP_TIMEOUT_MS)));
    await Promise.all(nodes.map((node) => stopChild(node.child, "SIGTERM", STOP_TIMEOUT_MS)));
    if (privateRedis) await stopChild(privateRedis, "SIGTERM", STOP_TIMEOUT_MS);
    await dropDatabase?.().catch((error) => log(`the scratch database was not dropped: ${(error as Error).message}`));
  })();
  return cleaningUp;
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping everything`);
    void cleanup().then(() => process.exit(130));
  });
}
// However it goes, the run ends: ramp-up, the load, stopping, and a margin.
const deadline = setTimeout(
  () => {
    log("the run overran its time limit: stopping everything");
    void cleanup().then(() => process.exit(1));
  },
  HEALTH_TIMEOUT_MS + RAMP_TIMEOUT_MS + seconds * 1000 + 4 * STOP_TIMEOUT_MS + 30_000,
);
deadline.unref();

async function waitForHealth(node: NodeProcess): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < HEALTH_TIMEOUT_MS) {
    if (node.child.exitCode !== null) throw new Error(`node ${node.index} exited (code ${node.child.exitCode}) before it was healthy`);
    try {
      const response = await fetch(`http://${node.address}/health`, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`node ${node.index} was not healthy within ${HEALTH_TIMEOUT_MS / 1000} s`);
}

/** Answers PING on a loopback port with +PONG (a Redis server is up). */
function redisAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
  });
}

/** A redis-server of this run only: loopback, no persistence, stopped with the nodes. */
async function startPrivateRedis(runDir: string): Promise<string> {
  const port = await freePort();
  const out = openSync(path.join(runDir, "redis.log"), "a");
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"];
  privateRedis = spawn("redis-server", args, { stdio: ["ignore", out, out] });
  const started = Date.now();
  while (!(await redisAnswers(port))) {
    if (privateRedis.exitCode !== null || Date.now() - started > 15_000) throw new Error("the private redis-server did not start (is redis-server installed? or pass --redis-url)");
    await sleep(100);
  }
  return `redis://127.0.0.1:${port}`;
}

/** A gauge of a node's metrics, null when the node did not report it. */
function gaugeOrNull(text: string, name: string): number | null {
  const value = metricValue(text, name);
  return Number.isNaN(value) ? null : value;
}

async function fetchText(url: string): Promise<string | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000), headers: LOCAL_METRICS_HEADERS });
    return response.ok ? await response.text() : null;
  } catch {
    return null;
  }
}

/**
 * What the machine and PostgreSQL give anyone during the window, apart from the game: the runner's
 * own (idle) event-loop delay shows how long a ready process waits for a core, and a probe on the
 * scratch database times a trivial query and a one-row commit a few times a second.
 */
function startProbes(databaseUrl: string) {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const select = new LatencyHistogram();
  const commit = new LatencyHistogram();
  const client = new pg.Client({ connectionString: databaseUrl });
  let running = true;
  const probing = (async () => {
    await client.connect();
    await client.query("CREATE TABLE IF NOT EXISTS loadtest_probe (id serial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())");
    while (running) {
      let started = performance.now();
      await client.query("SELECT 1");
      select.record(performance.now() - started);
      started = performance.now();
      await client.query("INSERT INTO loadtest_probe DEFAULT VALUES");
      commit.record(performance.now() - started);
      await sleep(100);
    }
  })().catch(() => undefined);
  return async () => {
    running = false;
    await probing;
    await client.end().catch(() => undefined);
    loop.disable();
    const round = (value: number) => Math.round(value * 100) / 100;
    return {
      runnerEventLoopDelayP99Ms: round(loop.percentile(99) / 1e6),
      runnerEventLoopDelayMaxMs: round(loop.max / 1e6),
      postgresSelectP50Ms: round(select.percentile(50)),
      postgresSelectP99Ms: round(select.percentile(99)),
      postgresCommitP50Ms: round(commit.percentile(50)),
      postgresCommitP99Ms: round(commit.percentile(99)),
      probes: commit.count,
    };
  };
}

// --- the run ---------------------------------------------------------------------------------------

async function run() {
  const runDir = mkdtempSync(path.join(os.tmpdir(), "golf-loadtest-"));
  const scratch = await scratchDatabase(values["database-url"]!, "golf_load");
  dropDatabase = scratch.drop;
  log(`scratch database ${new URL(scratch.url).pathname.slice(1)}; logs in ${runDir}`);

  const redisUrl = nodeCount > 1 ? (values["redis-url"] ?? (await startPrivateRedis(runDir))) : undefined;
  if (redisUrl) log(`Redis ${redisUrl}${values["redis-url"] ? "" : " (private to this run)"}`);
  for (let index = 0; index < nodeCount; index++) {
    const port = await freePort();
    const address = `127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      PUBLIC_ADDRESS: address,
      DATABASE_URL: scratch.url,
      DATA_DIR: path.join(runDir, `node-${index}-data`),
      LOG_LEVEL: values["log-level"],
      // Thousands of clients from this one address: the per-address limits are raised for this node.
      ...RELAXED_LIMITS_ENV,
    };
    if (redisUrl) env.REDIS_URL = redisUrl;
    else delete env.REDIS_URL;
    delete env.CPU_DELAY_MS;
    mkdirSync(env.DATA_DIR!, { recursive: true });
    const out = openSync(path.join(runDir, `node-${index}.log`), "a");
    const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], { cwd: ROOT, env, stdio: ["ignore", out, out] });
    nodes.push({ index, port, address, child, maxRssMb: 0 });
  }
  await Promise.all(nodes.map(waitForHealth));
  log(`${nodeCount} node(s) healthy: ${nodes.map((node) => node.address).join(", ")}`);

  const rssTimer = setInterval(() => {
    for (const node of nodes) node.maxRssMb = Math.max(node.maxRssMb, rssMb(node.child.pid!) ?? 0);
  }, 500);

  const endpoints = nodes.map((node) => `http://${node.address}`);
  let firstClient = 0;
  const rampStarted = Date.now();
  perProcess.forEach((clients, index) => {
    const statsFile = path.join(runDir, `stats-${index}.json`);
    const errors = openSync(path.join(runDir, `load-${index}.err`), "a");
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "loadtest/bot.ts",
        "--endpoint",
        endpoints[0]!,
        "--room",
        "golf",
        "--numClients",
        String(clients),
        "--output",
        path.join(runDir, `loadtest-${index}.log`),
        "--endpoints",
        endpoints.join(","),
        "--pace",
        pace,
        "--first-client",
        String(firstClient),
        "--process",
        String(index),
        "--holes",
        String(holes),
        "--stats",
        statsFile,
        "--max-seconds",
        String(Math.ceil(RAMP_TIMEOUT_MS / 1000 + seconds + 60)),
      ],
      // Its screen goes nowhere: it needs a terminal and would only cost the machine's time here.
      { cwd: ROOT, stdio: ["ignore", "ignore", errors, "ipc"] },
    );
    const load: LoadProcess = { index, clients, child, statsFile, ready: false, stopped: false, exited: false };
    child.on("message", (message: { type?: string }) => {
      if (message?.type === "ready") load.ready = true;
      if (message?.type === "stopped") load.stopped = true;
    });
    child.once("exit", () => (load.exited = true));
    loads.push(load);
    firstClient += clients;
  });

  while (!loads.every((load) => load.ready || load.exited) && Date.now() - rampStarted < RAMP_TIMEOUT_MS) await sleep(100);
  const rampUpSeconds = (Date.now() - rampStarted) / 1000;
  const notReady = loads.filter((load) => !load.ready).map((load) => load.index);
  log(`clients joined in ${rampUpSeconds.toFixed(1)} s${notReady.length ? `; not ready: processes ${notReady.join(", ")}` : ""}`);

  // The measured window.
  const pids = { nodes: nodes.map((node) => node.child.pid!), loads: loads.map((load) => load.child.pid!), postgres: pidsNamed("postgres") };
  const ticksOf = (list: number[]) => list.map((pid) => cpuTicks(pid) ?? 0);
  const waitOf = (list: number[]) => list.map((pid) => runQueueWaitMs(pid) ?? 0);
  const before = { nodes: ticksOf(pids.nodes), loads: ticksOf(pids.loads), postgres: ticksOf(pids.postgres), machine: machineTicks() };
  const waitBefore = { nodes: waitOf(pids.nodes), loads: waitOf(pids.loads), postgres: waitOf(pids.postgres) };
  // The nodes' own latency histograms, read around the window so only its actions count.
  const serverHistograms = async () =>
    Promise.all(
      nodes.map(async (node) => {
        const text = (await fetchText(`http://${node.address}/metrics`)) ?? "";
        return { action: histogramBuckets(text, "golf_action_latency_seconds"), append: histogramBuckets(text, "golf_event_append_latency_seconds") };
      }),
    );
  const histogramsBefore = await serverHistograms();
  const stopProbes = startProbes(scratch.url);
  const windowStarted = performance.now();
  for (const load of loads) if (load.child.connected) load.child.send({ type: "measure" });
  log(`measuring for ${seconds} s`);
  await sleep(seconds * 1000);
  const windowSeconds = (performance.now() - windowStarted) / 1000;
  const histogramsAfter = await serverHistograms();
  const probes = await stopProbes();
  const after = { nodes: ticksOf(pids.nodes), loads: ticksOf(pids.loads), postgres: ticksOf(pids.postgres), machine: machineTicks() };
  const waitAfter = { nodes: waitOf(pids.nodes), loads: waitOf(pids.loads), postgres: waitOf(pids.postgres) };
  // Time spent ready but waiting for a core, per second of the window (ms/s, all threads together).
  const waitPerSecond = (a: number[], b: number[]) => Math.round(b.reduce((total, ms, index) => total + Math.max(0, ms - a[index]!), 0) / windowSeconds);
  // A process gone meanwhile (a PostgreSQL backend) reads 0 ticks: count it as nothing, not less.
  const percentOfCore = (a: number[], b: number[]) => b.map((ticks, index) => Math.round((Math.max(0, ticks - a[index]!) / TICKS_PER_SECOND / windowSeconds) * 1000) / 10);
  const sum = (list: number[]) => Math.round(list.reduce((total, value) => total + value, 0) * 10) / 10;

  // Where the rooms are, as each node sees itself at the end of the window.
  const perNode = await Promise.all(
    nodes.map(async (node, index) => {
      const metrics = (await fetchText(`http://${node.address}/metrics`)) ?? "";
      return {
        address: node.address,
        rooms: gaugeOrNull(metrics, "golf_rooms"),
        clients: gaugeOrNull(metrics, "golf_clients"),
        rssMb: 0,
        cpuPercent: percentOfCore(before.nodes, after.nodes)[index]!,
        serverActionP50MsAtMost: percentileBound(bucketsDelta(histogramsBefore[index]!.action, histogramsAfter[index]!.action), 50),
        serverActionP99MsAtMost: percentileBound(bucketsDelta(histogramsBefore[index]!.action, histogramsAfter[index]!.action), 99),
        appendP50MsAtMost: percentileBound(bucketsDelta(histogramsBefore[index]!.append, histogramsAfter[index]!.append), 50),
        appendP99MsAtMost: percentileBound(bucketsDelta(histogramsBefore[index]!.append, histogramsAfter[index]!.append), 99),
      };
    }),
  );
  const liveText = await fetchText(`http://${nodes[0]!.address}/api/games/live`);
  const liveByNode: Record<string, number> = {};
  for (const game of (liveText ? JSON.parse(liveText) : []) as { node?: string }[]) liveByNode[game.node ?? "?"] = (liveByNode[game.node ?? "?"] ?? 0) + 1;

  for (const load of loads) if (load.child.connected) load.child.send({ type: "stop" });
  const stopAsked = Date.now();
  while (!loads.every((load) => load.stopped || load.exited) && Date.now() - stopAsked < STOP_TIMEOUT_MS) await sleep(50);
  await Promise.all(loads.map((load) => stopChild(load.child, "SIGINT", STOP_TIMEOUT_MS)));
  clearInterval(rssTimer);

  const processStats: ProcessStats[] = [];
  const missing: number[] = [];
  for (const load of loads) {
    try {
      processStats.push(JSON.parse(readFileSync(load.statsFile, "utf8")));
    } catch {
      missing.push(load.index);
    }
  }
  const { total, latency } = mergeStats(processStats);
  nodes.forEach((node, index) => (perNode[index]!.rssMb = Math.round(node.maxRssMb)));
  const round = (value: number) => Math.round(value * 100) / 100;

  const summary = {
    nodes: nodeCount,
    clients: clientCount,
    seconds: round(windowSeconds),
    actions: total.actions,
    // A client whose process never reported counts as failed: nothing says it joined.
    failedJoins: total.failedJoins + missing.reduce((count, index) => count + loads[index]!.clients, 0),
    rejectedLegal: total.rejectedLegal,
    actionP50Ms: round(latency.percentile(50)),
    actionP95Ms: round(latency.percentile(95)),
    actionP99Ms: round(latency.percentile(99)),
    bytesIn: total.bytesIn,
    bytesOut: total.bytesOut,
    serverRssMb: Math.max(...perNode.map((node) => node.rssMb)),
    pace,
    machine: machine(),
    processes: loads.length,
    rampUpSeconds: round(rampUpSeconds),
    actionsPerSecond: round(total.actions / windowSeconds),
    actionMaxMs: round(latency.maxMs),
    loadEventLoopDelayP99Ms: round(total.eventLoopDelayP99Ms),
    loadEventLoopDelayMaxMs: round(total.eventLoopDelayMaxMs),
    joins: total.joins,
    joinErrors: total.joinErrors,
    timedOut: total.timedOut,
    otherErrors: total.otherErrors,
    errorsByCode: total.errorsByCode,
    drops: total.drops,
    dropsByCode: total.dropsByCode,
    rejoins: total.rejoins,
    lostInDrops: total.lostInDrops,
    policyFallbacks: total.policyFallbacks,
    gamesFinished: total.gamesFinished,
    holesFinished: total.holesFinished,
    actionsByType: total.actionsByType,
    perNode,
    liveGamesByNode: liveByNode,
    cpuPercentOfOneCore: cpuShares(
      sum(percentOfCore(before.nodes, after.nodes)),
      sum(percentOfCore(before.loads, after.loads)),
      sum(percentOfCore(before.postgres, after.postgres)),
      before.machine && after.machine ? ((after.machine.busy - before.machine.busy) / (after.machine.total - before.machine.total)) * machine().cpus * 100 : null,
    ),
    runQueueWaitMsPerSecond: {
      nodes: waitPerSecond(waitBefore.nodes, waitAfter.nodes),
      loadProcesses: waitPerSecond(waitBefore.loads, waitAfter.loads),
      postgres: waitPerSecond(waitBefore.postgres, waitAfter.postgres),
    },
    probes,
    missingProcessStats: missing,
    logs: runDir,
  };

  await cleanup();
  // How each node ended: 0 after a clean SIGTERM; SIGKILL when it did not stop in time.
  const nodeExits = nodes.map((node) => node.child.signalCode ?? node.child.exitCode);
  return { ...summary, nodeExits };
}

/** CPU use in the window, in % of one core; `others` is what the rest of the machine used meanwhile. */
function cpuShares(nodes: number, loadProcesses: number, postgres: number, machineBusy: number | null) {
  const tenth = (value: number) => Math.round(value * 10) / 10;
  return {
    nodes,
    loadProcesses,
    postgres,
    others: machineBusy === null ? null : tenth(Math.max(0, machineBusy - nodes - loadProcesses - postgres)),
    machineBusy: machineBusy === null ? null : tenth(machineBusy),
  };
}

function printTable(summary: Awaited<ReturnType<typeof run>>): void {
  const rows: [string, string][] = [
    ["nodes / clients / pace", `${summary.nodes} / ${summary.clients} / ${summary.pace}`],
    ["load processes, ramp-up", `${summary.processes}, ${summary.rampUpSeconds} s`],
    ["measured", `${summary.seconds} s`],
    ["actions", `${summary.actions} (${summary.actionsPerSecond}/s)`],
    ["round trip p50 / p95 / p99 / max", `${summary.actionP50Ms} / ${summary.actionP95Ms} / ${summary.actionP99Ms} / ${summary.actionMaxMs} ms`],
    ["load event-loop delay p99 / max", `${summary.loadEventLoopDelayP99Ms} / ${summary.loadEventLoopDelayMaxMs} ms (worst process)`],
    ["failed joins", `${summary.failedJoins} of ${summary.joins}${summary.joinErrors.length ? ` (${summary.joinErrors.join("; ")})` : ""}`],
    ["rejected legal actions", `${summary.rejectedLegal} ${JSON.stringify(summary.errorsByCode)}`],
    ["timed out / drops / rejoins", `${summary.timedOut} / ${summary.drops} ${JSON.stringify(summary.dropsByCode)} / ${summary.rejoins} (${summary.lostInDrops} actions lost in drops)`],
    ["bytes in / out", `${summary.bytesIn} / ${summary.bytesOut}`],
    ["games / holes finished", `${summary.gamesFinished} / ${summary.holesFinished}`],
    ["server RSS max", `${summary.serverRssMb} MB`],
    ...summary.perNode.map((node): [string, string] => [`node ${node.address}`, `${node.rooms} rooms, ${node.clients} clients, ${node.rssMb} MB, ${node.cpuPercent}% CPU, own action p50/p99 <= ${node.serverActionP50MsAtMost}/${node.serverActionP99MsAtMost} ms, append p50/p99 <= ${node.appendP50MsAtMost}/${node.appendP99MsAtMost} ms`]),
    ["CPU (% of one core)", JSON.stringify(summary.cpuPercentOfOneCore)],
    ["waiting for a core (ms/s)", JSON.stringify(summary.runQueueWaitMsPerSecond)],
    ["probes (idle runner, PostgreSQL)", JSON.stringify(summary.probes)],
    ["machine", `${summary.machine.cpus} cores ${summary.machine.cpuModel}, ${summary.machine.memoryGb} GB, Node ${summary.machine.node}`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
}

try {
  const summary = await run();
  if (values.json) console.log(JSON.stringify(summary, null, 2));
  else printTable(summary);
  process.exit(0);
} catch (error) {
  console.error(`loadtest: ${(error as Error).message}`);
  await cleanup();
  process.exit(1);
}
