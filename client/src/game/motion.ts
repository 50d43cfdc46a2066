// The table's animation clock: every animation is a motion that runs a step function with t going
// from 0 to 1 over its duration, advanced once a frame by the scene. No Phaser tweens: one clock
// that can be sped up (a backlog of events) or stopped at once (a hidden tab, a jump in a replay).

export type Ease = (t: number) => number;

export const EASE = {
  linear: (t: number) => t,
  inOut: (t: number) => 0.5 - 0.5 * Math.cos(Math.PI * t),
  in: (t: number) => 1 - Math.cos((Math.PI * t) / 2),
  out: (t: number) => Math.sin((Math.PI * t) / 2),
  cubicOut: (t: number) => 1 - (1 - t) ** 3,
  backOut: (t: number) => 1 + 2.7 * (t - 1) ** 3 + 1.7 * (t - 1) ** 2,
} satisfies Record<string, Ease>;

interface Motion {
  start: number;
  duration: number;
  ease: Ease;
  step: (t: number) => void;
  finish: () => void;
}

export class MotionClock {
  /** Animation speed factor (2 = twice as fast); read when a motion starts. */
  speed = 1;
  /** Motions under way: each moves something from t = 0 to t = 1 over its duration. */
  private readonly motions = new Set<Motion>();
  /** How to resolve the promise of each motion under way (cancel resolves them all). */
  private readonly running = new Set<() => void>();

  /**
   * Runs `step(t)` every frame with t eased from 0 to 1 over `duration` ms (divided by the speed);
   * resolves when done, or at once when the motions are cancelled.
   */
  move(duration: number, step: (t: number) => void, ease: Ease = EASE.inOut): Promise<void> {
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

  wait(ms: number): Promise<void> {
    return this.move(ms, () => undefined, EASE.linear);
  }

  /** Advances every motion to the time `now` (one frame). */
  tick(now: number): void {
    for (const motion of [...this.motions]) {
      const t = Math.min(1, Math.max(0, (now - motion.start) / motion.duration));
      motion.step(motion.ease(t));
      if (t >= 1) {
        this.motions.delete(motion);
        motion.finish();
      }
    }
  }

  /** Stops every motion where it is; their promises resolve. */
  cancel(): void {
    this.motions.clear();
    for (const done of [...this.running]) done();
  }
}
