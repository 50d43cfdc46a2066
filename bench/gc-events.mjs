// Preloaded into the server by `bench:server --trace-moves FILE` (not server code): records the
// node's GC events, and gaps of the event loop over 8 ms, and writes them to $GC_EVENTS_FILE as the
// node is told to stop.
import { writeFileSync } from "node:fs";
import { constants, performance, PerformanceObserver } from "node:perf_hooks";

const KINDS = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: "minor",
  [constants.NODE_PERFORMANCE_GC_MAJOR]: "major",
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weak callbacks",
};
/** [epoch ms at the start, duration ms, kind] */
const gcs = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcs.push([performance.timeOrigin + entry.startTime, entry.duration, KINDS[entry.detail?.kind] ?? "other"]);
}).observe({ entryTypes: ["gc"] });

/** [epoch ms at the start, length ms] of each stretch the event loop did not turn for over 8 ms. */
const loopGaps = [];
let last = performance.now();
setInterval(() => {
  const now = performance.now();
  if (now - last > 8) loopGaps.push([performance.timeOrigin + last, now - last]);
  last = now;
}, 1).unref();

process.prependListener("SIGTERM", () => writeFileSync(process.env.GC_EVENTS_FILE, JSON.stringify({ gcs, loopGaps })));
