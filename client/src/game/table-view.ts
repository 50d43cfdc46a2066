// The table, drawn with Phaser: every seat's grid and name plate, the deck and the discard pile, a
// held card, and the animations of each game event (deal, flips, draws, the swap arc, discards,
// knocks, reshuffles, the end-of-hole reveal and tally). It draws a TableModel and animates from one
// to the next; the live table and the replay both drive it, and neither lets it decide any rule.
import Phaser from "phaser";
import { cardTexture, ensureArt, HALO_SCALE_X, HALO_SCALE_Y } from "./card-art.ts";
import { computeLayout, placeOf, type Point, type SeatPlace, type TableLayout } from "./layout.ts";
import type { CardFace, SeatModel, SlotModel, TableModel } from "./model.ts";
import { play, type Sound } from "./audio.ts";

/** What a click on the table means: the controller decides, the view only reports. */
export interface TableHandlers {
  slot(position: number): void;
  deck(): void;
  discard(): void;
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

interface SeatSprites {
  cards: Phaser.GameObjects.Image[];
  glows: Phaser.GameObjects.Image[];
  plate: Phaser.GameObjects.Graphics;
  name: Phaser.GameObjects.Text;
  detail: Phaser.GameObjects.Text;
  timer: Phaser.GameObjects.Graphics;
}

interface Motion {
  start: number;
  duration: number;
  ease: (t: number) => number;
  step: (t: number) => void;
  finish: () => void;
}

const EASE = {
  linear: (t: number) => t,
  inOut: (t: number) => 0.5 - 0.5 * Math.cos(Math.PI * t),
  in: (t: number) => 1 - Math.cos((Math.PI * t) / 2),
  out: (t: number) => Math.sin((Math.PI * t) / 2),
  cubicOut: (t: number) => 1 - (1 - t) ** 3,
  backOut: (t: number) => 1 + 2.7 * (t - 1) ** 3 + 1.7 * (t - 1) ** 2,
};

const GOLD = 0xffd166;
const GREEN = 0x7cf29a;
const FONT = '"Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", sans-serif';
const DEPTH = { plate: 1, card: 5, glow: 6, pile: 5, held: 20, flying: 30, float: 40, banner: 50 } as const;

export class TableView extends Phaser.Scene {
  /** What the table shows now (after the last animation, or the last settled state). */
  model: TableModel | null = null;
  layout: TableLayout | null = null;
  /** Animation speed factor (2 = twice as fast). */
  speed = 1;
  handlers: TableHandlers = { slot: () => undefined, deck: () => undefined, discard: () => undefined };
  private offers: Offers = NO_OFFERS;
  private insets = { top: 0, bottom: 0 };
  private ready!: Promise<void>;
  private markReady!: () => void;
  private seatSprites: SeatSprites[] = [];
  private deckImages: Phaser.GameObjects.Image[] = [];
  private deckText!: Phaser.GameObjects.Text;
  private deckGlow!: Phaser.GameObjects.Image;
  private discardImage!: Phaser.GameObjects.Image;
  private discardText!: Phaser.GameObjects.Text;
  private discardGlow!: Phaser.GameObjects.Image;
  private heldShadow!: Phaser.GameObjects.Image;
  private heldImage!: Phaser.GameObjects.Image;
  private heldGlow!: Phaser.GameObjects.Image;
  /** Motions under way: each moves something from t = 0 to t = 1 over its duration. */
  private readonly motions = new Set<Motion>();
  private readonly running = new Set<() => void>();
  private readonly temporary = new Set<Phaser.GameObjects.GameObject>();
  /** Slots whose sprite an animation is moving (render leaves them alone meanwhile). */
  private readonly busySlots = new Set<string>();
  private layoutKey = "";
  private turnSeconds = 0;

