// Where everything sits on the table, for any screen from a phone in portrait to a wide desktop.
// Pure geometry (no Phaser): the seat at the bottom gets the largest grid; the others go around the
// table clockwise (left side, across the top, right side) on a wide screen, or in rows across the
// top on a tall one. All sizes are in canvas pixels; `unit` is one CSS pixel in canvas pixels.

export interface Point {
  x: number;
  y: number;
}

export interface SeatPlace {
  seat: number;
  bottom: boolean;
  /** Card size and the gap between cards of this seat's grid. */
  cardW: number;
  cardH: number;
  gap: number;
  /** Centres of positions 0-5 (0 1 2 top row, 3 4 5 bottom row). */
  slots: Point[];
  /** The name plate under the grid: centre and size. */
  plate: { x: number; y: number; w: number; h: number };
  /** Where this seat's drawn card is held, and at what card width. */
  held: Point & { cardW: number };
  /** The bounding box of grid and plate. */
  box: { x: number; y: number; w: number; h: number };
}

export interface TableLayout {
  width: number;
  height: number;
  unit: number;
  portrait: boolean;
  seats: SeatPlace[];
  deck: Point;
  discard: Point;
  pileW: number;
  pileH: number;
  /** Where banners and the hint line go. */
  centre: Point;
}

export interface LayoutInput {
  width: number;
  height: number;
  unit: number;
  seatCount: number;
  bottomSeat: number;
  /** Space kept free for the DOM bars at the top and bottom (canvas pixels). */
  insetTop: number;
  insetBottom: number;
}

export const CARD_RATIO = 1.4;

function gridSize(cardW: number): { w: number; h: number; gap: number } {
  const gap = Math.round(cardW * 0.12);
  return { w: cardW * 3 + gap * 2, h: cardW * CARD_RATIO * 2 + gap, gap };
}

function plateHeight(cardW: number, unit: number, bottom: boolean): number {
  return Math.round(Math.max(26 * unit, Math.min(bottom ? 44 * unit : 38 * unit, cardW * 0.55)));
}

/** A seat block (grid over plate) whose grid is centred on (cx, gridCy). */
function place(seat: number, bottom: boolean, cx: number, gridCy: number, cardW: number, unit: number, maxPlateW = Infinity): SeatPlace {
  const grid = gridSize(cardW);
  const cardH = cardW * CARD_RATIO;
  const slots: Point[] = [];
  for (let position = 0; position < 6; position++) {
    const column = position % 3;
    const row = Math.floor(position / 3);
    slots.push({
      x: cx - grid.w / 2 + cardW / 2 + column * (cardW + grid.gap),
      y: gridCy - grid.h / 2 + cardH / 2 + row * (cardH + grid.gap),
    });
  }
  const plateH = plateHeight(cardW, unit, bottom);
  const plateW = Math.min(Math.max(grid.w, 132 * unit), Math.max(grid.w, maxPlateW));
  const plateY = gridCy + grid.h / 2 + grid.gap + plateH / 2;
  const top = gridCy - grid.h / 2;
  const boxW = Math.max(grid.w, plateW);
  return {
    seat,
    bottom,
    cardW,
    cardH,
    gap: grid.gap,
    slots,
    plate: { x: cx, y: plateY, w: plateW, h: plateH },
    held: { x: cx, y: gridCy, cardW: cardW * 1.08 },
    box: { x: cx - boxW / 2, y: top, w: boxW, h: plateY + plateH / 2 - top },
  };
}

/** Block height (grid + gap + plate) for a card width. */
function blockHeight(cardW: number, unit: number, bottom: boolean): number {
  const grid = gridSize(cardW);
  return grid.h + grid.gap + plateHeight(cardW, unit, bottom);
}

