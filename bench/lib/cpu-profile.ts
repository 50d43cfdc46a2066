// A .cpuprofile (node --cpu-prof) summarized: where a server's CPU time went, by package or file and
// by function (self time).
import { readFileSync } from "node:fs";
import { REPO } from "./server-process.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function selfTimes(profile: Profile): Map<number, number> {
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, index) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  return selfUs;
}

export function busyMicros(file: string): number {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const idle = new Set(profile.nodes.filter((node) => node.callFrame.functionName === "(idle)").map((node) => node.id));
  let busy = 0;
  for (const [id, us] of selfTimes(profile)) if (!idle.has(id)) busy += us;
  return busy;
}

/** Self time by function and by package/file, from a .cpuprofile. */
export function summarizeProfile(file: string): string[] {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = selfTimes(profile);
  const total = [...selfUs.values()].reduce((sum, us) => sum + us, 0);
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    const file = frame.url.replace(/^file:\/\//, "").replace(`${REPO}/`, "");
    const where = file ? `${file}:${frame.lineNumber + 1}` : "(native)";
    const name = `${frame.functionName || "(anonymous)"} ${where}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    const place = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? (file.startsWith("node:") ? "node core" : file ? file : frame.functionName || "(native)");
    byPlace.set(place, (byPlace.get(place) ?? 0) + us);
  }
  const top = (map: Map<string, number>, count: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, us]) => `  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`);
  return [`CPU profile of the server (${(total / 1e6).toFixed(1)} s sampled): ${file}`, "by package or file (self time):", ...top(byPlace, 15), "by function (self time):", ...top(byFunction, 30)];
}

