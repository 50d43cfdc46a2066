// Old code against new code, alternated in one session: runs one benchmark command in two checkouts
// (A, the reference, and B), pair after pair (A then B, B then A in the next pair, so neither always
// runs on a warmer machine), and prints each run's figures and the median ratio B/A of each.
//
//   node --import tsx bench/ab.ts --a <checkout> --b <checkout> --pairs 5 \
//     --metric movesPerSecond --metric moveP99Ms -- npm run bench:server -- --games 100 --json
//
// The command must print a JSON object (the last one on stdout is read); --metric names a number in
// it (a dotted path for nested ones). A checkout needs its own node_modules (a symlink will do).
import { spawnSync } from "node:child_process";
import os from "node:os";
import { parseArgs } from "node:util";
import { sleep } from "./lib/time.ts";

const separator = process.argv.indexOf("--");
if (separator < 0) throw new Error("usage: bench/ab.ts --a DIR --b DIR [--pairs N] --metric NAME ... -- COMMAND ...");
const { values } = parseArgs({
  args: process.argv.slice(2, separator),
  options: {
    a: { type: "string" },
    b: { type: "string" },
    pairs: { type: "string", default: "5" },
    metric: { type: "string", multiple: true, default: [] },
    "pause-ms": { type: "string", default: "3000" },
    // Arguments added to the command in one checkout only: a flag the other's code does not know,
    // e.g. `--b-args=--no-reference`, so both sides do the same work per run.
    "a-args": { type: "string", default: "" },
    "b-args": { type: "string", default: "" },
  },
});
const command = process.argv.slice(separator + 1);
const checkouts = { A: values.a, B: values.b };
if (!checkouts.A || !checkouts.B || command.length === 0 || values.metric!.length === 0) throw new Error("need --a, --b, at least one --metric and a command");
const pairs = Number(values.pairs);
const pauseMs = Number(values["pause-ms"]);

function lastJsonObject(text: string): Record<string, unknown> {
  // Compact output is one line; pretty output starts with a line that is just "{".
  const lines = text.split("\n");
  for (let start = lines.length - 1; start >= 0; start--) {
    if (!lines[start]!.startsWith("{")) continue;
    try {
      return JSON.parse(lines.slice(start).join("\n")) as Record<string, unknown>;
    } catch {
      // not the start of the last object: keep looking upwards
    }
  }
  throw new Error(`no JSON object in the output:\n${text.slice(-2000)}`);
}

function pick(result: Record<string, unknown>, metric: string): number {
  const value = metric.split(".").reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], result);
  if (typeof value !== "number") throw new Error(`metric ${metric} is not a number in ${JSON.stringify(result).slice(0, 500)}`);
  return value;
}

function run(label: "A" | "B"): Record<string, number> {
  const started = Date.now();
  const extra = values[label === "A" ? "a-args" : "b-args"]!.split(" ").filter(Boolean);
  const done = spawnSync(command[0]!, [...command.slice(1), ...extra], { cwd: checkouts[label], encoding: "utf8", maxBuffer: 64 * 2 ** 20, stdio: ["ignore", "pipe", "inherit"] });
  if (done.status !== 0) throw new Error(`${label} exited with ${done.status}`);
  const result = lastJsonObject(done.stdout);
  const figures = Object.fromEntries(values.metric!.map((metric) => [metric, pick(result, metric)]));
  console.error(`${label} ${Math.round((Date.now() - started) / 1000)} s: ${JSON.stringify(figures)}`);
  return figures;
}

const median = (numbers: number[]) => {
  const sorted = [...numbers].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const runs: { pair: number; A: Record<string, number>; B: Record<string, number> }[] = [];
for (let pair = 0; pair < pairs; pair++) {
  const order: ("A" | "B")[] = pair % 2 === 0 ? ["A", "B"] : ["B", "A"];
  const figures: Partial<Record<"A" | "B", Record<string, number>>> = {};
  for (const label of order) {
    figures[label] = run(label);
    await sleep(pauseMs);
  }
  runs.push({ pair, A: figures.A!, B: figures.B! });
}

const ratios = Object.fromEntries(
  values.metric!.map((metric) => {
    const each = runs.map((r) => r.B[metric]! / r.A[metric]!);
    return [metric, { medianRatio: Math.round(median(each) * 1000) / 1000, ratios: each.map((x) => Math.round(x * 1000) / 1000) }];
  }),
);
console.log(
  JSON.stringify({
    command: command.join(" "),
    aArgs: values["a-args"],
    bArgs: values["b-args"],
    a: checkouts.A,
    b: checkouts.B,
    pairs,
    runs,
    ratios,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "unknown", node: process.version, loadAverage: os.loadavg()[0] },
  }),
);
