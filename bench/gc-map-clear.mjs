// The V8 behaviour server/room/serializer.ts works around, on its own:
//   node bench/gc-map-clear.mjs
// A long-lived (old-generation) Map is given a young 80-byte buffer and cleared, over and over, for
// 1.5 s; then the same with a new Map each time. Each variant runs in its own node with
// --trace-gc-nvp, and the bytes promoted by scavenges and the full GCs are added up.
import { spawnSync } from "node:child_process";

const [variant] = process.argv.slice(2);
if (variant) {
  let map = new Map();
  globalThis.gc();
  globalThis.gc(); // the Map and its table are in the old generation now
  const started = Date.now();
  let sum = 0;
  while (Date.now() - started < 1500) {
    for (let i = 0; i < 1000; i++) {
      map.set(i & 1, new Uint8Array(80));
      sum += map.get(i & 1).length;
      if (variant === "clear") map.clear();
      else map = new Map();
    }
  }
  if (sum === 0) console.log("unreachable");
} else {
  for (const name of ["clear", "fresh"]) {
    const run = spawnSync(process.execPath, ["--expose-gc", "--trace-gc-nvp", "--max-semi-space-size=8", import.meta.filename, name], { encoding: "utf8" });
    const lines = run.stdout.split("\n");
    const promoted = lines.filter((line) => line.includes("gc=s ")).reduce((bytes, line) => bytes + Number(/ promoted=(\d+)/.exec(line)?.[1] ?? 0), 0);
    const fullGcs = lines.filter((line) => line.includes("gc=mc ")).length;
    const how = name === "clear" ? "clear() on the old Map" : "a new Map each time  ";
    console.log(`${how}: ${(promoted / 1e6).toFixed(1)} MB promoted by scavenges, ${fullGcs} full GCs (2 of them forced at the start)`);
  }
}
