// The animation of each game event on the table: the deal, flips, draws, the swap arc, discards,
// knocks, reshuffles, the end-of-hole tally and the winner's banner. Each animates from what the
// table shows now and leaves the table showing the state after the event; no rule is decided here.
import type Phaser from "phaser";
import { play, type Sound } from "./audio.ts";
import type { CardFlights } from "./card-flights.ts";
import type { TableEvent } from "./describe.ts";
import { placeOf, type TableLayout } from "./layout.ts";
import type { CardFace, TableModel } from "./model.ts";
import { EASE, type MotionClock } from "./motion.ts";
import { addLabel, DEPTH, setCard, type TableSprites } from "./table-sprites.ts";

/** What the animations use of the table view (the scene they draw in). */
export interface AnimatedTable extends Phaser.Scene {
  readonly model: TableModel | null;
  readonly layout: TableLayout | null;
  readonly unit: number;
  render(model: TableModel): void;
  banner(title: string, subtitle?: string, sound?: Sound): Promise<void>;
  say(seat: number, message: string): void;
}

export class EventAnimations {
  constructor(
    private readonly table: AnimatedTable,
    private readonly sprites: TableSprites,
    /** Slots ("seat:position") being animated, which the view's render leaves alone meanwhile. */
    private readonly busySlots: Set<string>,
    private readonly flights: CardFlights,
    private readonly clock: MotionClock,
  ) {}

