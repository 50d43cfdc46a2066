// Reading a node's /metrics (the Prometheus text exposition) for the benches, the load test and the
// tests: a metric's value, a histogram's sum and count or its buckets, and what changed between two
// readings. Label sets of one name are summed; a name that is not there reads as NaN (or empty).

/** One sample line: name, the text between its braces (labels, "" for none), value. */
interface Sample {
  name: string;
  labels: string;
  value: number;
}

function* samples(text: string): Generator<Sample> {
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (match) yield { name: match[1]!, labels: match[2] ?? "", value: Number(match[3]) };
  }
}

/** The value of a metric without labels (a gauge or a counter); NaN when it is not there. */
export function metricValue(text: string, name: string): number {
  for (const sample of samples(text)) if (sample.name === name && sample.labels === "") return sample.value;
  return NaN;
}

/** A histogram's (or summary's) sum and count, over all its label sets. */
export function histogramTotals(text: string, name: string): { sum: number; count: number } {
  let sum = 0;
  let count = 0;
  for (const sample of samples(text)) {
    if (sample.name === `${name}_sum`) sum += sample.value;
    else if (sample.name === `${name}_count`) count += sample.value;
  }
  return { sum, count };
}

/** A histogram's cumulative bucket counts by `le`, summed over its other labels. */
export function histogramBuckets(text: string, name: string): Map<string, number> {
  const cumulative = new Map<string, number>();
  for (const sample of samples(text)) {
    if (sample.name !== `${name}_bucket`) continue;
    const le = /(?:^|,)le="([^"]+)"/.exec(sample.labels)?.[1];
    if (le) cumulative.set(le, (cumulative.get(le) ?? 0) + sample.value);
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
