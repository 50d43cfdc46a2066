// The CPU players' policy. A CPU decides from its seat's view alone: it estimates the final score of
// its grid (face-down slots at the expectation over the cards it has not seen), weighs each legal move
// by that estimate, never makes a move on the rulebook's blunder list, and lets its personality's
// traits shape the rest. Its randomness comes from its own seeded stream (`rng`).
import type { Rng } from "../rng.ts";
import type { CpuTraits } from "../profiles.ts";
import type { Command } from "../types.ts";
import type { GameView } from "../view.ts";
import { classOf, Knowledge, UNKNOWN } from "./knowledge.ts";

interface Candidate {
  command: Command;
  /** Estimated final score of this seat after the move (lower is better). */
  estimate: number;
}

const JACK_RANK = 10;
const partnerOf = (position: number) => (position < 3 ? position + 3 : position - 3);

/** The command a CPU plays for `view.viewer` now, or null when that seat has nothing to do. */
export function cpuCommand(view: GameView, traits: CpuTraits, rng: Rng): Command | null {
  const me = view.viewer;
  if (typeof me !== "number" || !view.seats[me]) return null;
  if (view.phase === "initialFlip") {
    return view.seats[me]!.initialFlipDone ? null : initialFlips(view, rng);
  }
  if ((view.phase !== "playing" && view.phase !== "finalTurn") || view.turn !== me) return null;
  const planner = new Planner(view, me, traits);
  let candidates: Candidate[];
  if (view.mustFlip) candidates = planner.flipChoices();
  else if (view.drawn) candidates = planner.holdingChoices(classOf(planner.knowledge.table, view.drawn), view.drawnFrom === "discard");
  else candidates = planner.turnStartChoices();
  return pick(candidates, traits, rng);
}

/** Best estimate first; now and then (unpredictability) a close second instead. Blunders never
 *  reach this list. */
function pick(candidates: Candidate[], traits: CpuTraits, rng: Rng): Command {
  candidates.sort((a, b) => a.estimate - b.estimate);
  const roll = rng();
  if (candidates.length > 1 && roll < traits.unpredictability && candidates[1]!.estimate - candidates[0]!.estimate < 3) {
    return candidates[1]!.command;
  }
  return candidates[0]!.command;
}

function initialFlips(view: GameView, rng: Rng): Command {
  // Distinct columns (more to pair with), each in a random row.
  const columns = [0, 1, 2];
  for (let i = columns.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [columns[i], columns[j]] = [columns[j]!, columns[i]!];
  }
  const positions = columns.slice(0, view.rules.initialFlips).map((column) => column + (rng() < 0.5 ? 0 : 3));
  return { type: "flipInitial", positions };
}

class Planner {
  readonly knowledge: Knowledge;
  private readonly grid: number[];
  private readonly faceDown: number[];
  /** How much better than its raw expectation a face-down slot is, because it can still be replaced. */
  private readonly optionValue: number;
  private readonly isFinalTurn: boolean;
  private readonly bonusRules: boolean;
  /** Estimate of each column as it stands, and of the whole grid. */
  private readonly columnNow: number[];
  private readonly estimateNow: number;
  /** Per class: the estimate of a column holding it beside a face-down card. */
  private readonly besideUnknown: number[];
  private bestOpponentCache = NaN;

