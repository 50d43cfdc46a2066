// How long a CPU seems to think before an action. Human-like by default (about 1-2 s, varied by
// personality: aggressive players are quicker, careful ones slower); a base of 0 (tests, load tests)
// makes every CPU act at once.
import type { Rng } from "./rng.ts";
import type { CpuTraits } from "./profiles.ts";

const HUMAN_LIKE_DELAY_MS = 1500;

/** Milliseconds before a CPU's next action; `baseDelayMs` is the room's cpuDelayMs (0 = instant). */
export function cpuThinkMs(traits: CpuTraits, rng: Rng, baseDelayMs: number = HUMAN_LIKE_DELAY_MS): number {
  if (baseDelayMs <= 0) return 0;
  const temperament = 1.05 - 0.25 * traits.aggression; // 0.83 (Sage, quick) to 1.0 (Sofia, patient)
  const jitter = (rng() - 0.5) * 0.4; // +-0.2
  return Math.round(baseDelayMs * (temperament + jitter)); // 0.9-1.9 s at the default base
}