export function computeLayout(input: LayoutInput): TableLayout {
  const { width: W, height: H, unit, seatCount } = input;
  const top = input.insetTop;
  const bottomEdge = H - input.insetBottom;
  const availH = Math.max(1, bottomEdge - top);
  const margin = 10 * unit;
  const portrait = W / availH < 1.15;
  // A short, wide screen (a phone on its side): everyone in one band, the others to the sides.
  const wide = !portrait && W / availH > 2.6;
  const n = Math.max(1, seatCount);
  const others = n - 1;
  // Seats in clockwise order from the bottom seat.
  const order = Array.from({ length: n }, (_, k) => (input.bottomSeat + k) % n);

  let meW: number;
  let oppW: number;
  const seats: SeatPlace[] = [];
  let pilesY: number;

  if (wide) {
    meW = Math.min(W * 0.1, (availH * 0.55) / (2 * CARD_RATIO + 0.12 + 0.55), 150 * unit);
    const narrowestColumn = (W / 2 - Math.max(gridSize(meW).w, 132 * unit) / 2 - margin * 2) / Math.max(1, Math.ceil(others / 2));
    oppW = Math.min(meW * 0.72, (narrowestColumn * 0.9) / 3.24);
    const meBlock = blockHeight(meW, unit, true);
    const meGridCy = bottomEdge - margin - meBlock + gridSize(meW).h / 2;
    seats.push(place(order[0]!, true, W / 2, meGridCy, meW, unit));
    const meHalf = Math.max(gridSize(meW).w, 132 * unit) / 2;
    const left = Math.ceil(others / 2);
    const right = others - left;
    const sideW = W / 2 - meHalf - margin * 2;
    const oppGridCy = top + (availH - blockHeight(oppW, unit, false)) / 2 + gridSize(oppW).h / 2;
    for (let k = 0; k < others; k++) {
      const onLeft = k < left;
      const count = onLeft ? left : right;
      const index = onLeft ? k : k - left;
      const colW = sideW / count;
      const cx = onLeft ? margin + colW * (index + 0.5) : W / 2 + meHalf + margin + colW * (index + 0.5);
      seats.push(place(order[k + 1]!, false, cx, oppGridCy, oppW, unit, colW - 6 * unit));
    }
    pilesY = (top + (meGridCy - gridSize(meW).h / 2)) / 2;
  } else if (!portrait) {
    // A short screen (a phone on its side) gives your grid a larger share of the height.
    const share = availH < 420 * unit ? 0.5 : 0.4;
    meW = Math.min(W * 0.1, (availH * share) / (2 * CARD_RATIO + 0.12 + 0.55), 150 * unit);
    oppW = meW * (others >= 4 ? 0.66 : 0.74);
    const meBlock = blockHeight(meW, unit, true);
    const meGridCy = bottomEdge - margin - meBlock + gridSize(meW).h / 2;
    seats.push(place(order[0]!, true, W / 2, meGridCy, meW, unit));
    const oppBlock = blockHeight(oppW, unit, false);
    const oppGrid = gridSize(oppW);
    const topGridCy = top + margin + oppGrid.h / 2;
    const sideX = margin + Math.max(oppGrid.w, 132 * unit) / 2 + 8 * unit;
    // The side seats sit level with the piles, between the top row and the bottom seat.
    const sideGridCy = Math.min((top + margin + oppBlock + meGridCy - gridSize(meW).h / 2) / 2 + oppGrid.h * 0.15, meGridCy - oppGrid.h * 0.2);
    const spots: Point[] =
      others === 1 ? [{ x: W / 2, y: topGridCy }]
      : others === 2 ? [{ x: W * 0.3, y: topGridCy }, { x: W * 0.7, y: topGridCy }]
      : others === 3 ? [{ x: sideX, y: sideGridCy }, { x: W / 2, y: topGridCy }, { x: W - sideX, y: sideGridCy }]
      : others === 4 ? [{ x: sideX, y: sideGridCy }, { x: W * 0.36, y: topGridCy }, { x: W * 0.64, y: topGridCy }, { x: W - sideX, y: sideGridCy }]
      : [{ x: sideX, y: sideGridCy }, { x: W * 0.28, y: topGridCy }, { x: W / 2, y: topGridCy }, { x: W * 0.72, y: topGridCy }, { x: W - sideX, y: sideGridCy }];
    spots.slice(0, others).forEach((spot, k) => seats.push(place(order[k + 1]!, false, spot.x, spot.y, oppW, unit)));
    const topRowBottom = others === 0 ? top : top + margin + oppBlock;
    pilesY = (topRowBottom + (meGridCy - gridSize(meW).h / 2)) / 2;
  } else {
    const rows = others <= 3 ? 1 : 2;
    const cols = Math.max(1, Math.ceil(others / rows));
    const colW = (W - margin * 2) / cols;
    oppW = Math.min((colW * 0.86) / 3.24, (availH * 0.36) / rows / (2 * CARD_RATIO + 0.12 + 0.6), 84 * unit);
    meW = Math.min((W * 0.86) / 3.24, (availH * 0.4) / (2 * CARD_RATIO + 0.12 + 0.5), 120 * unit);
    const meBlock = blockHeight(meW, unit, true);
    const meGridCy = bottomEdge - margin - meBlock + gridSize(meW).h / 2;
    seats.push(place(order[0]!, true, W / 2, meGridCy, meW, unit));
    const oppBlock = blockHeight(oppW, unit, false);
    for (let k = 0; k < others; k++) {
      const row = Math.floor(k / cols);
      const inRow = Math.min(cols, others - row * cols);
      const col = k - row * cols;
      const rowW = inRow * colW;
      const cx = (W - rowW) / 2 + colW * (col + 0.5);
      const gridCy = top + margin + row * (oppBlock + margin) + gridSize(oppW).h / 2;
      seats.push(place(order[k + 1]!, false, cx, gridCy, oppW, unit, colW - 6 * unit));
    }
    const rowsBottom = Math.max(top, ...seats.slice(1).map((spot) => spot.box.y + spot.box.h));
    pilesY = (rowsBottom + seats[0]!.box.y) / 2;
  }

  const spaceForPiles = seats[0]!.box.y - (seats.length > 1 && !wide ? Math.max(...seats.slice(1).map((s) => (s.box.y + s.box.h < seats[0]!.box.y ? s.box.y + s.box.h : top))) : top);
  const pileW = Math.max(22 * unit, Math.min(meW * 0.95, (spaceForPiles * 0.8) / CARD_RATIO, W * 0.2));
  const pileH = pileW * CARD_RATIO;
  const pileGap = pileW * 0.3;
  const deck = { x: W / 2 - pileW / 2 - pileGap / 2, y: pilesY };
  const discard = { x: W / 2 + pileW / 2 + pileGap / 2, y: pilesY };

  // Where a drawn card is held: the bottom seat beside the piles; the others between their grid
  // and the middle of the table.
  for (const spot of seats) {
    if (spot.bottom) {
      spot.held = { x: discard.x + pileW * 1.45, y: pilesY, cardW: pileW * 1.05 };
    } else if (portrait || wide) {
      // On a tall screen the others hold their card on the left of the deck (there is no room
      // beside their small grids); the player's own goes on the right of the discard pile.
      spot.held = { x: deck.x - pileW * 1.45, y: pilesY, cardW: pileW * 0.95 };
    } else {
      const gridCx = spot.slots[1]!.x;
      const gridCy = (spot.slots[1]!.y + spot.slots[4]!.y) / 2;
      const towardX = W / 2 - gridCx;
      const towardY = pilesY - gridCy;
      const length = Math.hypot(towardX, towardY) || 1;
      const reach = Math.min(length * 0.45, spot.cardW * 2.6);
      spot.held = { x: gridCx + (towardX / length) * reach, y: gridCy + (towardY / length) * reach, cardW: spot.cardW * 1.05 };
    }
  }

  return { width: W, height: H, unit, portrait, seats, deck, discard, pileW, pileH, centre: { x: W / 2, y: pilesY } };
}

/** The place of `seat` in a layout. */
export function placeOf(layout: TableLayout, seat: number): SeatPlace | undefined {
  return layout.seats.find((spot) => spot.seat === seat);
}
