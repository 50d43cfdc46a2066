// What the benches and the load test read about processes and the machine: memory and CPU time of a
// process from /proc (Linux), and the machine's facts every result carries. Every /proc reader
// returns null where the information is not there (another system, a process gone meanwhile).
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

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
export const TICKS_PER_SECOND = 100;

/** CPU time (user + system) a process has used, in clock ticks. */
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

export interface Machine {
  /** Cores this process may use. */
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  platform: string;
}

/** The machine a figure was measured on. */
export function machine(): Machine {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** The 1-minute load average now, to 2 decimals: other work on the machine skews every figure. */
export function loadAverage(): number {
  return Math.round(os.loadavg()[0]! * 100) / 100;
}
