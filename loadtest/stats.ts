// Figures a load process collects and the runner merges. Round trips go into a latency histogram
// (bench/lib/histogram.ts) that each process writes into its stats file as text and the runner
// merges.
import { Histogram } from "../bench/lib/histogram.ts";

/** Round trips in ms; a percentile of nothing is 0 here, as the load test's report prints it. */
export class LatencyHistogram extends Histogram {
  override percentile(p: number): number {
    return this.count === 0 ? 0 : super.percentile(p);
  }

  get maxMs(): number {
    return this.max;
  }

  /** The form a stats file carries (see Histogram.encode); `merge` reads it. */
  toJSON(): string {
    return this.encode();
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
  latency: string;
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
    latency: "",
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