  constructor(
    private readonly view: GameView,
    private readonly me: number,
    private readonly traits: CpuTraits,
  ) {
    const k = new Knowledge(view);
    this.knowledge = k;
    this.grid = k.gridOf(view, me);
    this.faceDown = [];
    for (let position = 0; position < 6; position++) if (this.grid[position] === UNKNOWN) this.faceDown.push(position);
    this.isFinalTurn = view.phase === "finalTurn";
    this.bonusRules = view.rules.wolfpack || view.rules.fourOfAKind;
    // The swap threshold sets what a face-down slot is worth keeping open for; less so as the hole
    // nears its end (an opponent with one face-down card may go out any turn).
    const threshold = Math.min(traits.swapThreshold, 7.5);
    let closest = 6;
    for (let index = 0; index < view.seats.length; index++) {
      if (index === me) continue;
      let faceDown = 0;
      for (const slot of view.seats[index]!.cards) if (!slot.faceUp) faceDown++;
      if (faceDown < closest) closest = faceDown;
    }
    const nearEnd = closest <= 1 ? 0.35 : closest === 2 ? 0.75 : 1;
    this.optionValue = this.isFinalTurn ? 0 : Math.max(0, k.meanUnseen - threshold) * nearEnd;
    this.besideUnknown = new Array(k.table.count).fill(NaN);
    this.columnNow = [
      this.columnEstimate(this.grid[0]!, this.grid[3]!, this.optionValue),
      this.columnEstimate(this.grid[1]!, this.grid[4]!, this.optionValue),
      this.columnEstimate(this.grid[2]!, this.grid[5]!, this.optionValue),
    ];
    this.estimateNow = this.columnNow[0]! + this.columnNow[1]! + this.columnNow[2]! + this.pairBonus(this.grid);
  }

  // --- estimates -----------------------------------------------------------------------------

  private columnEstimate(top: number, bottom: number, optionValue: number): number {
    const k = this.knowledge;
    if (top !== UNKNOWN && bottom !== UNKNOWN) return k.column(top, bottom);
    if (top === UNKNOWN && bottom === UNKNOWN) return k.columnBothUnknown() - 2 * optionValue;
    const known = top === UNKNOWN ? bottom : top;
    if (optionValue !== this.optionValue) return k.columnWithUnknown(known) - optionValue;
    let cached = this.besideUnknown[known]!;
    if (Number.isNaN(cached)) {
      // Hope for a future pair: the partner slot is still open and cards of that rank are unseen.
      const hope = this.isFinalTurn ? 0 : this.traits.pairHope * Math.min(1, 3 * k.rankChance(known)) * Math.max(0, k.value(known)) * 0.5;
      cached = k.columnWithUnknown(known) - optionValue - hope;
      this.besideUnknown[known] = cached;
    }
    return cached;
  }

  /** wolfpack and fourOfAKind bonuses of the known column pairs. */
  private pairBonus(grid: readonly number[]): number {
    if (!this.bonusRules) return 0;
    const k = this.knowledge;
    const pairedRanks: number[] = [];
    for (let column = 0; column < 3; column++) {
      const top = grid[column]!;
      const bottom = grid[column + 3]!;
      if (top !== UNKNOWN && bottom !== UNKNOWN && k.rankOf(top) === k.rankOf(bottom)) pairedRanks.push(k.rankOf(top));
    }
    let bonus = 0;
    if (this.view.rules.wolfpack && pairedRanks.filter((rank) => rank === JACK_RANK).length >= 2) bonus -= 20;
    if (this.view.rules.fourOfAKind) {
      for (const rank of new Set(pairedRanks)) if (pairedRanks.filter((other) => other === rank).length >= 2) bonus -= 20;
    }
    return bonus;
  }

  /** The grid's estimate with class `c` at `position`. */
  private estimateWith(position: number, c: number): number {
    const column = position % 3;
    const top = position < 3 ? c : this.grid[column]!;
    const bottom = position < 3 ? this.grid[column + 3]! : c;
    const changed = this.estimateNow - this.columnNow[column]! + this.columnEstimate(top, bottom, this.optionValue);
    if (!this.bonusRules) return changed;
    const grid = this.grid.slice();
    grid[position] = c;
    return changed - this.pairBonus(this.grid) + this.pairBonus(grid);
  }

