// The eight CPU personalities of the rulebook and their traits.

export interface CpuTraits {
  /** How low a card must be to be worth keeping (4-8). */
  swapThreshold: number;
  /** How much it plays for pairs (0-1). */
  pairHope: number;
  /** How early it goes out (0-1). */
  aggression: number;
  /** How often it departs from its best move (0-0.3). */
  unpredictability: number;
}

export interface CpuProfile {
  name: string;
  style: string;
  traits: CpuTraits;
}

export const CPU_PROFILES: readonly CpuProfile[] = Object.freeze([
  { name: "Sofia", style: "calculated and patient", traits: { swapThreshold: 4, pairHope: 0.2, aggression: 0.2, unpredictability: 0.02 } },
  { name: "Maya", style: "aggressive closer", traits: { swapThreshold: 6, pairHope: 0.4, aggression: 0.85, unpredictability: 0.1 } },
  { name: "Priya", style: "pair hunter", traits: { swapThreshold: 7, pairHope: 0.8, aggression: 0.5, unpredictability: 0.05 } },
  { name: "Marcus", style: "steady", traits: { swapThreshold: 5, pairHope: 0.35, aggression: 0.4, unpredictability: 0.03 } },
  { name: "Kenji", style: "risk taker", traits: { swapThreshold: 8, pairHope: 0.7, aggression: 0.75, unpredictability: 0.12 } },
  { name: "Diego", style: "chaotic gambler", traits: { swapThreshold: 6, pairHope: 0.5, aggression: 0.6, unpredictability: 0.28 } },
  { name: "River", style: "adaptive strategist", traits: { swapThreshold: 5, pairHope: 0.45, aggression: 0.55, unpredictability: 0.08 } },
  { name: "Sage", style: "sneaky finisher", traits: { swapThreshold: 5, pairHope: 0.3, aggression: 0.9, unpredictability: 0.15 } },
]);

/** Finds a personality by name in any letter case. */
export function findProfile(name: string): CpuProfile | undefined {
  const wanted = name.trim().toLowerCase();
  return CPU_PROFILES.find((profile) => profile.name.toLowerCase() === wanted);
}
