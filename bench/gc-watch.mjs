// Records a node's GC events and the gaps of its event loop over 8 ms, from the moment it is called:
// bench/gc-events.mjs uses it inside the server, bench:server --trace-moves inside the players' process.
import { constants, performance, PerformanceObserver } from "node:perf_hooks";

const KINDS = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: "minor",
  [constants.NODE_PERFORMANCE_GC_MAJOR]: "major",
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weak callbacks",
};

/** @returns {{ gcs: [number, number, string][], loopGaps: [number, number][] }} epoch ms at the start, duration ms (, GC kind) */
export function watchGc() {
  const gcs = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcs.push([performance.timeOrigin + entry.startTime, entry.duration, KINDS[entry.detail?.kind] ?? "other"]);
  }).observe({ entryTypes: ["gc"] });
  const loopGaps = [];
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    if (now - last > 8) loopGaps.push([performance.timeOrigin + last, now - last]);
    last = now;
  }, 1).unref();
  return { gcs, loopGaps };
}
