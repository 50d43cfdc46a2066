// Figures a load process collects and the runner merges. Round trips go into a sparse histogram of
// 10 µs buckets: exact enough for percentiles, small enough to write as JSON, and mergeable across
// processes by adding counts.

/** Bucket width: 1/100 ms. */
const BUCKETS_PER_MS = 100;

export class LatencyHistogram {
  private counts = new Map<number, number>();
  count = 0;
  maxMs = 0;

  record(ms: number): void {
    const bucket = Math.max(0, Math.round(ms * BUCKETS_PER_MS));
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
    this.count++;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  /** Adds another histogram's JSON form (see toJSON). */
  merge(buckets: Record<string, number>): void {
    for (const [key, value] of Object.entries(buckets)) {
      const bucket = Number(key);
      this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + value);
      this.count += value;
      const ms = bucket / BUCKETS_PER_MS;
      if (ms > this.maxMs) this.maxMs = ms;
    }
  }

  /** Nearest-rank percentile in ms (0 when empty). */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (const bucket of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(bucket)!;
      if (seen >= rank) return bucket / BUCKETS_PER_MS;
    }
    return this.maxMs;
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}

/**
 * What one load process writes to its stats file. Joins, drops and rejoins cover the whole run,
 * ramp-up included; the other counters the measured window.
 */
export interface ProcessStats {
  process: number;
  pace: string;
  clients: number;
  joins: number;
  failedJoins: number;
  /** The first few distinct join failures, for the report. */
  joinErrors: string[];
  /** Answered with an event (or, for playAgain, its answer). */
  actions: number;
  /** An `error` answering an action the bot had checked as legal. */
  rejectedLegal: number;
  errorsByCode: Record<string, number>;
  /** Errors that answered no action of ours. */
  otherErrors: number;
  /** No answer within the answer timeout. */
  timedOut: number;
  /** Sent but not answered when the window closed. */
  inFlightAtStop: number;
  /** Connections closed by anything but the bot itself. */
  drops: number;
  /** Their close codes. */
  dropsByCode: Record<string, number>;
  /** Rejoins with the seat's token after being sent away. */
  rejoins: number;
  /** Actions in flight when their connection was closed. */
  lostInDrops: number;
  /** The CPU policy's choice was not in the legal list: the bot took a legal one instead. */
  policyFallbacks: number;
  actionsByType: Record<string, number>;
  gamesFinished: number;
  holesFinished: number;
  bytesIn: number;
  bytesOut: number;
  /** Round trips of the answered and rejected actions, see LatencyHistogram.toJSON. */
  latency: Record<string, number>;
  measuredMs: number;
  /** This process's event-loop delay in the window (ms): how late it noticed what arrived. */
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
}

export function emptyStats(process: number, pace: string, clients: number): ProcessStats {
  return {
    process,
    pace,
    clients,
    joins: 0,
    failedJoins: 0,
    joinErrors: [],
    actions: 0,
    rejectedLegal: 0,
    errorsByCode: {},
    otherErrors: 0,
    timedOut: 0,
    inFlightAtStop: 0,
    drops: 0,
    dropsByCode: {},
    rejoins: 0,
    lostInDrops: 0,
    policyFallbacks: 0,
    actionsByType: {},
    gamesFinished: 0,
    holesFinished: 0,
    bytesIn: 0,
    bytesOut: 0,
    latency: {},
    measuredMs: 0,
    eventLoopDelayP99Ms: 0,
    eventLoopDelayMaxMs: 0,
  };
}

export function addCount(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}

/** Sums the processes' figures; the latency histograms are merged. */
export function mergeStats(all: ProcessStats[]): { total: ProcessStats; latency: LatencyHistogram } {
  const total = emptyStats(-1, all[0]?.pace ?? "", 0);
  const latency = new LatencyHistogram();
  const numeric = [
    "clients",
    "joins",
    "failedJoins",
    "actions",
    "rejectedLegal",
    "otherErrors",
    "timedOut",
    "inFlightAtStop",
    "drops",
    "rejoins",
    "lostInDrops",
    "policyFallbacks",
    "gamesFinished",
    "holesFinished",
    "bytesIn",
    "bytesOut",
  ] as const;
  for (const stats of all) {
    for (const key of numeric) total[key] += stats[key];
    for (const [code, count] of Object.entries(stats.errorsByCode)) addCount(total.errorsByCode, code, count);
    for (const [type, count] of Object.entries(stats.actionsByType)) addCount(total.actionsByType, type, count);
    for (const [code, count] of Object.entries(stats.dropsByCode ?? {})) addCount(total.dropsByCode, code, count);
    for (const message of stats.joinErrors) if (total.joinErrors.length < 10 && !total.joinErrors.includes(message)) total.joinErrors.push(message);
    total.measuredMs = Math.max(total.measuredMs, stats.measuredMs);
    // The worst process: the figure that bounds how much the generator itself added.
    total.eventLoopDelayP99Ms = Math.max(total.eventLoopDelayP99Ms, stats.eventLoopDelayP99Ms);
    total.eventLoopDelayMaxMs = Math.max(total.eventLoopDelayMaxMs, stats.eventLoopDelayMaxMs);
    latency.merge(stats.latency);
  }
  return { total, latency };
}
