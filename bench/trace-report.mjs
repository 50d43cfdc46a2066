// Reads a `bench:server --trace-moves FILE` trace and tells where the slowest moves were:
//   node bench/trace-report.mjs FILE
// Prints the run's p50/p99, the moves over the p99 by action type, the percentiles after the first
// 300 ms, and every 100 ms window that holds one of them, with that window's GC pauses over 3 ms and
// event-loop gaps (the server's, and the players' process's, marked "players").
import { readFileSync } from "node:fs";

const file = process.argv[2];
if (!file) {
  console.error("usage: node bench/trace-report.mjs FILE (written by bench:server --trace-moves FILE)");
  process.exit(2);
}
const { moves, gc, playersGc } = JSON.parse(readFileSync(file, "utf8"));
if (moves.length === 0) throw new Error(`${file} holds no moves`);
const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(p * values.length) - 1)];

const start = Math.min(...moves.map(([sentAt]) => sentAt));
const end = Math.max(...moves.map(([sentAt, latency]) => sentAt + latency));
const latencies = moves.map(([, latency]) => latency);
const p99 = percentile(latencies, 0.99);
const slow = moves.filter(([, latency]) => latency > p99);
console.log(`${moves.length} moves: p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms; ${slow.length} over the p99`);

const byType = new Map();
for (const [, , type] of moves) byType.set(type, { moves: (byType.get(type)?.moves ?? 0) + 1, slow: byType.get(type)?.slow ?? 0 });
for (const [, , type] of slow) byType.get(type).slow++;
for (const [type, { moves: count, slow: over }] of byType) console.log(`  ${type}: ${over} of ${count} over the p99 (${((100 * over) / count).toFixed(1)}%)`);

const early = slow.filter(([sentAt]) => sentAt - start < 300).length;
const later = moves.filter(([sentAt]) => sentAt - start >= 300).map(([, latency]) => latency);
console.log(`first 300 ms: ${early} of the ${slow.length}; p99 without them ${percentile(later, 0.99).toFixed(1)} ms`);
// The shape of the rest: a broad hump (the p99 a multiple of the p50) or a few outliers.
console.log(`after 300 ms: ${[0.1, 0.25, 0.5, 0.75, 0.9, 0.99].map((p) => `p${p * 100} ${percentile(later, p).toFixed(1)}`).join(", ")} ms`);

const windowOf = (at) => Math.floor((at - start) / 100);
const windows = new Map();
const inWindow = (at) => {
  const key = windowOf(at);
  if (!windows.has(key)) windows.set(key, { moves: 0, slow: 0, events: [] });
  return windows.get(key);
};
for (const [sentAt, latency] of moves) {
  const window = inWindow(sentAt);
  window.moves++;
  if (latency > p99) window.slow++;
}
// The server's events, then (traces since session 4) the players' process's, marked "players".
for (const [events, who] of [[gc, ""], [playersGc, "players: "]]) {
  if (!events) continue;
  for (const [at, ms, kind] of events.gcs) if (at >= start && ms > 3 && windows.has(windowOf(at))) inWindow(at).events.push(`${who}${kind} GC ${ms.toFixed(0)} ms`);
  for (const [at, ms] of events.loopGaps) if (at >= start && windows.has(windowOf(at))) inWindow(at).events.push(`${who}loop gap ${ms.toFixed(0)} ms`);
}
const majors = gc.gcs.filter(([at, , kind]) => kind === "major" && at >= start && at <= end);
console.log(`full GCs while measuring: ${majors.length} (${majors.map(([, ms]) => `${ms.toFixed(1)} ms`).join(", ")})`);
console.log("windows with moves over the p99 (ms from the first move):");
for (const [key, window] of [...windows].sort((a, b) => a[0] - b[0])) {
  if (window.slow === 0) continue;
  console.log(`  ${String(key * 100).padStart(5)}: ${window.slow} of ${window.moves}  ${window.events.join(", ")}`);
}
