// The table, drawn with Phaser: every seat's grid and name plate, the deck and the discard pile, a
// held card, speech bubbles and banners. It draws a TableModel and animates from one to the next
// (event-animations.ts); the live table and the replay both drive it, and neither lets it decide
// any rule. The sprites and how each is painted are in table-sprites.ts, cards in flight in
// card-flights.ts, the animation clock in motion.ts.
import Phaser from "phaser";
import { ensureArt, HALO_SCALE_X, HALO_SCALE_Y } from "./card-art.ts";
import { CardFlights } from "./card-flights.ts";
import { EventAnimations } from "./event-animations.ts";
import { computeLayout, placeOf, type Point, type TableLayout } from "./layout.ts";
import type { TableModel } from "./model.ts";
import { play, type Sound } from "./audio.ts";
import { EASE, MotionClock } from "./motion.ts";
import { addLabel, createPileSprites, createSeatSprites, DEPTH, drawPlate, drawTimers, GOLD, GREEN, setCard, type SeatSprites, type TableSprites } from "./table-sprites.ts";

/** What a click on the table means: the controller decides, the view only reports. */
export interface TableHandlers {
  slot(position: number): void;
  deck(): void;
  discard(): void;
  /** A click on a seat's name (the live table opens a signed-in player's profile). */
  name?(seat: number): void;
}

/** Which things the viewer may click now (everything else is not offered). */
export interface Offers {
  slots: ReadonlySet<number>;
  /** Initial-flip positions chosen so far. */
  selected: ReadonlySet<number>;
  deck: boolean;
  discard: boolean;
}

export const NO_OFFERS: Offers = { slots: new Set(), selected: new Set(), deck: false, discard: false };

export type { TableEvent } from "./describe.ts";
import type { TableEvent } from "./describe.ts";

export class TableView extends Phaser.Scene {
  /** What the table shows now (after the last animation, or the last settled state). */
  model: TableModel | null = null;
  layout: TableLayout | null = null;
  handlers: TableHandlers = { slot: () => undefined, deck: () => undefined, discard: () => undefined };
  private offers: Offers = NO_OFFERS;
  private insets = { top: 0, bottom: 0 };
  private ready!: Promise<void>;
  private markReady!: () => void;
  private readonly clock = new MotionClock();
  private readonly flights = new CardFlights(this, this.clock);
  /** Created with the scene (Phaser can add sprites only from then on). */
  private sprites!: TableSprites;
  private animations!: EventAnimations;
  /** Slots ("seat:position") whose sprite an animation is moving: render leaves them alone meanwhile. */
  private readonly busySlots = new Set<string>();
  private layoutKey = "";
  private turnSeconds = 0;

