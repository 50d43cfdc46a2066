// The table layout, from a phone in portrait to a wide desktop: every card on screen and big
// enough to tap, nothing on top of anything else, your own grid the largest.
import { describe, expect, it } from "vitest";
import { computeLayout, type TableLayout } from "../src/game/layout.ts";

const SCREENS = [
  { name: "small phone, portrait", width: 360, height: 640, unit: 2 },
  { name: "phone, portrait", width: 390, height: 844, unit: 3 },
  { name: "phone, landscape", width: 844, height: 390, unit: 3 },
  { name: "tablet, portrait", width: 768, height: 1024, unit: 2 },
  { name: "tablet, landscape", width: 1024, height: 768, unit: 2 },
  { name: "laptop", width: 1280, height: 720, unit: 1 },
  { name: "desktop", width: 1920, height: 1080, unit: 1 },
  { name: "ultrawide", width: 2560, height: 1080, unit: 1 },
];

// The HUD bars above and below the table (CSS pixels): the live table's, and the replay's taller
// controls at the bottom.
const TOP = 58;
const BARS = [
  // The hint line is 52 px high, 60 on a narrow screen (styles.css), plus a small gap.
  { name: "playing", bottom: (_height: number, width: number) => (width <= 560 ? 64 : 56) },
  // The replay's controls take one row on a short screen (max-height 500px).
  { name: "replay", bottom: (height: number) => (height <= 500 ? 60 : 110) },
];

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const overlap = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

function layoutFor(screen: (typeof SCREENS)[number], seats: number, bottomSeat = 0, bottomBar = 50): TableLayout {
  return computeLayout({
    width: screen.width * screen.unit,
    height: screen.height * screen.unit,
    unit: screen.unit,
    seatCount: seats,
    bottomSeat,
    insetTop: TOP * screen.unit,
    insetBottom: bottomBar * screen.unit,
  });
}

describe("table layout", () => {
  for (const screen of SCREENS) {
    for (const bar of BARS) {
    for (let seats = 2; seats <= 6; seats++) {
      it(`${screen.name}, ${bar.name}, ${seats} seats: everything on screen, nothing overlapping`, () => {
        const bottomBar = bar.bottom(screen.height, screen.width);
        const layout = layoutFor(screen, seats, seats - 1, bottomBar);
        const u = screen.unit;
        const area = { x: 0, y: TOP * u, w: screen.width * u, h: (screen.height - TOP - bottomBar) * u };
        expect(layout.seats.map((spot) => spot.seat).sort()).toEqual(Array.from({ length: seats }, (_, i) => i));
        const you = layout.seats.find((spot) => spot.bottom)!;
        expect(you.seat).toBe(seats - 1);

        for (const spot of layout.seats) {
          // Every card and name plate inside the table area.
          for (const slot of spot.slots) {
            expect(slot.x - spot.cardW / 2).toBeGreaterThanOrEqual(area.x - 0.5);
            expect(slot.x + spot.cardW / 2).toBeLessThanOrEqual(area.x + area.w + 0.5);
            expect(slot.y - spot.cardH / 2).toBeGreaterThanOrEqual(area.y - 0.5);
            expect(slot.y + spot.cardH / 2).toBeLessThanOrEqual(area.y + area.h + 0.5);
          }
          expect(spot.plate.x - spot.plate.w / 2).toBeGreaterThanOrEqual(-0.5);
          expect(spot.plate.x + spot.plate.w / 2).toBeLessThanOrEqual(area.w + 0.5);
          expect(spot.plate.y + spot.plate.h / 2).toBeLessThanOrEqual(area.y + area.h + 0.5);
          // Cards big enough to see and tap: yours at least 40 CSS px wide, the others' 24.
          expect(spot.cardW / u).toBeGreaterThanOrEqual(spot.bottom ? 40 : 24);
          expect(spot.cardW).toBeLessThanOrEqual(you.cardW);
        }

        // No seat on another, and the piles clear of every seat.
        const boxes = layout.seats.map((spot) => spot.box);
        for (let a = 0; a < boxes.length; a++) for (let b = a + 1; b < boxes.length; b++) expect(overlap(boxes[a]!, boxes[b]!), `seats ${a} and ${b}`).toBe(false);
        for (const pile of [layout.deck, layout.discard]) {
          const box = { x: pile.x - layout.pileW / 2, y: pile.y - layout.pileH / 2, w: layout.pileW, h: layout.pileH };
          for (const seatBox of boxes) expect(overlap(box, seatBox), "a pile on a seat").toBe(false);
        }
      });
    }
    }
  }

  it("puts the seats around the table clockwise from the bottom seat", () => {
    const layout = layoutFor(SCREENS[5]!, 4, 2);
    const [bottom, left, top, right] = layout.seats;
    expect([bottom!.seat, left!.seat, top!.seat, right!.seat]).toEqual([2, 3, 0, 1]);
    expect(left!.slots[1]!.x).toBeLessThan(top!.slots[1]!.x);
    expect(right!.slots[1]!.x).toBeGreaterThan(top!.slots[1]!.x);
    expect(top!.slots[1]!.y).toBeLessThan(bottom!.slots[1]!.y);
  });
});
