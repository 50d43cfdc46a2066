// Ratings: the displayed scale, and ties, which OpenSkill 5 alone gets wrong (philihp/openskill.js#377).
import fc from "fast-check";
import { ordinal, rate } from "openskill";
import { describe, expect, it } from "vitest";
import { displayRating, NEW_PLAYER_RATING, NEW_SKILL, rateGame, type Skill } from "./ratings.ts";

const gain = (before: Skill, after: Skill) => ordinal(after) - ordinal(before);

describe("ratings", () => {
  it("a new player shows 1500; a win raises the rating and a loss lowers it", () => {
    expect(displayRating(NEW_SKILL)).toBe(NEW_PLAYER_RATING);
    const [winner, loser] = rateGame([NEW_SKILL, NEW_SKILL], [1, 2]);
    expect(displayRating(winner!)).toBeGreaterThan(1500);
    expect(displayRating(loser!)).toBeLessThan(1500);
  });

  it("OpenSkill alone leaves third place above the co-winners (the bug corrected here)", () => {
    const raw = rate([[NEW_SKILL], [NEW_SKILL], [NEW_SKILL], [NEW_SKILL]], { rank: [1, 1, 3, 4] });
    expect(ordinal(raw[2]![0]!)).toBeGreaterThan(ordinal(raw[0]![0]!));
  });

  it("a tie never leaves a lower finisher rated above a higher one", () => {
    const after = rateGame([NEW_SKILL, NEW_SKILL, NEW_SKILL, NEW_SKILL], [1, 1, 3, 4]);
    const shown = after.map(displayRating);
    expect(shown[0]).toBe(shown[1]); // ties are ties
    expect(shown[2]).toBeLessThanOrEqual(shown[0]!);
    expect(shown[3]).toBeLessThan(shown[2]!);
  });

  it("nobody gains more from a game than a player who beat them, whatever the ratings and ties", () => {
    const skill = fc.record({ mu: fc.double({ min: 5, max: 45, noNaN: true }), sigma: fc.double({ min: 0.5, max: 25 / 3, noNaN: true }) });
    fc.assert(
      fc.property(fc.array(fc.tuple(skill, fc.integer({ min: 1, max: 4 })), { minLength: 2, maxLength: 6 }), (players) => {
        const skills = players.map(([each]) => each);
        const places = players.map(([, place]) => place);
        const after = rateGame(skills, places);
        for (let a = 0; a < players.length; a++) {
          for (let b = 0; b < players.length; b++) {
            if (places[a]! < places[b]!) expect(gain(skills[b]!, after[b]!)).toBeLessThanOrEqual(gain(skills[a]!, after[a]!) + 1e-9);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("leaves OpenSkill's answer alone when it is already in order", () => {
    const skills = [NEW_SKILL, NEW_SKILL, NEW_SKILL];
    const places = [1, 2, 3];
    const raw = rate(skills.map((each) => [each]), { rank: places }).map(([each]) => each!);
    expect(rateGame(skills, places)).toEqual(raw.map(({ mu, sigma }) => ({ mu, sigma })));
  });
});
