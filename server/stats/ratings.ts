// Ratings: OpenSkill's Plackett-Luce model over a game's finishing order, corrected so that nobody
// gains more from a game than a player who beat them, and the displayed scale. Pure.
import { ordinal, rate, rating as newRating } from "openskill";

export interface Skill {
  mu: number;
  sigma: number;
}

/** OpenSkill's new player: mu 25, sigma 25/3, so an ordinal (mu - 3 sigma) of 0. */
export const NEW_SKILL: Skill = Object.freeze(newRating());

/** Displayed points per unit of ordinal (see displayRating). */
export const POINTS_PER_ORDINAL = 20;
export const NEW_PLAYER_RATING = 1500;
/** Ranked games before a rating is shown (and the rating leaderboard lists the player). */
export const RATED_AFTER_GAMES = 5;

/**
 * The displayed rating: 1500 + 20 x (mu - 3 sigma), rounded. A new player's ordinal is 0, so they
 * start at 1500; the ordinal is a cautious estimate (it rises as sigma shrinks), so a steady player
 * climbs over their first games even at an even record.
 */
export function displayRating(skill: Skill): number {
  return Math.round(NEW_PLAYER_RATING + POINTS_PER_ORDINAL * ordinal(skill));
}

/**
 * Each player's skill after a game: `places` are finishing places (1 = first; equal places are ties).
 * OpenSkill 5 rates ties so that a player can gain more than one who beat them (ranks [1,1,3,4]
 * from equal skills leave third above the co-winners: philihp/openskill.js#377). Correction: going
 * down the finishing order, a player's ordinal gain is capped at the smallest gain of anyone who
 * finished strictly ahead of them, by lowering their mu (sigma stays as OpenSkill computed it).
 */
export function rateGame(skills: readonly Skill[], places: readonly number[]): Skill[] {
  if (skills.length !== places.length) throw new RangeError("one place per player");
  if (skills.length < 2) return skills.map((skill) => ({ ...skill }));
  const rated = rate(
    skills.map((skill) => [{ mu: skill.mu, sigma: skill.sigma }]),
    { rank: [...places] },
  ).map(([skill]) => ({ mu: skill!.mu, sigma: skill!.sigma }));
  const gain = (index: number) => ordinal(rated[index]!) - ordinal(skills[index]!);

  const byPlace = skills.map((_, index) => index).sort((a, b) => places[a]! - places[b]!);
  let capAbove = Infinity; // the smallest gain among the players who finished ahead of this group
  for (let start = 0; start < byPlace.length; ) {
    let end = start;
    while (end < byPlace.length && places[byPlace[end]!] === places[byPlace[start]!]) end++;
    const group = byPlace.slice(start, end);
    for (const index of group) {
      const excess = gain(index) - capAbove;
      if (excess > 0) rated[index] = { mu: rated[index]!.mu - excess, sigma: rated[index]!.sigma };
    }
    for (const index of group) capAbove = Math.min(capAbove, gain(index));
    start = end;
  }
  return rated;
}
