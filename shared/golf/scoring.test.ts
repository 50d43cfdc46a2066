// Worked examples of every scoring rule, house rule and hole adjustment of docs/rules.md.
import { describe, expect, it } from "vitest";
import { isRanked, scoreHole, scoringFor, defaultDecks, jokersInShoe } from "./rules.ts";
import { card, cards, rules } from "./test-support.ts";

/** A hand is written top row then bottom row: "a b c / d e f"; columns are (a,d), (b,e), (c,f). */
function hand(text: string, patch = {}) {
  return scoringFor(rules(patch)).hand(cards(text.replace("/", " ")));
}

describe("card values", () => {
  const value = (name: string, patch = {}) => scoringFor(rules(patch)).value(card(name));
  it("follows the standard table", () => {
    expect(["AH", "2H", "3H", "4H", "5H", "6H", "7H", "8H", "9H", "10H", "JH", "QH", "KH"].map((name) => value(name))).toEqual([1, -2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10, 0]);
    expect(value("JK", { useJokers: true })).toBe(-2);
  });
  it("superKings makes a King -2", () => expect(value("KS", { superKings: true })).toBe(-2));
  it("tenPenny makes a 10 worth 1", () => expect(value("10D", { tenPenny: true })).toBe(1));
  it("oneEyedJacks makes the Jacks of hearts and spades 0, the others 10", () => {
    expect([value("JH", { oneEyedJacks: true }), value("JS", { oneEyedJacks: true }), value("JC", { oneEyedJacks: true }), value("JD", { oneEyedJacks: true })]).toEqual([0, 0, 10, 10]);
  });
  it("luckySwing makes its Joker -5; eagleEye +2 and takes precedence", () => {
    expect(value("JK", { luckySwing: true })).toBe(-5);
    expect(value("JK", { eagleEye: true })).toBe(2);
    expect(value("JK", { eagleEye: true, luckySwing: true })).toBe(2);
  });
});

describe("hands", () => {
  it("scores a column pair 0 and unpaired columns as sums", () => {
    // (A,A) pair = 0, (5,9) = 14, (K,Q) = 10.
    expect(hand("AS 5H KC / AH 9D QS")).toBe(24);
  });
  it("never pairs rows or diagonals", () => {
    expect(hand("5S 5H 5C / 6H 7D 8S")).toBe(36);
    expect(hand("5S 6H 7C / 8H 5D 9S")).toBe(40);
  });
  it("pairs 2s, Kings and Jokers at 0", () => {
    expect(hand("2S KH JK / 2H KD JK", { useJokers: true })).toBe(0);
  });
  it("counts face-down cards (the whole grid is scored)", () => {
    expect(hand("10S 10H QC / 9H 8D 7S")).toBe(54);
  });
  it("superKings: a King pair still scores 0, or -4 with negativePairsKeepValue", () => {
    expect(hand("KS 3H 4C / KH 5D 6S", { superKings: true })).toBe(18);
    expect(hand("KS 3H 4C / KH 5D 6S", { superKings: true, negativePairsKeepValue: true })).toBe(14);
    expect(hand("KS 3H 4C / 5H 5D 6S", { superKings: true })).toBe(-2 + 5 + (3 + 5) + (4 + 6));
  });
  it("negativePairsKeepValue: a pair with a negative card keeps its sum; other pairs 0", () => {
    expect(hand("2S 5H 4C / 2H 5D 6S", { negativePairsKeepValue: true })).toBe(-4 + 0 + 10);
    expect(hand("JK 5H 4C / JK 5D 6S", { useJokers: true, negativePairsKeepValue: true })).toBe(-4 + 0 + 10);
  });
  it("eagleEye: an unpaired Joker +2, a Joker pair -4", () => {
    expect(hand("JK 3H 4C / 5H 3D 6S", { eagleEye: true })).toBe(7 + 0 + 10);
    expect(hand("JK 3H 4C / JK 3D 6S", { eagleEye: true })).toBe(-4 + 0 + 10);
  });
  it("oneEyedJacks: any two Jacks pair at 0", () => {
    expect(hand("JH 3H 4C / JC 3D 6S", { oneEyedJacks: true })).toBe(0 + 0 + 10);
    expect(hand("JH 3H 4C / 5C 3D 6S", { oneEyedJacks: true })).toBe(5 + 0 + 10);
  });
  it("wolfpack: two Jack pairs -20; one is not enough", () => {
    expect(hand("JH JS 4C / JC JD 6S", { wolfpack: true })).toBe(10 - 20);
    expect(hand("JH 5S 4C / JC 5D 6S", { wolfpack: true })).toBe(10);
    expect(hand("JH JS 4C / JC JD 6S")).toBe(10);
  });
  it("fourOfAKind: a rank paired in two columns -20, and stacks with wolfpack", () => {
    expect(hand("7H 7S 4C / 7C 7D 6S", { fourOfAKind: true })).toBe(10 - 20);
    expect(hand("JH JS 4C / JC JD 6S", { fourOfAKind: true, wolfpack: true })).toBe(10 - 40);
    expect(hand("7H 8S 4C / 7C 8D 6S", { fourOfAKind: true })).toBe(10);
  });
});