  constructor() {
    super({ key: "table" });
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  /** Animation speed factor (2 = twice as fast). */
  get speed(): number {
    return this.clock.speed;
  }

  set speed(factor: number) {
    this.clock.speed = factor;
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  create(): void {
    ensureArt(this);
    this.sprites = createPileSprites(this, this.unit, () => this.handlers.deck(), () => this.handlers.discard());
    this.animations = new EventAnimations(this, this.sprites, this.busySlots, this.flights, this.clock);
    this.scale.on("resize", () => this.relayout());
    // A hidden tab draws no frames: finish what is moving rather than leave it half-way.
    const hidden = () => document.hidden && this.cancelAnimations();
    document.addEventListener("visibilitychange", hidden);
    this.events.once("destroy", () => document.removeEventListener("visibilitychange", hidden));
    this.markReady();
  }

  override update(): void {
    const now = performance.now();
    this.clock.tick(now);
    // Every highlight breathes together.
    this.applyPulse(0.725 + 0.275 * Math.cos((now / 700) * Math.PI));
    if (this.model && this.layout) drawTimers(this.sprites.seats, this.layout, this.model, this.turnSeconds, () => this.unit);
  }

  // ---- Public surface ------------------------------------------------------------------------

  /** Canvas pixels per CSS pixel (the screen's pixel density, as the canvas is drawn). */
  get unit(): number {
    const box = this.game.canvas.getBoundingClientRect();
    return box.width > 0 ? this.scale.width / box.width : 1;
  }

  setInsets(topCss: number, bottomCss: number): void {
    if (this.insets.top === topCss && this.insets.bottom === bottomCss) return;
    this.insets = { top: topCss, bottom: bottomCss };
    this.relayout();
  }

  setTurnSeconds(seconds: number): void {
    this.turnSeconds = seconds;
  }

  setOffers(offers: Offers): void {
    this.offers = offers;
    if (this.model) this.paintOffers();
  }

  /** Shows `model` at once (no animation), stopping any animation under way. */
  show(model: TableModel): void {
    this.cancelAnimations();
    this.render(model);
  }

  /**
   * Animates one event from what is shown now, then shows `after` (the state right after the event,
   * when known). Without `after`, it shows what the event itself tells (a settled state follows).
   */
  animate(event: TableEvent, after: TableModel | null): Promise<void> {
    return this.animations.animate(event, after);
  }

  /** Stops every animation: running promises resolve, temporary sprites go. */
  cancelAnimations(): void {
    this.clock.cancel();
    this.flights.disposeAll();
    this.busySlots.clear();
  }

  /** Where a named thing is on screen: deck, discard, held, slot:N (your own), slot:S:N, seat:S. */
  locate(name: string): Point | null {
    const layout = this.layout;
    const model = this.model;
    if (!layout || !model) return null;
    let point: Point | null = null;
    let match: RegExpExecArray | null;
    if (name === "deck" && this.sprites.deckImages[2]!.visible) point = this.sprites.deckImages[2]!;
    else if (name === "discard" && model.phase !== "lobby") point = layout.discard;
    else if (name === "held" && this.sprites.heldImage.visible) point = this.sprites.heldImage;
    else if ((match = /^slot:(\d)$/.exec(name))) point = this.slotPoint(model.me >= 0 ? model.me : model.bottom, Number(match[1]));
    else if ((match = /^slot:(\d):(\d)$/.exec(name))) point = this.slotPoint(Number(match[1]), Number(match[2]));
    else if ((match = /^seat:(\d)$/.exec(name))) {
      const spot = placeOf(layout, Number(match[1]));
      if (spot) point = spot.plate;
    }
    return point ? this.toPage(point) : null;
  }

  private slotPoint(seat: number, position: number): Point | null {
    const sprite = this.sprites.seats[seat]?.cards[position];
    if (!sprite || !sprite.visible || position > 5) return null;
    return { x: sprite.x, y: sprite.y };
  }

  private toPage(point: Point): Point {
    const box = this.game.canvas.getBoundingClientRect();
    const ratio = box.width / this.scale.width;
    return { x: Math.round(box.left + point.x * ratio), y: Math.round(box.top + point.y * ratio) };
  }

  /** Speech-bubble text over a seat (e.g. "skips the flip"). */
  say(seat: number, message: string): void {
    const spot = this.layout && placeOf(this.layout, seat);
    if (!spot) return;
    const bubble = this.text(spot.plate.x, spot.plate.y - spot.plate.h, message, 13, "#ffffff", true)
      .setOrigin(0.5)
      .setDepth(DEPTH.float)
      .setBackgroundColor("rgba(0,0,0,0.55)")
      .setPadding(8 * this.unit, 4 * this.unit, 8 * this.unit, 4 * this.unit);
    this.flights.track(bubble);
    const y = bubble.y;
    void this.clock.wait(900)
      .then(() => this.clock.move(600, (t) => bubble.setY(y - 14 * this.unit * t).setAlpha(1 - t)))
      .then(() => this.flights.dispose(bubble));
  }

  /** A large banner across the table (knock, final turn, the winner). */
  async banner(title: string, subtitle = "", sound?: Sound): Promise<void> {
    if (!this.layout) return;
    if (sound) play(sound);
    const u = this.unit;
    const { centre } = this.layout;
    const big = this.text(centre.x, centre.y - 8 * u, title, this.layout.portrait ? 30 : 40, "#ffe08a", true).setOrigin(0.5).setDepth(DEPTH.banner);
    big.setStroke("#3b2500", 6 * u).setShadow(0, 3 * u, "rgba(0,0,0,0.6)", 8 * u, true, true);
    const small = subtitle ? this.text(centre.x, centre.y + 26 * u, subtitle, 16, "#ffffff", true).setOrigin(0.5).setDepth(DEPTH.banner).setStroke("#00000088", 4 * u) : null;
    for (const item of [big, small]) if (item) this.flights.track(item);
    big.setScale(0.4).setAlpha(0);
    await this.clock.move(260, (t) => big.setScale(0.4 + 0.6 * t).setAlpha(Math.min(1, t * 1.5)), EASE.backOut);
    await this.clock.wait(750);
    await this.clock.move(280, (t) => {
      big.setAlpha(1 - t);
      small?.setAlpha(1 - t);
    });
    this.flights.dispose(big);
    if (small) this.flights.dispose(small);
  }

  // ---- Layout and rendering ------------------------------------------------------------------

  private relayout(): void {
    this.layoutKey = "";
    if (this.model) this.show(this.model);
  }

  private ensureLayout(model: TableModel): TableLayout {
    const u = this.unit;
    const key = `${this.scale.width}x${this.scale.height}:${model.seats.length}:${model.bottom}:${this.insets.top}:${this.insets.bottom}`;
    if (key !== this.layoutKey || !this.layout) {
      this.layoutKey = key;
      this.layout = computeLayout({
        width: this.scale.width,
        height: this.scale.height,
        unit: u,
        seatCount: model.seats.length,
        bottomSeat: model.bottom,
        insetTop: this.insets.top * u,
        insetBottom: this.insets.bottom * u,
      });
    }
    return this.layout;
  }

  private text(x: number, y: number, value: string, sizeCss: number, colour: string, bold = false): Phaser.GameObjects.Text {
    return addLabel(this, this.unit, x, y, value, sizeCss, colour, bold);
  }

  /** A seat's sprites, created the first time the seat is drawn. */
  private seatSprites(seat: number): SeatSprites {
    const seats = this.sprites.seats;
    while (seats.length <= seat) {
      const index = seats.length;
      // The controller checks each click against the legal moves; the view only reports it.
      seats.push(createSeatSprites(this, this.unit, (position) => {
        if (this.model && index === this.model.me) this.handlers.slot(position);
      }, () => this.handlers.name?.(index)));
    }
    return seats[seat]!;
  }

  /** Draws `model` exactly (no animation). */
  render(model: TableModel): void {
    this.model = model;
    const layout = this.ensureLayout(model);
    const u = this.unit;
    const dealt = model.phase !== "lobby" && model.seats.some((seat) => seat.cards.length === 6);

    for (let seat = 0; seat < Math.max(model.seats.length, this.sprites.seats.length); seat++) {
      const sprites = this.seatSprites(seat);
      const spot = placeOf(layout, seat);
      const seatModel = model.seats[seat];
      for (let position = 0; position < 6; position++) {
        if (this.busySlots.has(`${seat}:${position}`)) continue;
        const card = sprites.cards[position]!;
        const slot = seatModel?.cards[position];
        if (!spot || !slot || !dealt) {
          card.setVisible(false);
          continue;
        }
        const at = spot.slots[position]!;
        setCard(this, card, slot, at.x, at.y, spot.cardW);
      }
      drawPlate(sprites, seat, spot, seatModel, model, u);
    }

    // Deck: a small stack whose height hints at its size.
    const pileW = layout.pileW;
    const showPiles = model.phase !== "lobby";
    const layers = !showPiles || model.deckCount <= 0 ? 0 : model.deckCount < 4 ? 1 : model.deckCount < 15 ? 2 : 3;
    this.sprites.deckImages.forEach((image, i) => {
      const visible = i >= 3 - layers;
      const lift = (i - 2) * 2.2 * u;
      image.setTexture("card:back").setPosition(layout.deck.x + lift, layout.deck.y + lift).setDisplaySize(pileW, pileW * 1.4).setVisible(visible);
    });
    // The top image stays clickable even when the stack is thin.
    this.sprites.deckImages[2]!.setVisible(layers > 0);
    this.sprites.deckText.setPosition(layout.deck.x, layout.deck.y + layout.pileH / 2 + 6 * u).setText(showPiles ? `${model.deckCount}` : "").setFontSize(Math.round(12 * u));
    if (showPiles && model.discardTop) {
      setCard(this, this.sprites.discardImage, { face: model.discardTop, faceUp: true }, layout.discard.x, layout.discard.y, pileW);
    } else {
      this.sprites.discardImage.setVisible(showPiles).setTexture("card:slot").setPosition(layout.discard.x, layout.discard.y).setDisplaySize(pileW, pileW * 1.4).clearTint();
    }
    this.sprites.discardText
      .setPosition(layout.discard.x, layout.discard.y + layout.pileH / 2 + 6 * u)
      .setText(showPiles && model.discardCount > 0 ? `${model.discardCount}` : "")
      .setFontSize(Math.round(12 * u));

    // The held card.
    const holder = model.heldBy >= 0 ? placeOf(layout, model.heldBy) : undefined;
    if (holder) {
      setCard(this, this.sprites.heldImage, { face: model.held, faceUp: true }, holder.held.x, holder.held.y, holder.held.cardW);
      this.sprites.heldImage.setAngle(holder.bottom ? 0 : -6);
      this.sprites.heldShadow.setPosition(holder.held.x + 4 * u, holder.held.y + 6 * u).setDisplaySize(holder.held.cardW * HALO_SCALE_X, holder.held.cardW * 1.4 * HALO_SCALE_Y).setVisible(true);
    } else {
      this.sprites.heldImage.setVisible(false);
      this.sprites.heldShadow.setVisible(false);
    }
    this.paintOffers();
  }

  private paintOffers(): void {
    const model = this.model;
    const layout = this.layout;
    if (!model || !layout) return;
    const u = this.unit;
    for (const [seat, sprites] of this.sprites.seats.entries()) {
      const spot = placeOf(layout, seat);
      sprites.glows.forEach((glow, position) => {
        const offered = seat === model.me && this.offers.slots.has(position);
        const chosen = seat === model.me && this.offers.selected.has(position);
        const card = sprites.cards[position]!;
        if (!spot || !card.visible || (!offered && !chosen)) {
          glow.setVisible(false);
          return;
        }
        glow
          .setPosition(card.x, card.y)
          .setDisplaySize(spot.cardW * HALO_SCALE_X, spot.cardH * HALO_SCALE_Y)
          .setTint(chosen ? GREEN : GOLD)
          .setVisible(true);
        glow.setData("steady", chosen);
      });
      // A chosen card rises a little.
      sprites.cards.forEach((card, position) => {
        if (!spot || this.busySlots.has(`${seat}:${position}`) || !card.visible) return;
        const lifted = seat === model.me && this.offers.selected.has(position);
        card.y = spot.slots[position]!.y - (lifted ? 8 * u : 0);
        sprites.glows[position]!.y = card.y;
      });
    }
    const deckTop = this.sprites.deckImages[2]!;
    this.sprites.deckGlow.setVisible(this.offers.deck && deckTop.visible).setPosition(deckTop.x, deckTop.y).setDisplaySize(layout.pileW * HALO_SCALE_X, layout.pileH * HALO_SCALE_Y);
    this.sprites.discardGlow.setVisible(this.offers.discard).setPosition(layout.discard.x, layout.discard.y).setDisplaySize(layout.pileW * HALO_SCALE_X, layout.pileH * HALO_SCALE_Y);
    const mineHeld = model.heldBy >= 0 && model.heldBy === model.me && this.sprites.heldImage.visible;
    this.sprites.heldGlow.setVisible(mineHeld).setPosition(this.sprites.heldImage.x, this.sprites.heldImage.y).setDisplaySize(this.sprites.heldImage.displayWidth * HALO_SCALE_X, this.sprites.heldImage.displayHeight * HALO_SCALE_Y).setTint(GREEN);
    this.input.setDefaultCursor("default");
    // Only offered things show a hand cursor.
    for (const [seat, sprites] of this.sprites.seats.entries()) {
      sprites.cards.forEach((card, position) => {
        if (card.input) card.input.cursor = seat === model.me && this.offers.slots.has(position) ? "pointer" : "default";
      });
    }
    if (deckTop.input) deckTop.input.cursor = this.offers.deck ? "pointer" : "default";
    if (this.sprites.discardImage.input) this.sprites.discardImage.input.cursor = this.offers.discard ? "pointer" : "default";
  }

  private applyPulse(alpha: number): void {
    for (const sprites of this.sprites.seats) for (const glow of sprites.glows) if (glow.visible) glow.setAlpha(glow.getData("steady") ? 1 : alpha);
    this.sprites.deckGlow.setAlpha(alpha);
    this.sprites.discardGlow.setAlpha(alpha);
    this.sprites.heldGlow.setAlpha(0.5 + alpha / 2);
  }

}
