// bench/lib: the one percentile, the Prometheus reader, and the reference room's move chooser.
import { describe, expect, it } from "vitest";
import { referenceMove } from "../reference/schema.ts";
import { Histogram, percentilesOf } from "./histogram.ts";
import { histogramBuckets, histogramTotals, metricValue } from "./prometheus.ts";

describe("Histogram", () => {
  it("gives nearest-rank percentiles, exact to 10 µs for latencies", () => {
    const values = Array.from({ length: 1000 }, (_, i) => (i + 1) * 0.137);
    const sorted = [...values].sort((a, b) => a - b);
    // The rank is p % of the count, rounded up (less a hair: 99.9 / 100 * 1000 is 999.0000000000001).
    const nearestRank = (p: number) => sorted[Math.ceil((p * sorted.length) / 100 - 1e-9) - 1]!;
    const histogram = new Histogram().recordAll(values);
    for (const p of [1, 50, 90, 99, 99.9, 100]) expect(histogram.percentile(p)).toBe(Math.round(nearestRank(p) * 100) / 100);
    expect(histogram.count).toBe(1000);
    expect(histogram.max).toBe(137);
    expect(new Histogram().percentile(50)).toBeNaN();
  });

  it("stays within 1/16,384 of a value above 327 ms", () => {
    const histogram = new Histogram();
    histogram.record(1234.567);
    expect(Math.abs(histogram.percentile(50) - 1234.567)).toBeLessThan(1234.567 / 16_384);
  });

  it("merges another histogram's encoding by adding counts", () => {
    const a = new Histogram().recordAll(Array(90).fill(2));
    const b = new Histogram().recordAll(Array(10).fill(40));
    const merged = new Histogram();
    merged.merge(a.encode());
    merged.merge(b.encode());
    merged.merge(new Histogram().encode());
    expect([merged.count, merged.percentile(90), merged.percentile(91)]).toEqual([100, 2, 40]);
  });

  it("takes whole numbers below zero with a unit of 1 and a lowest value", () => {
    expect(percentilesOf([-4, -2, 0, 3, 5, 7, 12], [25, 50, 100], { unit: 1, lowest: -100 })).toEqual([-2, 3, 12]);
  });
});

describe("Prometheus text", () => {
  const text = [
    "# HELP golf_rooms Rooms on this node",
    "# TYPE golf_rooms gauge",
    "golf_rooms 12",
    "golf_rooms_other 3",
    'golf_action_latency_seconds_bucket{le="0.005",type="draw"} 4',
    'golf_action_latency_seconds_bucket{le="+Inf",type="draw"} 5',
    'golf_action_latency_seconds_bucket{le="0.005",type="swap"} 1',
    'golf_action_latency_seconds_bucket{le="+Inf",type="swap"} 2',
    'golf_action_latency_seconds_sum{type="draw"} 0.02',
    'golf_action_latency_seconds_count{type="draw"} 5',
    'golf_action_latency_seconds_sum{type="swap"} 0.01',
    'golf_action_latency_seconds_count{type="swap"} 2',
  ].join("\n");

  it("reads unlabelled values, histogram totals and buckets over all label sets", () => {
    expect(metricValue(text, "golf_rooms")).toBe(12);
    expect(metricValue(text, "golf_clients")).toBeNaN();
    const totals = histogramTotals(text, "golf_action_latency_seconds");
    expect(totals.count).toBe(7);
    expect(totals.sum).toBeCloseTo(0.03);
    expect(histogramBuckets(text, "golf_action_latency_seconds")).toEqual(new Map([["0.005", 5], ["+Inf", 7]]));
  });
});

describe("the reference room's player", () => {
  const table = (drawnFrom: string, faceUp: boolean[]) => ({ phase: "playing", turn: 0, drawnFrom, seats: [{ cards: faceUp.map((up) => ({ faceUp: up })) }, { cards: [] }] });
  it("draws on its turn, then swaps into its first face-down slot", () => {
    expect(referenceMove(table("", [true, false]), 0)).toEqual({ type: "draw", payload: { source: "deck" } });
    expect(referenceMove(table("deck", [true, false]), 0)).toEqual({ type: "swap", payload: { position: 1 } });
    expect(referenceMove(table("", [false]), 1)).toBeNull();
    expect(referenceMove({ ...table("", [false]), phase: "lobby" }, 0)).toBeNull();
  });
});