  /**
   * Animates one event from what is shown now, then shows `after` (the state right after the event,
   * when known). Without `after`, it shows what the event itself tells (a settled state follows).
   */
  async animate(event: TableEvent, after: TableModel | null): Promise<void> {
    const before = this.table.model;
    if (!before || !this.table.layout) {
      if (after) this.table.render(after);
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
          if (event.type === "knocked") void this.table.banner("Knock!", `${before.seats[seat]?.name ?? ""} turns up the last cards`, "knock");
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
          this.table.say(seat, "skips the flip");
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
          await this.table.banner(winners.length > 1 ? "It's a tie!" : `${winners[0] ?? "?"} wins!`, winners.length > 1 ? winners.join(" & ") : "lowest total", "win");
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
    this.table.render(shown);
    if (wentOut) await this.table.banner("Final turn!", `${shown.seats[shown.finisher]?.name ?? "Someone"} went out: one more turn each`, "finalTurn");
  }

  private async flipSlot(seat: number, position: number, face: CardFace | null, delay = 0): Promise<void> {
    const image = this.sprites.seats[seat]?.cards[position];
    if (!image || !image.visible) return;
    const key = `${seat}:${position}`;
    this.busySlots.add(key);
    if (delay) await this.clock.wait(delay);
    play("flip");
    await this.flights.turnOver(image, face);
    this.busySlots.delete(key);
  }

  private async animateDeal(next: TableModel, data: Record<string, unknown>, after: TableModel | null): Promise<void> {
    const layout = this.table.layout!;
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
    this.table.render({ ...empty, phase: "initialFlip" });
    this.sprites.deckText.setText("");
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
            await this.clock.wait(delay);
            const card = this.flights.flyer(null, this.sprites.deckImages[2]!, layout.pileW);
            play("deal");
            await this.flights.arc(card, spot.slots[round]!, spot.cardW, 280, 0.08);
            this.flights.dispose(card);
            const image = this.sprites.seats[seat]!.cards[round]!;
            setCard(this.table, image, { face: null, faceUp: false }, spot.slots[round]!.x, spot.slots[round]!.y, spot.cardW);
          })(),
        );
      }
    }
    await Promise.all(flights);
    // Turn up the first discard.
    const starter = this.flights.flyer(null, this.sprites.deckImages[2]!, layout.pileW);
    await this.flights.arc(starter, layout.discard, layout.pileW, 240, 0.1);
    play("flip");
    await this.flights.turnOver(starter, (data.discard as CardFace) ?? null, 220);
    this.flights.dispose(starter);
    next.discardTop = (data.discard as CardFace) ?? null;
    next.discardCount = 1;
    next.deckCount -= 1;
  }

  private async animateDraw(next: TableModel, seat: number, data: Record<string, unknown>): Promise<void> {
    const layout = this.table.layout!;
    const spot = placeOf(layout, seat);
    if (!spot) return;
    const fromDeck = data.source === "deck";
    const card = (data.card as CardFace | undefined) ?? null;
    play("draw");
    let image: Phaser.GameObjects.Image;
    if (fromDeck) {
      image = this.flights.flyer(null, this.sprites.deckImages[2]!, layout.pileW);
      next.deckCount = Math.max(0, next.deckCount - 1);
      this.sprites.deckText.setText(`${next.deckCount}`);
    } else {
      image = this.flights.flyer(next.discardTop, layout.discard, layout.pileW);
      next.discardCount = Math.max(0, next.discardCount - 1);
      next.discardTop = null;
      this.sprites.discardImage.setTexture("card:slot").clearTint();
    }
    const flight = this.flights.arc(image, spot.held, spot.held.cardW, 340, 0.12, spot.bottom ? 0 : -6);
    if (fromDeck && card) {
      await this.clock.wait(120);
      await this.flights.turnOver(image, card, 220);
    }
    await flight;
    this.flights.dispose(image);
    next.heldBy = seat;
    next.held = card ?? (fromDeck ? null : next.held);
    next.drawnFrom = fromDeck ? "deck" : "discard";
  }

  private async animateSwap(next: TableModel, seat: number, data: Record<string, unknown>): Promise<void> {
    const layout = this.table.layout!;
    const spot = placeOf(layout, seat);
    const position = data.position as number;
    const incoming = (data.card as CardFace) ?? next.held;
    const outgoing = (data.replaced as CardFace) ?? null;
    const slotImage = this.sprites.seats[seat]?.cards[position];
    if (!spot || !slotImage) return;
    const key = `${seat}:${position}`;
    this.busySlots.add(key);
    // The held card arcs into the grid while the old card goes to the pile.
    const held = this.flights.flyer(next.held ?? incoming, this.sprites.heldImage.visible ? this.sprites.heldImage : spot.held, this.sprites.heldImage.visible ? this.sprites.heldImage.displayWidth : spot.held.cardW, this.sprites.heldImage.angle);
    this.sprites.heldImage.setVisible(false);
    this.sprites.heldShadow.setVisible(false);
    this.sprites.heldGlow.setVisible(false);
    const old = this.flights.flyer(next.seats[seat]?.cards[position]?.face ?? null, slotImage, spot.cardW);
    slotImage.setVisible(false);
    play("draw");
    const into = (async () => {
      if (held.texture.key === "card:back" && incoming) await this.flights.turnOver(held, incoming, 160);
      await this.flights.arc(held, spot.slots[position]!, spot.cardW, 420, 0.3, 8);
      play("place");
    })();
    const away = (async () => {
      await this.clock.wait(90);
      const wasDown = !next.seats[seat]?.cards[position]?.faceUp;
      const flight = this.flights.arc(old, layout.discard, layout.pileW, 430, 0.25, -10);
      if (wasDown || old.texture.key === "card:back") {
        await this.clock.wait(120);
        await this.flights.turnOver(old, outgoing, 200);
      }
      await flight;
    })();
    await Promise.all([into, away]);
    this.flights.dispose(held);
    this.flights.dispose(old);
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
    const layout = this.table.layout!;
    const spot = next.heldBy >= 0 ? placeOf(layout, next.heldBy) : undefined;
    const start = this.sprites.heldImage.visible ? this.sprites.heldImage : spot?.held;
    if (!start) {
      next.discardTop = face;
      return;
    }
    const image = this.flights.flyer(next.held, start, this.sprites.heldImage.visible ? this.sprites.heldImage.displayWidth : layout.pileW, this.sprites.heldImage.angle);
    this.sprites.heldImage.setVisible(false);
    this.sprites.heldShadow.setVisible(false);
    this.sprites.heldGlow.setVisible(false);
    const flight = this.flights.arc(image, layout.discard, layout.pileW, 330, 0.18, -8);
    if (image.texture.key === "card:back" && face) {
      await this.clock.wait(90);
      await this.flights.turnOver(image, face, 200);
    }
    await flight;
    play("place");
    this.flights.dispose(image);
    next.discardTop = face;
    next.discardCount += 1;
    next.heldBy = -1;
    next.held = null;
    next.drawnFrom = "";
  }

  private async animateReshuffle(next: TableModel, deckCount: number): Promise<void> {
    const layout = this.table.layout!;
    play("shuffle");
    const flights: Promise<void>[] = [];
    for (let i = 0; i < Math.min(6, deckCount); i++) {
      flights.push(
        (async () => {
          await this.clock.wait(i * 60);
          const image = this.flights.flyer(null, { x: layout.discard.x, y: layout.discard.y }, layout.pileW);
          await this.flights.arc(image, this.sprites.deckImages[2]!, layout.pileW, 300, 0.2);
          this.flights.dispose(image);
        })(),
      );
    }
    await Promise.all(flights);
    next.deckCount = deckCount;
    next.discardCount = Math.min(next.discardCount, 1);
  }

  private async animateTally(next: TableModel, data: Record<string, unknown>): Promise<void> {
    const layout = this.table.layout!;
    const scores = (data.scores as number[]) ?? [];
    const totals = (data.totals as number[]) ?? [];
    const winners = new Set((data.winners as number[]) ?? []);
    const u = this.table.unit;
    const counters = scores.map((score, seat) => {
      const spot = placeOf(layout, seat);
      if (!spot) return null;
      const centre = { x: spot.slots[1]!.x, y: (spot.slots[1]!.y + spot.slots[4]!.y) / 2 };
      const label = addLabel(this.table, u, centre.x, centre.y, "0", spot.bottom ? 44 : 30, winners.has(seat) ? "#ffe08a" : "#ffffff", true).setOrigin(0.5).setDepth(DEPTH.float);
      label.setStroke("#00000099", 6 * u).setShadow(0, 2 * u, "rgba(0,0,0,0.5)", 6 * u, true, true);
      this.flights.track(label);
      return { label, score };
    });
    let lastTick = 0;
    await this.clock.move(
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
    this.table.render(next);
    await this.clock.wait(900);
    await this.clock.move(300, (t) => {
      for (const counter of counters) counter?.label.setAlpha(1 - t);
    });
    for (const counter of counters) if (counter) this.flights.dispose(counter.label);
  }
}
