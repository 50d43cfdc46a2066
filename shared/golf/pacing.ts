// How long a CPU seems to think before an action. Human-like by default (about 1-2 s, varied by
// personality: aggressive players are quicker, careful ones slower); a base of 0 (tests, load tests)
// makes every CPU act at once.
import type { Rng } from "./rng.ts";
import type { CpuTraits } from "./profiles.ts";

export const HUMAN_LIKE_DELAY_MS = 1500;

/** Milliseconds before a CPU's next action; `baseDelayMs` is the room's cpuDelayMs (0 = instant). */
export function cpuThinkMs(traits: CpuTraits, rng: Rng, baseDelayMs: number = HUMAN_LIKE_DELAY_MS): number {
  if (baseDelayMs <= 0) return 0;
  const temperament = 1.15 - 0.3 * traits.aggression; // 0.88 (quick) to 1.09 (patient)
  const jitter = 0.7 + 0.6 * rng(); // +-30%
  return Math.round(baseDelayMs * temperament * jitter);
}