describe("hole adjustments, in the rulebook's order", () => {
  it("blackjack turns exactly 21 into 0", () => {
    expect(scoreHole(rules({ blackjack: true }), [21, 22, 20], -1).scores).toEqual([0, 22, 20]);
    expect(scoreHole(rules(), [21, 22], -1).scores).toEqual([21, 22]);
  });
  it("knockPenalty: +10 to a finisher strictly above the lowest score", () => {
    expect(scoreHole(rules({ knockPenalty: true }), [10, 5, 12], 0).scores).toEqual([20, 5, 12]);
    expect(scoreHole(rules({ knockPenalty: true }), [5, 5, 12], 0).scores).toEqual([5, 5, 12]);
    expect(scoreHole(rules({ knockPenalty: true }), [10, 5, 12], -1).scores).toEqual([10, 5, 12]);
  });
  it("knockBonus: -5 to the finisher, stacking with knockPenalty", () => {
    expect(scoreHole(rules({ knockBonus: true }), [10, 5], 0).scores).toEqual([5, 5]);
    expect(scoreHole(rules({ knockPenalty: true, knockBonus: true }), [10, 5], 0).scores).toEqual([15, 5]);
  });
  it("blackjack comes before knockPenalty", () => {
    // 21 becomes 0, so the finisher is the lowest and is not penalised.
    expect(scoreHole(rules({ blackjack: true, knockPenalty: true }), [21, 5], 0).scores).toEqual([0, 5]);
  });
  it("underdogBonus: -3 to every player with the lowest score", () => {
    expect(scoreHole(rules({ underdogBonus: true }), [4, 4, 9], -1).scores).toEqual([1, 1, 9]);
  });
  it("underdogBonus comes after the knock adjustments", () => {
    // The finisher's 6 - 5 = 1 is now the lowest and gets the -3.
    expect(scoreHole(rules({ knockBonus: true, underdogBonus: true }), [6, 3], 0).scores).toEqual([-2, 3]);
  });
  it("tiedShame: +5 to every player whose score equals another's, after underdogBonus", () => {
    expect(scoreHole(rules({ tiedShame: true }), [7, 7, 3], -1).scores).toEqual([12, 12, 3]);
    expect(scoreHole(rules({ underdogBonus: true, tiedShame: true }), [3, 3, 8], -1).scores).toEqual([5, 5, 8]);
    // The knockBonus makes the finisher tie with another player, which is then punished.
    expect(scoreHole(rules({ knockBonus: true, tiedShame: true }), [9, 4, 6], 0).scores).toEqual([9, 9, 6]);
  });
  it("everyone tied for the lowest adjusted score wins the hole", () => {
    expect(scoreHole(rules(), [4, 4, 9], -1).winners).toEqual([0, 1]);
    expect(scoreHole(rules(), [4, 2, 9], -1).winners).toEqual([1]);
    expect(scoreHole(rules({ tiedShame: true }), [3, 3, 7], -1).winners).toEqual([2]);
    expect(scoreHole(rules({ tiedShame: true }), [3, 3, 7], -1).scores).toEqual([8, 8, 7]);
    expect(scoreHole(rules({ tiedShame: true }), [3, 3, 9], -1).winners).toEqual([0, 1]);
  });
});

describe("table rules", () => {
  it("default decks: 1 for 2-3 seats, 2 for 4-6", () => {
    expect([2, 3, 4, 5, 6].map(defaultDecks)).toEqual([1, 1, 2, 2, 2]);
  });
  it("Jokers: none by default, 2 per deck with useJokers or eagleEye, exactly one with luckySwing", () => {
    expect(jokersInShoe(rules(), 2)).toBe(0);
    expect(jokersInShoe(rules({ useJokers: true }), 2)).toBe(4);
    expect(jokersInShoe(rules({ eagleEye: true }), 3)).toBe(6);
    expect(jokersInShoe(rules({ luckySwing: true }), 3)).toBe(1);
  });
  it("luckySwing and eagleEye turn Jokers on", () => {
    expect(rules({ luckySwing: true }).useJokers).toBe(true);
    expect(rules({ eagleEye: true }).useJokers).toBe(true);
  });
  it("a game is ranked only under the standard rules", () => {
    expect(isRanked(rules())).toBe(true);
    expect(isRanked(rules({ flipMode: "always" }))).toBe(false);
    expect(isRanked(rules({ initialFlips: 1 }))).toBe(false);
    expect(isRanked(rules({ tiedShame: true }))).toBe(false);
    expect(isRanked(rules({ useJokers: true }))).toBe(false);
  });
});
