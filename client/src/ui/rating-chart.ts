// A player's rating over their ranked games, drawn as an SVG line chart: the rating after each game
// (oldest on the left), a few gridlines with their values, the first and last dates under the axis.
// Screen readers get a summary (first, last, highest) as the chart's title.
import type { RatingHistoryPoint as RatingPoint } from "../../../shared/protocol/players.ts";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 640;
const HEIGHT = 220;
const PAD = { left: 48, right: 14, top: 12, bottom: 28 };

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** Round gridline values between low and high (about four of them). */
export function gridValues(low: number, high: number): number[] {
  const span = Math.max(1, high - low);
  const rough = span / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= rough)!;
  const values: number[] = [];
  for (let value = Math.ceil(low / step) * step; value <= high; value += step) values.push(value);
  return values;
}

const dateText = (at: number) => new Date(at).toLocaleDateString(undefined, { day: "numeric", month: "short" });

/** The chart, or null when there is nothing to plot. `history` is newest first (as the API answers). */
export function ratingChart(history: readonly RatingPoint[]): SVGSVGElement | null {
  if (history.length === 0) return null;
  const points = [...history].reverse();
  const ratings = points.map((point) => point.rating);
  const highest = Math.max(...ratings);
  const lowest = Math.min(...ratings);
  // Some room above and below, and a sensible span when the rating hardly moved.
  const low = Math.floor(lowest - Math.max(10, (highest - lowest) * 0.1));
  const high = Math.ceil(highest + Math.max(10, (highest - lowest) * 0.1));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const x = (index: number) => PAD.left + (points.length === 1 ? plotWidth / 2 : (index / (points.length - 1)) * plotWidth);
  const y = (rating: number) => PAD.top + (1 - (rating - low) / (high - low)) * plotHeight;

  const summary = `Rating over ${points.length} ranked ${points.length === 1 ? "game" : "games"}: from ${ratings[0]} to ${ratings.at(-1)}, highest ${highest}`;
  const chart = svg("svg", { class: "rating-chart", viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-label": summary, preserveAspectRatio: "xMidYMid meet" });
  chart.append(svg("title", {}, summary));
  for (const value of gridValues(low, high)) {
    chart.append(
      svg("line", { class: "grid", x1: PAD.left, x2: WIDTH - PAD.right, y1: y(value), y2: y(value) }),
      svg("text", { class: "tick", x: PAD.left - 6, y: y(value) + 4, "text-anchor": "end" }, String(value)),
    );
  }
  chart.append(
    svg("text", { class: "tick", x: PAD.left, y: HEIGHT - 8, "text-anchor": "start" }, dateText(points[0]!.at)),
    svg("text", { class: "tick", x: WIDTH - PAD.right, y: HEIGHT - 8, "text-anchor": "end" }, dateText(points.at(-1)!.at)),
  );
  const path = points.map((point, index) => `${index === 0 ? "M" : "L"}${x(index).toFixed(1)},${y(point.rating).toFixed(1)}`).join(" ");
  chart.append(svg("path", { class: "line", d: path }));
  // A dot per game while they are far enough apart to see; the last one always.
  points.forEach((point, index) => {
    if (points.length <= 60 || index === points.length - 1) {
      const dot = svg("circle", { class: index === points.length - 1 ? "dot last" : "dot", cx: x(index), cy: y(point.rating), r: index === points.length - 1 ? 4.5 : 3 });
      dot.append(svg("title", {}, `${point.rating} on ${new Date(point.at).toLocaleString()}`));
      chart.append(dot);
    }
  });
  return chart;
}