  /** Face-up cards alone, as the blunder list judges a swap into a face-up slot. */
  private knownScore(grid: readonly number[]): number {
    const k = this.knowledge;
    let total = 0;
    for (let column = 0; column < 3; column++) {
      const top = grid[column]!;
      const bottom = grid[column + 3]!;
      if (top !== UNKNOWN && bottom !== UNKNOWN) total += k.column(top, bottom);
      else if (top !== UNKNOWN) total += k.value(top);
      else if (bottom !== UNKNOWN) total += k.value(bottom);
    }
    return total + this.pairBonus(grid);
  }

  /** Whether class `c` at a face-up `position` lowers (< 0), keeps or raises the face-up score. */
  private knownChange(position: number, c: number): number {
    if (!this.bonusRules) {
      // Only the column of `position` changes.
      const k = this.knowledge;
      const partner = this.grid[partnerOf(position)]!;
      const current = this.grid[position]!;
      if (partner === UNKNOWN) return k.value(c) - k.value(current);
      return k.column(c, partner) - k.column(current, partner);
    }
    const grid = this.grid.slice();
    grid[position] = c;
    return this.knownScore(grid) - this.knownScore(this.grid);
  }

  /** The rulebook's blunder list, for putting class `c` at `position`. */
  private swapIsBlunder(position: number, c: number, fromDiscard: boolean): boolean {
    const k = this.knowledge;
    const value = k.value(c);
    const partner = this.grid[partnerOf(position)]!;
    const current = this.grid[position]!;
    const pairsUp = partner !== UNKNOWN && k.rankOf(partner) === k.rankOf(c);
    const newPair = pairsUp && (current === UNKNOWN || k.rankOf(current) !== k.rankOf(c));
    if (fromDiscard && value >= 8 && !newPair) return true;
    if (current === UNKNOWN) {
      if (value >= 8 && !pairsUp) return true;
    } else if (this.knownChange(position, c) > 0) {
      return true;
    }
    if (pairsUp) {
      const partnerValue = k.value(partner);
      if (value < 0 && partnerValue < 0 && k.column(c, partner) > value + partnerValue) return true;
    }
    return false;
  }

  private bestOpponent(): number {
    if (Number.isNaN(this.bestOpponentCache)) {
      const k = this.knowledge;
      let best = Infinity;
      this.view.seats.forEach((_, seat) => {
        if (seat === this.me) return;
        const grid = k.gridOf(this.view, seat);
        let total = 0;
        for (let column = 0; column < 3; column++) {
          const top = grid[column]!;
          const bottom = grid[column + 3]!;
          if (top !== UNKNOWN && bottom !== UNKNOWN) total += k.column(top, bottom);
          else if (top === UNKNOWN && bottom === UNKNOWN) total += k.columnBothUnknown();
          else total += k.columnWithUnknown(top === UNKNOWN ? bottom : top);
        }
        best = Math.min(best, total);
      });
      this.bestOpponentCache = best;
    }
    return this.bestOpponentCache;
  }

  /** Going out ends the hole after one more turn each: weigh it by the personality and the table. */
  private goingOutAdjustment(finalScore: number): number {
    const rules = this.view.rules;
    let adjustment = (0.5 - this.traits.aggression) * 4;
    const bestOpponent = this.bestOpponent();
    if (rules.knockPenalty && finalScore >= bestOpponent - 1) adjustment += 10;
    if (rules.knockBonus) adjustment -= 5;
    // Far behind the table: ending the hole now rarely helps.
    if (finalScore > bestOpponent + 6) adjustment += 2;
    return adjustment;
  }

  /** The estimate after putting class `c` at `position`, weighing a move that goes out. */
  private outcome(position: number, c: number): number {
    const estimate = this.estimateWith(position, c);
    const goesOut = !this.isFinalTurn && this.faceDown.length === 1 && this.grid[position] === UNKNOWN;
    return goesOut ? estimate + this.goingOutAdjustment(estimate) : estimate;
  }

  /** Going out now with the face-down cards as they are (a knock, or flipping the last one). */
  private goOutNow(): number {
    let estimate = this.pairBonus(this.grid);
    for (let column = 0; column < 3; column++) estimate += this.columnEstimate(this.grid[column]!, this.grid[column + 3]!, 0);
    return this.isFinalTurn ? estimate : estimate + this.goingOutAdjustment(estimate);
  }

