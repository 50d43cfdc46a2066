/** Types of gc-watch.mjs (plain JavaScript, as the server preloads it before its TypeScript loader). */
export interface GcEvents {
  /** [epoch ms at the start, duration ms, kind] */
  gcs: [number, number, string][];
  /** [epoch ms at the start, length ms] */
  loopGaps: [number, number][];
}
export function watchGc(): GcEvents;
