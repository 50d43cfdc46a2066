// The sprites of the table and how each kind is drawn: a card, a seat's name plate and its turn
// clock. The TableView decides what to show; these functions only paint it where they are told.
import type Phaser from "phaser";
import { cardTexture } from "./card-art.ts";
import { placeOf, type SeatPlace, type TableLayout } from "./layout.ts";
import type { CardFace, SeatModel, SlotModel, TableModel } from "./model.ts";

export const GOLD = 0xffd166;
export const GREEN = 0x7cf29a;
const FONT = '"Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", sans-serif';
/** Drawing order: later (higher) covers earlier. */
export const DEPTH = { plate: 1, card: 5, glow: 6, pile: 5, held: 20, flying: 30, float: 40, banner: 50 } as const;

/** One seat: its six cards with their highlights, and the name plate under them. */
export interface SeatSprites {
  cards: Phaser.GameObjects.Image[];
  glows: Phaser.GameObjects.Image[];
  plate: Phaser.GameObjects.Graphics;
  name: Phaser.GameObjects.Text;
  detail: Phaser.GameObjects.Text;
  timer: Phaser.GameObjects.Graphics;
}

/** Everything on the table that lasts (flights and banners come and go on their own). */
export interface TableSprites {
  seats: SeatSprites[];
  /** The deck as a stack of up to three backs; the top one (index 2) takes the clicks. */
  deckImages: Phaser.GameObjects.Image[];
  deckText: Phaser.GameObjects.Text;
  deckGlow: Phaser.GameObjects.Image;
  discardImage: Phaser.GameObjects.Image;
  discardText: Phaser.GameObjects.Text;
  discardGlow: Phaser.GameObjects.Image;
  heldShadow: Phaser.GameObjects.Image;
  heldImage: Phaser.GameObjects.Image;
  heldGlow: Phaser.GameObjects.Image;
}

/** Text in the table's font, sized in CSS pixels (`unit` canvas pixels each). */
export function addLabel(scene: Phaser.Scene, unit: number, x: number, y: number, value: string, sizeCss: number, colour: string, bold = false): Phaser.GameObjects.Text {
  return scene.add.text(x, y, value, {
    fontFamily: FONT,
    fontSize: `${Math.round(sizeCss * unit)}px`,
    color: colour,
    fontStyle: bold ? "bold" : "normal",
  });
}

/** The piles and the held card, hidden until the first render; clicks go to `onDeck`/`onDiscard`. */
export function createPileSprites(scene: Phaser.Scene, unit: number, onDeck: () => void, onDiscard: () => void): TableSprites {
  const deckImages: Phaser.GameObjects.Image[] = [];
  for (let i = 0; i < 3; i++) deckImages.push(scene.add.image(0, 0, "card:back").setDepth(DEPTH.pile).setVisible(false));
  deckImages[2]!.setInteractive().on("pointerdown", onDeck);
  const deckGlow = scene.add.image(0, 0, "card:glow").setDepth(DEPTH.glow).setTint(GOLD).setVisible(false);
  const deckText = addLabel(scene, unit, 0, 0, "", 12, "#e8f5ec").setOrigin(0.5, 0).setDepth(DEPTH.pile);
  const discardImage = scene.add.image(0, 0, "card:back").setDepth(DEPTH.pile).setVisible(false);
  discardImage.setInteractive().on("pointerdown", onDiscard);
  const discardGlow = scene.add.image(0, 0, "card:glow").setDepth(DEPTH.glow).setTint(GOLD).setVisible(false);
  const discardText = addLabel(scene, unit, 0, 0, "", 12, "#e8f5ec").setOrigin(0.5, 0).setDepth(DEPTH.pile);
  const heldShadow = scene.add.image(0, 0, "card:shadow").setDepth(DEPTH.held - 1).setVisible(false);
  const heldImage = scene.add.image(0, 0, "card:back").setDepth(DEPTH.held).setVisible(false);
  const heldGlow = scene.add.image(0, 0, "card:glow").setDepth(DEPTH.held + 1).setTint(GOLD).setVisible(false);
  return { seats: [], deckImages, deckText, deckGlow, discardImage, discardText, discardGlow, heldShadow, heldImage, heldGlow };
}

/** A seat's sprites, hidden until drawn; a click on a card reports its position to `onSlot`, one on the name `onName`. */
export function createSeatSprites(scene: Phaser.Scene, unit: number, onSlot: (position: number) => void, onName: () => void): SeatSprites {
  const cards: Phaser.GameObjects.Image[] = [];
  const glows: Phaser.GameObjects.Image[] = [];
  for (let position = 0; position < 6; position++) {
    const card = scene.add.image(0, 0, "card:back").setDepth(DEPTH.card).setVisible(false);
    card.setInteractive().on("pointerdown", () => onSlot(position));
    cards.push(card);
    glows.push(scene.add.image(0, 0, "card:glow").setDepth(DEPTH.glow).setVisible(false));
  }
  return {
    cards,
    glows,
    plate: scene.add.graphics().setDepth(DEPTH.plate),
    name: addLabel(scene, unit, 0, 0, "", 14, "#ffffff", true).setOrigin(0.5).setDepth(DEPTH.plate + 1).setInteractive().on("pointerdown", onName),
    detail: addLabel(scene, unit, 0, 0, "", 12, "#cfe8d8").setOrigin(0.5).setDepth(DEPTH.plate + 1),
    timer: scene.add.graphics().setDepth(DEPTH.plate + 1),
  };
}

/** Shows a card (face or back) at rest: centred at x, y, `w` wide, upright, not mid-turn. */
export function setCard(scene: Phaser.Scene, image: Phaser.GameObjects.Image, slot: SlotModel | { face: CardFace | null; faceUp: boolean }, x: number, y: number, w: number): void {
  image.setTexture(cardTexture(scene, slot.face)).setPosition(x, y).setDisplaySize(w, w * 1.4).setVisible(true).setAngle(0).setAlpha(1);
  image.setData("width", w).setData("turn", 1);
  // A face-down card shown anyway (full-reveal replay) is dimmed, so it still reads as face-down.
  if (slot.face && !slot.faceUp) image.setTint(0x9aa6b2);
  else image.clearTint();
}

/** A seat's name plate: the name with its badges, a connection dot, and the total or the status. */
export function drawPlate(sprites: SeatSprites, seat: number, spot: SeatPlace | undefined, seatModel: SeatModel | undefined, model: TableModel, unit: number): void {
  const u = unit;
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

/**
 * The turn clocks, drawn every frame: a bar under the plate that empties as the time runs out. It
 * runs for the player whose turn it is, or, during the initial flips, for everyone who has not
 * turned their cards up yet. `unit` is asked only when a clock is drawn.
 */
export function drawTimers(seats: SeatSprites[], layout: TableLayout, model: TableModel, turnSeconds: number, unit: () => number): void {
  for (const [seat, sprites] of seats.entries()) {
    sprites.timer.clear();
    if (!model.turnEndsAt) continue;
    const flipping = model.phase === "initialFlip" && (model.seats[seat]?.cards.filter((slot) => slot.faceUp).length ?? 0) < model.rules.initialFlips;
    const playing = seat === model.turn && (model.phase === "playing" || model.phase === "finalTurn");
    if (!flipping && !playing) continue;
    const spot = placeOf(layout, seat);
    if (!spot) continue;
    const left = Math.max(0, model.turnEndsAt - Date.now());
    const total = Math.max(left, (turnSeconds || 30) * 1000);
    const fraction = left / total;
    const u = unit();
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
