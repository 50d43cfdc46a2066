// The rating chart's gridlines: round values a reader takes in at a glance, inside the plotted range,
// about four of them whatever the spread of the ratings.
import { describe, expect, it } from "vitest";
import { gridValues } from "../src/ui/rating-chart.ts";

describe("rating chart gridlines", () => {
  it.each([
    [1490, 1510],
    [1480, 1620],
    [1200, 2100],
    [1499, 1501],
    [-40, 35],
  ])("between %i and %i: round, evenly spaced, inside, two to six of them", (low, high) => {
    const values = gridValues(low, high);
    expect(values.length).toBeGreaterThanOrEqual(2);
    expect(values.length).toBeLessThanOrEqual(6);
    for (const value of values) {
      expect(value).toBeGreaterThanOrEqual(low);
      expect(value).toBeLessThanOrEqual(high);
    }
    const step = values[1]! - values[0]!;
    expect(values.every((value, index) => index === 0 || value - values[index - 1]! === step)).toBe(true);
    // A step of 1, 2 or 5 times a power of ten.
    const leading = step / 10 ** Math.floor(Math.log10(step));
    expect([1, 2, 5]).toContain(Math.round(leading * 1000) / 1000);
  });
});