  constructor() {
    super({ key: "table" });
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  create(): void {
    ensureArt(this);
    for (let i = 0; i < 3; i++) this.deckImages.push(this.add.image(0, 0, "card:back").setDepth(DEPTH.pile).setVisible(false));
    const top = this.deckImages[2]!;
    top.setInteractive().on("pointerdown", () => this.handlers.deck());
    this.deckGlow = this.add.image(0, 0, "card:glow").setDepth(DEPTH.glow).setTint(GOLD).setVisible(false);
    this.deckText = this.text(0, 0, "", 12, "#e8f5ec").setOrigin(0.5, 0).setDepth(DEPTH.pile);
    this.discardImage = this.add.image(0, 0, "card:back").setDepth(DEPTH.pile).setVisible(false);
    this.discardImage.setInteractive().on("pointerdown", () => this.handlers.discard());
    this.discardGlow = this.add.image(0, 0, "card:glow").setDepth(DEPTH.glow).setTint(GOLD).setVisible(false);
    this.discardText = this.text(0, 0, "", 12, "#e8f5ec").setOrigin(0.5, 0).setDepth(DEPTH.pile);
    this.heldShadow = this.add.image(0, 0, "card:shadow").setDepth(DEPTH.held - 1).setVisible(false);
    this.heldImage = this.add.image(0, 0, "card:back").setDepth(DEPTH.held).setVisible(false);
    this.heldGlow = this.add.image(0, 0, "card:glow").setDepth(DEPTH.held + 1).setTint(GOLD).setVisible(false);
    this.scale.on("resize", () => this.relayout());
    // A hidden tab draws no frames: finish what is moving rather than leave it half-way.
    const hidden = () => document.hidden && this.cancelAnimations();
    document.addEventListener("visibilitychange", hidden);
    this.events.once("destroy", () => document.removeEventListener("visibilitychange", hidden));
    this.markReady();
  }

  override update(): void {
    const now = performance.now();
    for (const motion of [...this.motions]) {
      const t = Math.min(1, Math.max(0, (now - motion.start) / motion.duration));
      motion.step(motion.ease(t));
      if (t >= 1) {
        this.motions.delete(motion);
        motion.finish();
      }
    }
    // Every highlight breathes together.
    this.applyPulse(0.725 + 0.275 * Math.cos((now / 700) * Math.PI));
    this.drawTimer();
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

  /** Where a named thing is on screen: deck, discard, held, slot:N (your own), slot:S:N, seat:S. */
  locate(name: string): Point | null {
    const layout = this.layout;
    const model = this.model;
    if (!layout || !model) return null;
    let point: Point | null = null;
    let match: RegExpExecArray | null;
    if (name === "deck" && this.deckImages[2]!.visible) point = this.deckImages[2]!;
    else if (name === "discard" && model.phase !== "lobby") point = layout.discard;
    else if (name === "held" && this.heldImage.visible) point = this.heldImage;
    else if ((match = /^slot:(\d)$/.exec(name))) point = this.slotPoint(model.me >= 0 ? model.me : model.bottom, Number(match[1]));
    else if ((match = /^slot:(\d):(\d)$/.exec(name))) point = this.slotPoint(Number(match[1]), Number(match[2]));
    else if ((match = /^seat:(\d)$/.exec(name))) {
      const spot = placeOf(layout, Number(match[1]));
      if (spot) point = spot.plate;
    }
    return point ? this.toPage(point) : null;
  }

  private slotPoint(seat: number, position: number): Point | null {
    const sprite = this.seatSprites[seat]?.cards[position];
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
    this.temporary.add(bubble);
    const y = bubble.y;
    void this.wait(900)
      .then(() => this.move(600, (t) => bubble.setY(y - 14 * this.unit * t).setAlpha(1 - t)))
      .then(() => this.dispose(bubble));
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
    for (const item of [big, small]) if (item) this.temporary.add(item);
    big.setScale(0.4).setAlpha(0);
    await this.move(260, (t) => big.setScale(0.4 + 0.6 * t).setAlpha(Math.min(1, t * 1.5)), EASE.backOut);
    await this.wait(750);
    await this.move(280, (t) => {
      big.setAlpha(1 - t);
      small?.setAlpha(1 - t);
    });
    this.dispose(big);
    if (small) this.dispose(small);
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
    return this.add.text(x, y, value, {
      fontFamily: FONT,
      fontSize: `${Math.round(sizeCss * this.unit)}px`,
      color: colour,
      fontStyle: bold ? "bold" : "normal",
    });
  }

  private sprites(seat: number): SeatSprites {
    while (this.seatSprites.length <= seat) {
      const index = this.seatSprites.length;
      const cards: Phaser.GameObjects.Image[] = [];
      const glows: Phaser.GameObjects.Image[] = [];
      for (let position = 0; position < 6; position++) {
        const card = this.add.image(0, 0, "card:back").setDepth(DEPTH.card).setVisible(false);
        // The controller checks each click against the legal moves; the view only reports it.
        card.setInteractive().on("pointerdown", () => {
          if (this.model && index === this.model.me) this.handlers.slot(position);
        });
        cards.push(card);
        glows.push(this.add.image(0, 0, "card:glow").setDepth(DEPTH.glow).setVisible(false));
      }
      this.seatSprites.push({
        cards,
        glows,
        plate: this.add.graphics().setDepth(DEPTH.plate),
        name: this.text(0, 0, "", 14, "#ffffff", true).setOrigin(0.5).setDepth(DEPTH.plate + 1),
        detail: this.text(0, 0, "", 12, "#cfe8d8").setOrigin(0.5).setDepth(DEPTH.plate + 1),
        timer: this.add.graphics().setDepth(DEPTH.plate + 1),
      });
    }
    return this.seatSprites[seat]!;
  }

  private setCard(image: Phaser.GameObjects.Image, slot: SlotModel | { face: CardFace | null; faceUp: boolean }, x: number, y: number, w: number): void {
    image.setTexture(cardTexture(this, slot.face)).setPosition(x, y).setDisplaySize(w, w * 1.4).setVisible(true).setAngle(0).setAlpha(1);
    image.setData("width", w).setData("turn", 1);
    // A face-down card shown anyway (full-reveal replay) is dimmed, so it still reads as face-down.
    if (slot.face && !slot.faceUp) image.setTint(0x9aa6b2);
    else image.clearTint();
  }

  /** Draws `model` exactly (no animation). */
  render(model: TableModel): void {
    this.model = model;
    const layout = this.ensureLayout(model);
    const u = this.unit;
    const dealt = model.phase !== "lobby" && model.seats.some((seat) => seat.cards.length === 6);

    for (let seat = 0; seat < Math.max(model.seats.length, this.seatSprites.length); seat++) {
      const sprites = this.sprites(seat);
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
        this.setCard(card, slot, at.x, at.y, spot.cardW);
      }
      this.drawPlate(seat, spot, seatModel, model);
    }

    // Deck: a small stack whose height hints at its size.
    const pileW = layout.pileW;
    const showPiles = model.phase !== "lobby";
    const layers = !showPiles || model.deckCount <= 0 ? 0 : model.deckCount < 4 ? 1 : model.deckCount < 15 ? 2 : 3;
    this.deckImages.forEach((image, i) => {
      const visible = i >= 3 - layers;
      const lift = (i - 2) * 2.2 * u;
      image.setTexture("card:back").setPosition(layout.deck.x + lift, layout.deck.y + lift).setDisplaySize(pileW, pileW * 1.4).setVisible(visible);
    });
    // The top image stays clickable even when the stack is thin.
    this.deckImages[2]!.setVisible(layers > 0);
    this.deckText.setPosition(layout.deck.x, layout.deck.y + layout.pileH / 2 + 6 * u).setText(showPiles ? `${model.deckCount}` : "").setFontSize(Math.round(12 * u));
    if (showPiles && model.discardTop) {
      this.setCard(this.discardImage, { face: model.discardTop, faceUp: true }, layout.discard.x, layout.discard.y, pileW);
    } else {
      this.discardImage.setVisible(showPiles).setTexture("card:slot").setPosition(layout.discard.x, layout.discard.y).setDisplaySize(pileW, pileW * 1.4).clearTint();
    }
    this.discardText
      .setPosition(layout.discard.x, layout.discard.y + layout.pileH / 2 + 6 * u)
      .setText(showPiles && model.discardCount > 0 ? `${model.discardCount}` : "")
      .setFontSize(Math.round(12 * u));

    // The held card.
    const holder = model.heldBy >= 0 ? placeOf(layout, model.heldBy) : undefined;
    if (holder) {
      this.setCard(this.heldImage, { face: model.held, faceUp: true }, holder.held.x, holder.held.y, holder.held.cardW);
      this.heldImage.setAngle(holder.bottom ? 0 : -6);
      this.heldShadow.setPosition(holder.held.x + 4 * u, holder.held.y + 6 * u).setDisplaySize(holder.held.cardW * HALO_SCALE_X, holder.held.cardW * 1.4 * HALO_SCALE_Y).setVisible(true);
    } else {
      this.heldImage.setVisible(false);
      this.heldShadow.setVisible(false);
    }
    this.paintOffers();
  }

  private drawPlate(seat: number, spot: SeatPlace | undefined, seatModel: SeatModel | undefined, model: TableModel): void {
    const sprites = this.sprites(seat);
    const u = this.unit;
    sprites.plate.clear();
    sprites.timer.clear();
    if (!spot || !seatModel) {
      sprites.name.setVisible(false);
      sprites.detail.setVisible(false);
      return;
    }
    const { x, y, w, h } = spot.plate;
    const active = model.turn === seat && (model.phase === "playing" || model.phase === "finalTurn");
    const empty = seatModel.kind === "empty";
    sprites.plate.fillStyle(active ? 0x2d5a3f : 0x0b2a1d, empty ? 0.35 : 0.82);
    sprites.plate.fillRoundedRect(x - w / 2, y - h / 2, w, h, 10 * u);
    sprites.plate.lineStyle((active ? 3 : 1.5) * u, active ? GOLD : 0xffffff, active ? 1 : 0.18);
    sprites.plate.strokeRoundedRect(x - w / 2, y - h / 2, w, h, 10 * u);
    // Connection: a dot at the left of the plate.
    const dotColour = empty ? 0x6b7d74 : seatModel.kind === "cpu" ? 0x8ab4f8 : !seatModel.connected ? 0xef5350 : seatModel.away ? 0xffb74d : 0x66d17a;
    sprites.plate.fillStyle(dotColour, 1);
    sprites.plate.fillCircle(x - w / 2 + 12 * u, y - h * 0.18, 4.5 * u);

    const you = seat === model.me;
    const badges = [seatModel.host ? "★" : "", seatModel.kind === "cpu" ? "CPU" : "", you ? "you" : ""].filter(Boolean).join(" · ");
    const label = empty ? "Empty seat" : `${seatModel.name}${badges ? `  ${badges}` : ""}`;
    const nameSize = Math.round(Math.max(11, Math.min(15, h / u / 3)) * u);
    sprites.name.setText(label).setPosition(x, y - h * 0.18).setFontSize(nameSize).setVisible(true).setAlpha(empty ? 0.6 : 1);
    let detail: string;
    if (empty) detail = "waiting for a player";
    else if (model.phase === "lobby") detail = seatModel.kind === "cpu" ? `plays like ${seatModel.profile || seatModel.name}` : seatModel.connected ? "ready" : "connecting…";
    else {
      const status = seatModel.kind === "human" && !seatModel.connected ? " · offline" : seatModel.away ? " · CPU playing" : "";
      detail = `Total ${seatModel.total}${model.phase === "holeOver" || model.phase === "gameOver" ? ` · hole ${seatModel.holeScore >= 0 ? "+" : ""}${seatModel.holeScore}` : ""}${status}`;
    }
    sprites.detail.setText(detail).setPosition(x, y + h * 0.22).setFontSize(Math.round(nameSize * 0.82)).setVisible(true);
    // Trim a long name to fit.
    while (sprites.name.width > w - 30 * u && sprites.name.text.length > 4) sprites.name.setText(`${sprites.name.text.slice(0, -2)}…`);
  }

  private drawTimer(): void {
    const model = this.model;
    const layout = this.layout;
    if (!model || !layout) return;
    for (const [seat, sprites] of this.seatSprites.entries()) {
      sprites.timer.clear();
      if (!model.turnEndsAt) continue;
      // The clock runs for the player whose turn it is, or, during the initial flips, for everyone
      // who has not turned their cards up yet.
      const flipping = model.phase === "initialFlip" && (model.seats[seat]?.cards.filter((slot) => slot.faceUp).length ?? 0) < model.rules.initialFlips;
      const playing = seat === model.turn && (model.phase === "playing" || model.phase === "finalTurn");
      if (!flipping && !playing) continue;
      const spot = placeOf(layout, seat);
      if (!spot) continue;
      const left = Math.max(0, model.turnEndsAt - Date.now());
      const total = Math.max(left, (this.turnSeconds || 30) * 1000);
      const fraction = left / total;
      const u = this.unit;
      const { x, y, w, h } = spot.plate;
      const warn = left <= 10_000;
      const colour = warn ? 0xff5252 : GOLD;
      const alpha = warn ? 0.65 + 0.35 * Math.sin(Date.now() / 120) : 0.9;
      sprites.timer.fillStyle(0x000000, 0.35);
      sprites.timer.fillRoundedRect(x - w / 2 + 8 * u, y + h / 2 - 6 * u, w - 16 * u, 3 * u, 1.5 * u);
      sprites.timer.fillStyle(colour, alpha);
      sprites.timer.fillRoundedRect(x - w / 2 + 8 * u, y + h / 2 - 6 * u, Math.max(0, (w - 16 * u) * fraction), 3 * u, 1.5 * u);
    }
  }

  private paintOffers(): void {
    const model = this.model;
    const layout = this.layout;
    if (!model || !layout) return;
    const u = this.unit;
    for (const [seat, sprites] of this.seatSprites.entries()) {
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
    const deckTop = this.deckImages[2]!;
    this.deckGlow.setVisible(this.offers.deck && deckTop.visible).setPosition(deckTop.x, deckTop.y).setDisplaySize(layout.pileW * HALO_SCALE_X, layout.pileH * HALO_SCALE_Y);
    this.discardGlow.setVisible(this.offers.discard).setPosition(layout.discard.x, layout.discard.y).setDisplaySize(layout.pileW * HALO_SCALE_X, layout.pileH * HALO_SCALE_Y);
    const mineHeld = model.heldBy >= 0 && model.heldBy === model.me && this.heldImage.visible;
    this.heldGlow.setVisible(mineHeld).setPosition(this.heldImage.x, this.heldImage.y).setDisplaySize(this.heldImage.displayWidth * HALO_SCALE_X, this.heldImage.displayHeight * HALO_SCALE_Y).setTint(GREEN);
    this.input.setDefaultCursor("default");
    // Only offered things show a hand cursor.
    for (const [seat, sprites] of this.seatSprites.entries()) {
      sprites.cards.forEach((card, position) => {
        if (card.input) card.input.cursor = seat === model.me && this.offers.slots.has(position) ? "pointer" : "default";
      });
    }
    if (deckTop.input) deckTop.input.cursor = this.offers.deck ? "pointer" : "default";
    if (this.discardImage.input) this.discardImage.input.cursor = this.offers.discard ? "pointer" : "default";
  }

  private applyPulse(alpha: number): void {
    for (const sprites of this.seatSprites) for (const glow of sprites.glows) if (glow.visible) glow.setAlpha(glow.getData("steady") ? 1 : alpha);
    this.deckGlow.setAlpha(alpha);
    this.discardGlow.setAlpha(alpha);
    this.heldGlow.setAlpha(0.5 + alpha / 2);
  }

  // ---- Animation plumbing --------------------------------------------------------------------

  /**
   * Runs `step(t)` every frame with t eased from 0 to 1 over `duration` ms (divided by the speed);
   * resolves when done, or at once when the animations are cancelled.
   */
  private move(duration: number, step: (t: number) => void, ease: (t: number) => number = EASE.inOut): Promise<void> {
    return new Promise((resolve) => {
      const motion: Motion = {
        start: performance.now(),
        duration: Math.max(1, duration / this.speed),
        ease,
        step,
        finish: () => {
          this.running.delete(motion.finish);
          resolve();
        },
      };
      this.running.add(motion.finish);
      this.motions.add(motion);
    });
  }

  private wait(ms: number): Promise<void> {
    return this.move(ms, () => undefined, EASE.linear);
  }

  /** Stops every animation: running promises resolve, temporary sprites go. */
  cancelAnimations(): void {
    this.motions.clear();
    for (const done of [...this.running]) done();
    for (const object of [...this.temporary]) this.dispose(object);
    this.busySlots.clear();
  }

  private dispose(object: Phaser.GameObjects.GameObject): void {
    this.temporary.delete(object);
    object.destroy();
  }

  /** A temporary card sprite for a flight. */
  private flyer(face: CardFace | null, at: Point, width: number, angle = 0): Phaser.GameObjects.Image {
    const image = this.add.image(at.x, at.y, cardTexture(this, face)).setDisplaySize(width, width * 1.4).setDepth(DEPTH.flying).setAngle(angle);
    this.temporary.add(image);
    return image;
  }

  /** Moves a sprite along an arc (a quadratic curve bowed by `bow` of the distance). */
  private arc(image: Phaser.GameObjects.Image, to: Point, toWidth: number, duration: number, bow = 0.22, spin = 0): Promise<void> {
    const from = { x: image.x, y: image.y };
    const fromWidth = image.displayWidth;
    const dx = to.x - from.x;
    const dy = to.y - from.y;
    const distance = Math.hypot(dx, dy) || 1;
    // The control point: the midpoint pushed sideways (always upwards on screen when it can).
    let nx = -dy / distance;
    let ny = dx / distance;
    if (ny > 0) {
      nx = -nx;
      ny = -ny;
    }
    const control = { x: (from.x + to.x) / 2 + nx * distance * bow, y: (from.y + to.y) / 2 + ny * distance * bow };
    const startAngle = image.angle;
    return this.move(duration, (t) => {
        if (!image.active) return;
        const a = (1 - t) * (1 - t);
        const b = 2 * (1 - t) * t;
        const c = t * t;
        image.setPosition(a * from.x + b * control.x + c * to.x, a * from.y + b * control.y + c * to.y);
        const width = fromWidth + (toWidth - fromWidth) * t;
        // Lift: cards grow a little mid-flight.
        const lift = 1 + 0.12 * Math.sin(Math.PI * t);
        this.size(image, width * lift);
        image.setAngle(startAngle * (1 - t) + spin * Math.sin(Math.PI * t));
    });
  }

  /**
   * Sets a card sprite's width (height follows the card ratio), keeping any turn-over under way:
   * a flight and a turn-over can move the same card at once.
   */
  private size(image: Phaser.GameObjects.Image, width: number): void {
    image.setData("width", width);
    const turn = (image.getData("turn") as number | undefined) ?? 1;
    image.setDisplaySize(Math.max(0.001, width * turn), width * 1.4 * (1 + 0.06 * (1 - turn)));
  }

  /** Turns a sprite over to show `face` (or its back). */
  private async turnOver(image: Phaser.GameObjects.Image, face: CardFace | null, duration = 260): Promise<void> {
    // Squeeze to an edge, change the face, open up again (with a slight lift at the edge).
    const squeeze = (fraction: number) => {
      if (!image.active) return;
      image.setData("turn", fraction);
      this.size(image, (image.getData("width") as number | undefined) ?? image.displayWidth);
    };
    if (image.getData("width") === undefined) image.setData("width", image.displayWidth);
    await this.move(duration / 2, (t) => squeeze(1 - t), EASE.in);
    if (!image.active) return;
    image.setTexture(cardTexture(this, face)).clearTint();
    await this.move(duration / 2, (t) => squeeze(t), EASE.out);
    squeeze(1);
  }

  // ---- Event animations ----------------------------------------------------------------------

  /**
   * Animates one event from what is shown now, then shows `after` (the state right after the event,
   * when known). Without `after`, it shows what the event itself tells (a settled state follows).
   */
  async animate(event: TableEvent, after: TableModel | null): Promise<void> {
    const before = this.model;
    if (!before || !this.layout) {
      if (after) this.render(after);
      return;
    }
    const next = structuredClone(before) as TableModel;
    next.lastSeq = event.seq ?? next.lastSeq;
    const seat = typeof event.seat === "number" ? event.seat : -1;
    const data = event.data ?? {};
    try {
      switch (event.type) {
        case "holeStarted":
          await this.animateDeal(next, data, after);
          break;
        case "flippedInitial":
        case "revealed":
        case "knocked": {
          const positions = (data.positions as number[]) ?? [];
          const cards = (data.cards as CardFace[]) ?? [];
          if (event.type === "knocked") void this.banner("Knock!", `${before.seats[seat]?.name ?? ""} turns up the last cards`, "knock");
          await Promise.all(positions.map((position, i) => this.flipSlot(seat, position, cards[i] ?? null, i * 90)));
          for (const [i, position] of positions.entries()) {
            const slot = next.seats[seat]?.cards[position];
            if (slot) Object.assign(slot, { faceUp: true, face: cards[i] ?? slot.face });
          }
          break;
        }
        case "flipped": {
          const position = data.position as number;
          await this.flipSlot(seat, position, (data.card as CardFace) ?? null);
          const slot = next.seats[seat]?.cards[position];
          if (slot) Object.assign(slot, { faceUp: true, face: (data.card as CardFace) ?? slot.face });
          next.mustFlip = "";
          break;
        }
        case "drew":
          await this.animateDraw(next, seat, data);
          break;
        case "swapped":
          await this.animateSwap(next, seat, data);
          break;
        case "discarded":
        case "cancelledDraw":
          await this.animateToDiscard(next, (data.card as CardFace) ?? null);
          break;
        case "skippedFlip":
          this.say(seat, "skips the flip");
          next.mustFlip = "";
          break;
        case "reshuffled":
          await this.animateReshuffle(next, (data.deckCount as number) ?? (data.deck as unknown[] | undefined)?.length ?? 0);
          break;
        case "holeEnded":
          await this.animateTally(next, data);
          break;
        case "gameEnded": {
          const winners = ((data.winners as number[]) ?? []).map((index) => before.seats[index]?.name ?? "?");
          await this.banner(winners.length > 1 ? "It's a tie!" : `${winners[0] ?? "?"} wins!`, winners.length > 1 ? winners.join(" & ") : "lowest total", "win");
          break;
        }
        default:
          break;
      }
    } finally {
      this.busySlots.clear();
    }
    const shown = after ?? next;
    // The final-turn warning: someone just went out.
    const wentOut = shown.finisher >= 0 && before.finisher < 0 && shown.phase === "finalTurn";
    this.render(shown);
    if (wentOut) await this.banner("Final turn!", `${shown.seats[shown.finisher]?.name ?? "Someone"} went out: one more turn each`, "finalTurn");
  }

  private async flipSlot(seat: number, position: number, face: CardFace | null, delay = 0): Promise<void> {
    const image = this.seatSprites[seat]?.cards[position];
    if (!image || !image.visible) return;
    const key = `${seat}:${position}`;
    this.busySlots.add(key);
    if (delay) await this.wait(delay);
    play("flip");
    await this.turnOver(image, face);
    this.busySlots.delete(key);
  }

  private async animateDeal(next: TableModel, data: Record<string, unknown>, after: TableModel | null): Promise<void> {
    const layout = this.layout!;
    const seats = next.seats.length;
    next.phase = after?.phase ?? next.phase;
    next.hole = (data.hole as number) ?? next.hole + 1;
    next.dealer = (data.dealer as number) ?? next.dealer;
    next.finisher = -1;
    next.heldBy = -1;
    next.held = null;
    for (const seatModel of next.seats) {
      seatModel.cards = Array.from({ length: 6 }, () => ({ faceUp: false, face: null }));
      seatModel.holeScore = 0;
    }
    next.discardTop = null;
    next.discardCount = 0;
    next.deckCount = ((data.deckCount as number) ?? (data.deck as unknown[] | undefined)?.length ?? 0) + 1;
    // Start from an empty table with a full deck.
    const empty = structuredClone(next) as TableModel;
    empty.seats.forEach((seatModel) => (seatModel.cards = []));
    this.render({ ...empty, phase: "initialFlip" });
    this.deckText.setText("");
    const flights: Promise<void>[] = [];
    let step = 0;
    const first = (next.dealer + 1) % seats;
    for (let round = 0; round < 6; round++) {
      for (let k = 0; k < seats; k++) {
        const seat = (first + k) % seats;
        const spot = placeOf(layout, seat);
        if (!spot) continue;
        const delay = step++ * 45;
        flights.push(
          (async () => {
            await this.wait(delay);
            const card = this.flyer(null, this.deckImages[2]!, layout.pileW);
            play("deal");
            await this.arc(card, spot.slots[round]!, spot.cardW, 280, 0.08);
            this.dispose(card);
            const image = this.seatSprites[seat]!.cards[round]!;
            this.setCard(image, { face: null, faceUp: false }, spot.slots[round]!.x, spot.slots[round]!.y, spot.cardW);
          })(),
        );
      }
    }
    await Promise.all(flights);
    // Turn up the first discard.
    const starter = this.flyer(null, this.deckImages[2]!, layout.pileW);
    await this.arc(starter, layout.discard, layout.pileW, 240, 0.1);
    play("flip");
    await this.turnOver(starter, (data.discard as CardFace) ?? null, 220);
    this.dispose(starter);
    next.discardTop = (data.discard as CardFace) ?? null;
    next.discardCount = 1;
    next.deckCount -= 1;
  }

  private async animateDraw(next: TableModel, seat: number, data: Record<string, unknown>): Promise<void> {
    const layout = this.layout!;
    const spot = placeOf(layout, seat);
    if (!spot) return;
    const fromDeck = data.source === "deck";
    const card = (data.card as CardFace | undefined) ?? null;
    play("draw");
    let image: Phaser.GameObjects.Image;
    if (fromDeck) {
      image = this.flyer(null, this.deckImages[2]!, layout.pileW);
      next.deckCount = Math.max(0, next.deckCount - 1);
      this.deckText.setText(`${next.deckCount}`);
    } else {
      image = this.flyer(next.discardTop, layout.discard, layout.pileW);
      next.discardCount = Math.max(0, next.discardCount - 1);
      next.discardTop = null;
      this.discardImage.setTexture("card:slot").clearTint();
    }
    const flight = this.arc(image, spot.held, spot.held.cardW, 340, 0.12, spot.bottom ? 0 : -6);
    if (fromDeck && card) {
      await this.wait(120);
      await this.turnOver(image, card, 220);
    }
    await flight;
    this.dispose(image);
    next.heldBy = seat;
    next.held = card ?? (fromDeck ? null : next.held);
    next.drawnFrom = fromDeck ? "deck" : "discard";
  }

  private async animateSwap(next: TableModel, seat: number, data: Record<string, unknown>): Promise<void> {
    const layout = this.layout!;
    const spot = placeOf(layout, seat);
    const position = data.position as number;
    const incoming = (data.card as CardFace) ?? next.held;
    const outgoing = (data.replaced as CardFace) ?? null;
    const slotImage = this.seatSprites[seat]?.cards[position];
    if (!spot || !slotImage) return;
    const key = `${seat}:${position}`;
    this.busySlots.add(key);
    // The held card arcs into the grid while the old card goes to the pile.
    const held = this.flyer(next.held ?? incoming, this.heldImage.visible ? this.heldImage : spot.held, this.heldImage.visible ? this.heldImage.displayWidth : spot.held.cardW, this.heldImage.angle);
    this.heldImage.setVisible(false);
    this.heldShadow.setVisible(false);
    this.heldGlow.setVisible(false);
    const old = this.flyer(next.seats[seat]?.cards[position]?.face ?? null, slotImage, spot.cardW);
    slotImage.setVisible(false);
    play("draw");
    const into = (async () => {
      if (held.texture.key === "card:back" && incoming) await this.turnOver(held, incoming, 160);
      await this.arc(held, spot.slots[position]!, spot.cardW, 420, 0.3, 8);
      play("place");
    })();
    const away = (async () => {
      await this.wait(90);
      const wasDown = !next.seats[seat]?.cards[position]?.faceUp;
      const flight = this.arc(old, layout.discard, layout.pileW, 430, 0.25, -10);
      if (wasDown || old.texture.key === "card:back") {
        await this.wait(120);
        await this.turnOver(old, outgoing, 200);
      }
      await flight;
    })();
    await Promise.all([into, away]);
    this.dispose(held);
    this.dispose(old);
    const slot = next.seats[seat]?.cards[position];
    if (slot) Object.assign(slot, { faceUp: true, face: incoming });
    next.discardTop = outgoing;
    next.discardCount += 1;
    next.heldBy = -1;
    next.held = null;
    next.drawnFrom = "";
    this.busySlots.delete(key);
  }

  private async animateToDiscard(next: TableModel, face: CardFace | null): Promise<void> {
    const layout = this.layout!;
    const spot = next.heldBy >= 0 ? placeOf(layout, next.heldBy) : undefined;
    const start = this.heldImage.visible ? this.heldImage : spot?.held;
    if (!start) {
      next.discardTop = face;
      return;
    }
    const image = this.flyer(next.held, start, this.heldImage.visible ? this.heldImage.displayWidth : layout.pileW, this.heldImage.angle);
    this.heldImage.setVisible(false);
    this.heldShadow.setVisible(false);
    this.heldGlow.setVisible(false);
    const flight = this.arc(image, layout.discard, layout.pileW, 330, 0.18, -8);
    if (image.texture.key === "card:back" && face) {
      await this.wait(90);
      await this.turnOver(image, face, 200);
    }
    await flight;
    play("place");
    this.dispose(image);
    next.discardTop = face;
    next.discardCount += 1;
    next.heldBy = -1;
    next.held = null;
    next.drawnFrom = "";
  }

  private async animateReshuffle(next: TableModel, deckCount: number): Promise<void> {
    const layout = this.layout!;
    play("shuffle");
    const flights: Promise<void>[] = [];
    for (let i = 0; i < Math.min(6, deckCount); i++) {
      flights.push(
        (async () => {
          await this.wait(i * 60);
          const image = this.flyer(null, { x: layout.discard.x, y: layout.discard.y }, layout.pileW);
          await this.arc(image, this.deckImages[2]!, layout.pileW, 300, 0.2);
          this.dispose(image);
        })(),
      );
    }
    await Promise.all(flights);
    next.deckCount = deckCount;
    next.discardCount = Math.min(next.discardCount, 1);
  }

  private async animateTally(next: TableModel, data: Record<string, unknown>): Promise<void> {
    const layout = this.layout!;
    const scores = (data.scores as number[]) ?? [];
    const totals = (data.totals as number[]) ?? [];
    const winners = new Set((data.winners as number[]) ?? []);
    const u = this.unit;
    const counters = scores.map((score, seat) => {
      const spot = placeOf(layout, seat);
      if (!spot) return null;
      const centre = { x: spot.slots[1]!.x, y: (spot.slots[1]!.y + spot.slots[4]!.y) / 2 };
      const label = this.text(centre.x, centre.y, "0", spot.bottom ? 44 : 30, winners.has(seat) ? "#ffe08a" : "#ffffff", true).setOrigin(0.5).setDepth(DEPTH.float);
      label.setStroke("#00000099", 6 * u).setShadow(0, 2 * u, "rgba(0,0,0,0.5)", 6 * u, true, true);
      this.temporary.add(label);
      return { label, score };
    });
    let lastTick = 0;
    await this.move(
      900,
      (t) => {
        for (const counter of counters) if (counter) counter.label.setText(`${Math.round(counter.score * t)}`);
        if (t - lastTick > 0.12) {
          lastTick = t;
          play("tally");
        }
      },
      EASE.cubicOut,
    );
    for (const counter of counters) if (counter) counter.label.setText(`${counter.score > 0 ? "+" : ""}${counter.score}`);
    for (const [seat, seatModel] of next.seats.entries()) {
      seatModel.holeScore = scores[seat] ?? seatModel.holeScore;
      seatModel.total = totals[seat] ?? seatModel.total;
    }
    next.phase = "holeOver";
    next.turn = -1;
    this.render(next);
    await this.wait(900);
    await this.move(300, (t) => {
      for (const counter of counters) counter?.label.setAlpha(1 - t);
    });
    for (const counter of counters) if (counter) this.dispose(counter.label);
  }
}
