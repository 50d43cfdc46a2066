// Cards in motion: temporary card sprites that fly along an arc and turn over, and the other
// short-lived things on the table (banners, bubbles, tally counters), all removed together when the
// animations are cancelled.
import type Phaser from "phaser";
import { cardTexture } from "./card-art.ts";
import type { Point } from "./layout.ts";
import type { CardFace } from "./model.ts";
import { EASE, type MotionClock } from "./motion.ts";
import { DEPTH } from "./table-sprites.ts";

export class CardFlights {
  /** Short-lived objects, destroyed when done or when the animations are cancelled. */
  private readonly temporary = new Set<Phaser.GameObjects.GameObject>();

  constructor(
    private readonly scene: Phaser.Scene,
    private readonly clock: MotionClock,
  ) {}

  /** Keeps `object` until `dispose` (or `disposeAll`) removes it. */
  track<T extends Phaser.GameObjects.GameObject>(object: T): T {
    this.temporary.add(object);
    return object;
  }

  dispose(object: Phaser.GameObjects.GameObject): void {
    this.temporary.delete(object);
    object.destroy();
  }

  disposeAll(): void {
    for (const object of [...this.temporary]) this.dispose(object);
  }

  /** A temporary card sprite for a flight. */
  flyer(face: CardFace | null, at: Point, width: number, angle = 0): Phaser.GameObjects.Image {
    const image = this.scene.add.image(at.x, at.y, cardTexture(this.scene, face)).setDisplaySize(width, width * 1.4).setDepth(DEPTH.flying).setAngle(angle);
    return this.track(image);
  }

  /** Moves a sprite along an arc (a quadratic curve bowed by `bow` of the distance). */
  arc(image: Phaser.GameObjects.Image, to: Point, toWidth: number, duration: number, bow = 0.22, spin = 0): Promise<void> {
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
    return this.clock.move(duration, (t) => {
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
  async turnOver(image: Phaser.GameObjects.Image, face: CardFace | null, duration = 260): Promise<void> {
    // Squeeze to an edge, change the face, open up again (with a slight lift at the edge).
    const squeeze = (fraction: number) => {
      if (!image.active) return;
      image.setData("turn", fraction);
      this.size(image, (image.getData("width") as number | undefined) ?? image.displayWidth);
    };
    if (image.getData("width") === undefined) image.setData("width", image.displayWidth);
    await this.clock.move(duration / 2, (t) => squeeze(1 - t), EASE.in);
    if (!image.active) return;
    image.setTexture(cardTexture(this.scene, face)).clearTint();
    await this.clock.move(duration / 2, (t) => squeeze(t), EASE.out);
    squeeze(1);
  }
}