  // --- choices -------------------------------------------------------------------------------

  /** Holding a drawn card: swap it somewhere, or discard it (deck draws only). */
  holdingChoices(c: number, fromDiscard: boolean): Candidate[] {
    const candidates: Candidate[] = [];
    let couldKeep = false;
    for (let position = 0; position < 6; position++) {
      if (this.swapIsBlunder(position, c, fromDiscard)) continue;
      candidates.push({ command: { type: "swap", position }, estimate: this.outcome(position, c) });
      if (this.grid[position] === UNKNOWN || this.knownChange(position, c) < 0) couldKeep = true;
    }
    if (fromDiscard) {
      if (candidates.length === 0) candidates.push({ command: { type: "cancelDraw" }, estimate: 0 });
      return candidates;
    }
    // Discarding a card worth 0 or less that could replace a worse one is on the blunder list.
    if (!(this.knowledge.value(c) <= 0 && couldKeep)) candidates.push({ command: { type: "discard" }, estimate: this.estimateNow });
    return candidates;
  }

  /** The best estimate reachable with class `c` in hand (no blunders). */
  private bestWith(c: number, fromDiscard: boolean): number {
    let best = fromDiscard ? Infinity : this.estimateNow;
    for (let position = 0; position < 6; position++) {
      if (this.swapIsBlunder(position, c, fromDiscard)) continue;
      best = Math.min(best, this.outcome(position, c));
    }
    return best;
  }

  turnStartChoices(): Candidate[] {
    const k = this.knowledge;
    const candidates: Candidate[] = [];
    const top = this.view.discardPile.at(-1);
    if (top) {
      const takeEstimate = this.bestWith(classOf(k.table, top), true);
      // A known card is worth a little more than a gamble of the same expectation.
      if (Number.isFinite(takeEstimate)) candidates.push({ command: { type: "draw", source: "discard" }, estimate: takeEstimate - 0.25 });
    }
    const rules = this.view.rules;
    if (rules.knockEarly && this.faceDown.length >= 1 && this.faceDown.length <= 2) {
      candidates.push({ command: { type: "knock" }, estimate: this.goOutNow() });
    }
    if (rules.flipAsAction && this.faceDown.length === 1) {
      candidates.push({ command: { type: "flip", position: this.faceDown[0]! }, estimate: this.goOutNow() });
    }
    // Drawing from the deck: the expectation over every unseen card of its best use. Only worth
    // computing when there is something to compare it with.
    let drawEstimate = this.estimateNow;
    if (candidates.length > 0 && k.unseenTotal > 0) {
      drawEstimate = 0;
      for (const c of k.present) drawEstimate += k.unseen[c]! * this.bestWith(c, false);
      drawEstimate /= k.unseenTotal;
    }
    candidates.push({ command: { type: "draw", source: "deck" }, estimate: drawEstimate });
    return candidates;
  }

  /** After a discard under flipMode always or endgame. */
  flipChoices(): Candidate[] {
    const candidates: Candidate[] = [];
    if (this.faceDown.length === 1 && !this.isFinalTurn) {
      candidates.push({ command: { type: "flip", position: this.faceDown[0]! }, estimate: this.goOutNow() });
    } else if (this.faceDown.length > 0) {
      // Prefer a column whose partner is face-up: a pair may show up.
      const withKnownPartner = this.faceDown.find((position) => this.grid[partnerOf(position)] !== UNKNOWN);
      candidates.push({ command: { type: "flip", position: withKnownPartner ?? this.faceDown[0]! }, estimate: this.estimateNow - 0.1 });
    }
    if (this.view.mustFlip === "optional") candidates.push({ command: { type: "skipFlip" }, estimate: this.estimateNow });
    return candidates;
  }
}
