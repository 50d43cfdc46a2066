// What the runner reads about processes and the machine from /proc (Linux), and from a node's
// Prometheus text. Every reader returns null (or skips) where the information is not there.
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";

/** Resident memory of a process in MB (VmRSS). */
export function rssMb(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** CPU time (user + system) a process has used, in clock ticks (1/100 s on Linux). */
export function cpuTicks(pid: number): number | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may hold spaces: fields are counted after its closing parenthesis.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/**
 * Time the threads of a process have spent ready to run but waiting for a core (ms, from
 * /proc/<pid>/task/<tid>/schedstat): on a busy machine this is latency no code of ours can avoid.
 */
export function runQueueWaitMs(pid: number): number | null {
  try {
    let total = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      try {
        total += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[1]) / 1e6;
      } catch {
        // the thread ended meanwhile
      }
    }
    return total;
  } catch {
    return null;
  }
}

/** Every process whose command name is `name` (PostgreSQL's backends, for instance). */
export function pidsNamed(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() === name) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Busy and total ticks of the whole machine, all cores together. */
export function machineTicks(): { busy: number; total: number } | null {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((sum, value) => sum + value, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

export const TICKS_PER_SECOND = 100;

export function machine(): { cpus: number; cpuModel: string; memoryGb: number; node: string; platform: string } {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** The value of an unlabelled gauge in Prometheus text. */
export function gauge(text: string, name: string): number | null {
  const match = new RegExp(`^${name} ([0-9.eE+-]+)$`, "m").exec(text);
  return match ? Number(match[1]) : null;
}

/** A Prometheus histogram's cumulative bucket counts by `le`, summed over its other labels. */
export function histogramBuckets(text: string, name: string): Map<string, number> {
  const cumulative = new Map<string, number>();
  const pattern = new RegExp(`^${name}_bucket\\{([^}]*)\\} ([0-9.eE+-]+)$`, "gm");
  for (const match of text.matchAll(pattern)) {
    const le = /le="([^"]+)"/.exec(match[1]!)?.[1];
    if (le) cumulative.set(le, (cumulative.get(le) ?? 0) + Number(match[2]));
  }
  return cumulative;
}

/** What a histogram counted between two readings. */
export function bucketsDelta(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  return new Map([...after].map(([le, count]) => [le, count - (before.get(le) ?? 0)]));
}

/**
 * The upper bound (ms) of the bucket holding the p-th percentile: the node's own view of its
 * latency. Its buckets are coarse, so this is an "at most" figure (Infinity: above the last bound).
 */
export function percentileBound(buckets: Map<string, number>, p: number): number | null {
  const total = buckets.get("+Inf") ?? 0;
  if (total === 0) return null;
  const bounds = [...buckets.keys()].filter((le) => le !== "+Inf").sort((a, b) => Number(a) - Number(b));
  for (const le of bounds) if (buckets.get(le)! >= (p / 100) * total) return Number(le) * 1000;
  return Infinity;
}
