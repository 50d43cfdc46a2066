// House rules and scoring, exactly as docs/rules.md states them. Everything here is pure.
import type { Card } from "./cards.ts";

export const FLIP_MODES = ["never", "always", "endgame"] as const;
export type FlipMode = (typeof FLIP_MODES)[number];

export const BOOLEAN_RULES = [
  "useJokers",
  "luckySwing",
  "eagleEye",
  "superKings",
  "tenPenny",
  "oneEyedJacks",
  "negativePairsKeepValue",
  "wolfpack",
  "fourOfAKind",
  "blackjack",
  "knockPenalty",
  "knockBonus",
  "underdogBonus",
  "tiedShame",
  "flipAsAction",
  "knockEarly",
] as const;
export type BooleanRule = (typeof BOOLEAN_RULES)[number];

export type HouseRules = { flipMode: FlipMode; initialFlips: 0 | 1 | 2 } & Record<BooleanRule, boolean>;

export const STANDARD_RULES: HouseRules = Object.freeze({
  flipMode: "never",
  initialFlips: 2,
  ...Object.fromEntries(BOOLEAN_RULES.map((name) => [name, false])),
} as HouseRules);

/** Some of the house rules, to merge into others (shared/protocol/rules.ts checks a client's). */
export type RulesPatch = Partial<HouseRules>;

const RULE_NAMES = Object.keys(STANDARD_RULES) as (keyof HouseRules)[];
const internedRules = new Map<string, HouseRules>();

/**
 * Merges a patch into rules. luckySwing and eagleEye turn Jokers on, as the rulebook says. The
 * result is one shared frozen object per distinct set of rules, so tables computed for a set of
 * rules (scoring, the CPU's class tables) are computed once per process, not once per game.
 */
export function mergeRules(base: HouseRules, patch: RulesPatch): HouseRules {
  const rules = { ...base, ...patch } as HouseRules;
  if (rules.luckySwing || rules.eagleEye) rules.useJokers = true;
  const key = RULE_NAMES.map((name) => String(rules[name])).join(",");
  let interned = internedRules.get(key);
  if (!interned) {
    interned = Object.freeze(Object.fromEntries(RULE_NAMES.map((name) => [name, rules[name]])) as HouseRules);
    internedRules.set(key, interned);
  }
  return interned;
}

const rankedCache = new WeakMap<HouseRules, boolean>();

/** Ranked games are played under the standard rules only (holes and decks do not matter). */
export function isRanked(rules: HouseRules): boolean {
  let ranked = rankedCache.get(rules);
  if (ranked === undefined) {
    ranked = RULE_NAMES.every((name) => rules[name] === STANDARD_RULES[name]);
    rankedCache.set(rules, ranked);
  }
  return ranked;
}

/** Jokers in a shoe: luckySwing puts exactly one in the whole shoe; otherwise 2 per deck when on. */
export function jokersInShoe(rules: HouseRules, decks: number): number {
  if (rules.luckySwing) return 1;
  return rules.useJokers || rules.eagleEye ? 2 * decks : 0;
}

/** The default deck count by the number of seats filled at the start. */
export function defaultDecks(seatsInPlay: number): number {
  return seatsInPlay <= 3 ? 1 : 2;
}

/** Card values and column and hand scores under one set of house rules. */
export interface Scoring {
  value(card: Card): number;
  column(top: Card, bottom: Card): number;
  /** The score of a whole 2x3 grid, face-down cards included (positions 0..5). */
  hand(cards: readonly Card[]): number;
}

const scoringCache = new WeakMap<HouseRules, Scoring>();

export function scoringFor(rules: HouseRules): Scoring {
  let scoring = scoringCache.get(rules);
  if (!scoring) {
    scoring = makeScoring(rules);
    scoringCache.set(rules, scoring);
  }
  return scoring;
}

function makeScoring(rules: HouseRules): Scoring {
  const baseValues: Record<string, number> = {
    A: 1, "2": -2, "3": 3, "4": 4, "5": 5, "6": 6, "7": 7, "8": 8, "9": 9,
    "10": rules.tenPenny ? 1 : 10,
    J: 10,
    Q: 10,
    K: rules.superKings ? -2 : 0,
    // eagleEye's +2 takes precedence over luckySwing's -5.
    JK: rules.eagleEye ? 2 : rules.luckySwing ? -5 : -2,
  };
  const value = (card: Card): number => {
    if (card.rank === "J" && rules.oneEyedJacks && (card.suit === "hearts" || card.suit === "spades")) return 0;
    return baseValues[card.rank]!;
  };
  const column = (top: Card, bottom: Card): number => {
    const a = value(top);
    const b = value(bottom);
    if (top.rank !== bottom.rank) return a + b;
    if (top.rank === "JK" && rules.eagleEye) return -4;
    if (rules.negativePairsKeepValue && (a < 0 || b < 0)) return a + b;
    return 0;
  };
  const hand = (cards: readonly Card[]): number => {
    let total = 0;
    const pairedColumnsByRank = new Map<string, number>();
    for (let col = 0; col < 3; col++) {
      const top = cards[col]!;
      const bottom = cards[col + 3]!;
      total += column(top, bottom);
      if (top.rank === bottom.rank) pairedColumnsByRank.set(top.rank, (pairedColumnsByRank.get(top.rank) ?? 0) + 1);
    }
    if (rules.wolfpack && (pairedColumnsByRank.get("J") ?? 0) >= 2) total -= 20;
    if (rules.fourOfAKind) {
      for (const count of pairedColumnsByRank.values()) if (count >= 2) total -= 20;
    }
    return total;
  };
  return { value, column, hand };
}

export interface HoleScores {
  /** Hand scores before the hole adjustments. */
  raw: number[];
  /** After blackjack, knockPenalty, knockBonus, underdogBonus, tiedShame, in that order. */
  scores: number[];
  /** Every seat tied for the lowest adjusted score. */
  winners: number[];
}

/** Applies the hole adjustments in the rulebook's order. `finisher` is -1 when nobody went out. */
export function scoreHole(rules: HouseRules, raw: readonly number[], finisher: number): HoleScores {
  const scores = raw.map((score) => (rules.blackjack && score === 21 ? 0 : score));
  if (finisher >= 0) {
    if (rules.knockPenalty && scores[finisher]! > Math.min(...scores)) scores[finisher]! += 10;
    if (rules.knockBonus) scores[finisher]! -= 5;
  }
  if (rules.underdogBonus) {
    const lowest = Math.min(...scores);
    for (let seat = 0; seat < scores.length; seat++) if (scores[seat] === lowest) scores[seat]! -= 3;
  }
  if (rules.tiedShame) {
    const before = scores.slice();
    for (let seat = 0; seat < scores.length; seat++) {
      if (before.some((other, otherSeat) => otherSeat !== seat && other === before[seat])) scores[seat]! += 5;
    }
  }
  const lowest = Math.min(...scores);
  const winners = scores.flatMap((score, seat) => (score === lowest ? [seat] : []));
  return { raw: raw.slice(), scores, winners };
}
