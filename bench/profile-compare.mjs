// Compares two CPU profiles of the game server (the .cpuprofile files `npm run bench:server --
// --cpu-prof DIR` leaves in DIR; the largest file of each DIR is the server's main thread):
// non-idle samples, then self samples by file and by function, then inclusive samples (a function
// with everything it calls) of our own functions, each with A, B and the difference.
//
//   node bench/profile-compare.mjs DIR_A DIR_B [--top 25]
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

const { positionals, values } = parseArgs({ allowPositionals: true, options: { top: { type: "string", default: "25" } } });
if (positionals.length !== 2) throw new Error("usage: node bench/profile-compare.mjs DIR_A DIR_B [--top N]");
const top = Number(values.top);

/** Where a frame's code lives: a package name, or a path inside the checkout. */
function place(url) {
  const pkg = url.match(/node_modules\/(@[^/]+\/[^/]+|[^/]+)\//);
  if (pkg) return pkg[1];
  return url.replace(/^file:\/\/.*?\/(server|shared|client|bench|loadtest)\//, "$1/");
}

function load(dir) {
  const file = readdirSync(dir)
    .filter((name) => name.endsWith(".cpuprofile"))
    .map((name) => path.join(dir, name))
    .sort((a, b) => statSync(b).size - statSync(a).size)[0];
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const profile = JSON.parse(readFileSync(file, "utf8"));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const hits = new Map();
  for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const self = { byFile: new Map(), byFunction: new Map() };
  const inclusive = new Map();
  let busy = 0;
  const add = (map, key, n) => map.set(key, (map.get(key) ?? 0) + n);
  for (const [id, n] of hits) {
    const frame = nodes.get(id).callFrame;
    if (frame.functionName === "(idle)") continue;
    busy += n;
    const where = place(frame.url);
    add(self.byFile, where, n);
    add(self.byFunction, `${frame.functionName || "(anonymous)"} ${where}`, n);
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const up = nodes.get(at).callFrame;
      const key = `${up.functionName || "(anonymous)"} ${place(up.url)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      add(inclusive, key, n);
    }
  }
  return { busy, self, inclusive };
}

const a = load(positionals[0]);
const b = load(positionals[1]);
console.log(`non-idle samples: A ${a.busy}, B ${b.busy} (B/A ${(b.busy / a.busy).toFixed(3)})`);

function table(title, mapA, mapB, keep = () => true) {
  const keys = [...new Set([...mapA.keys(), ...mapB.keys()])].filter(keep);
  keys.sort((x, y) => (mapB.get(y) ?? 0) - (mapA.get(y) ?? 0) - ((mapB.get(x) ?? 0) - (mapA.get(x) ?? 0)));
  console.log(`\n${title} (largest increase first): difference, A, B`);
  for (const key of keys.slice(0, top)) {
    const before = mapA.get(key) ?? 0;
    const after = mapB.get(key) ?? 0;
    console.log(`  ${String(after - before).padStart(7)} ${String(before).padStart(7)} ${String(after).padStart(7)}  ${key}`);
  }
}
table("self samples by file", a.self.byFile, b.self.byFile);
table("self samples by function", a.self.byFunction, b.self.byFunction);
const ours = (key) => / (server|shared)\//.test(key);
console.log("\ninclusive samples of our own functions: A, B");
for (const [name, map] of [["A", a.inclusive], ["B", b.inclusive]]) {
  const rows = [...map].filter(([key]) => ours(key)).sort((x, y) => y[1] - x[1]).slice(0, top);
  console.log(`  ${name}:`);
  for (const [key, n] of rows) console.log(`    ${String(n).padStart(7)}  ${key}`);
}
