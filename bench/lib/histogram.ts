// Percentiles for every bench and the load test, from one well-kept library (hdr-histogram-js):
// values are recorded into an HDR histogram at a fixed resolution (10 µs for latencies), so a
// percentile costs no sort, histograms from several processes merge by adding counts, and every
// figure is the nearest-rank percentile (the smallest recorded value with at least p % of the
// values at or below it), whichever bench prints it.
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram as HdrHistogram } from "hdr-histogram-js";

export interface HistogramOptions {
  /** The resolution, in the caller's unit: values are rounded to a multiple of it (default 0.01: 10 µs in ms). */
  unit?: number;
  /** The smallest value that may be recorded (default 0); smaller ones are recorded as it. */
  lowest?: number;
}

/**
 * Values (latencies in ms by default) and their percentiles. Exact to `unit` below 32,768 units
 * (327 ms for latencies), within 1/16,384 of the value above.
 */
export class Histogram {
  private readonly hdr: HdrHistogram;
  private readonly unit: number;
  private readonly lowest: number;

  constructor(options: HistogramOptions = {}) {
    this.unit = options.unit ?? 0.01;
    this.lowest = options.lowest ?? 0;
    this.hdr = build({ numberOfSignificantValueDigits: 4 });
  }

  /** How many values were recorded. */
  get count(): number {
    return this.hdr.totalCount;
  }

  /** The largest value recorded (0 when empty). */
  get max(): number {
    return this.count === 0 ? 0 : this.fromUnits(this.hdr.maxValue);
  }

  record(value: number): void {
    this.hdr.recordValue(Math.max(0, Math.round((value - this.lowest) / this.unit)));
  }

  recordAll(values: Iterable<number>): this {
    for (const value of values) this.record(value);
    return this;
  }

  /** The nearest-rank p-th percentile (0 < p <= 100); NaN when nothing was recorded. */
  percentile(p: number): number {
    if (this.count === 0) return NaN;
    return this.fromUnits(this.hdr.getValueAtPercentile(p));
  }

  /** Adds the values of another histogram's `encode()` (another process's, for instance). */
  merge(encoded: string): void {
    if (!encoded) return;
    const other = decodeFromCompressedBase64(encoded);
    this.hdr.add(other);
    other.destroy();
  }

  /** The histogram as text (compressed, base64): `merge` reads it. */
  encode(): string {
    return this.count === 0 ? "" : encodeIntoCompressedBase64(this.hdr);
  }

  private fromUnits(units: number): number {
    // Rounded to the unit's decimals: 5 units of 0.01 are 0.05, not 0.05000000000000001.
    const digits = Math.max(0, Math.ceil(-Math.log10(this.unit)));
    return Number((units * this.unit + this.lowest).toFixed(digits));
  }
}

/** The nearest-rank percentiles `ps` of `values` (NaN each when there are none). */
export function percentilesOf(values: Iterable<number>, ps: number[], options?: HistogramOptions): number[] {
  const histogram = new Histogram(options).recordAll(values);
  return ps.map((p) => histogram.percentile(p));
}
