// An independent judge of CPU moves against the rulebook's blunder list. It shares nothing with the
// CPU's code: only the engine's card values, and its own reading of each rule.
import { scoringFor, type Command, type GameState, type Slot } from "../shared/golf/index.ts";

export const BLUNDER_KINDS = ["discardedKeeper", "tookHighDiscard", "pairedNegatives", "worseFaceUp", "highIntoFaceDown"] as const;
export type BlunderKind = (typeof BLUNDER_KINDS)[number];

const partnerOf = (position: number) => (position < 3 ? position + 3 : position - 3);

/** The score of the face-up cards alone (a column with one face-down card counts its face-up card). */
function faceUpScore(state: GameState, slots: readonly Slot[]): number {
  const scoring = scoringFor(state.rules);
  let total = 0;
  const pairedRanks: string[] = [];
  for (let column = 0; column < 3; column++) {
    const top = slots[column]!;
    const bottom = slots[column + 3]!;
    if (top.faceUp && bottom.faceUp) {
      total += scoring.column(top.card, bottom.card);
      if (top.card.rank === bottom.card.rank) pairedRanks.push(top.card.rank);
    } else if (top.faceUp) total += scoring.value(top.card);
    else if (bottom.faceUp) total += scoring.value(bottom.card);
  }
  if (state.rules.wolfpack && pairedRanks.filter((rank) => rank === "J").length >= 2) total -= 20;
  if (state.rules.fourOfAKind) {
    for (const rank of new Set(pairedRanks)) if (pairedRanks.filter((other) => other === rank).length >= 2) total -= 20;
  }
  return total;
}

/** Blunders of putting the held card at `position`. */
function swapBlunders(state: GameState, seat: number, position: number): BlunderKind[] {
  const scoring = scoringFor(state.rules);
  const held = state.drawn!;
  const slots = state.seats[seat]!.cards;
  const target = slots[position]!;
  const partner = slots[partnerOf(position)]!;
  const value = scoring.value(held);
  const pairsUp = partner.faceUp && partner.card.rank === held.rank;
  const newPair = pairsUp && !(target.faceUp && target.card.rank === held.rank);
  const found: BlunderKind[] = [];
  if (state.drawnFrom === "discard" && value >= 8 && !newPair) found.push("tookHighDiscard");
  if (!target.faceUp && value >= 8 && !pairsUp) found.push("highIntoFaceDown");
  if (target.faceUp) {
    const after = slots.map((slot, index) => (index === position ? { card: held, faceUp: true } : slot));
    if (faceUpScore(state, after) > faceUpScore(state, slots)) found.push("worseFaceUp");
  }
  if (pairsUp) {
    const partnerValue = scoring.value(partner.card);
    if (value < 0 && partnerValue < 0 && scoring.column(held, partner.card) > value + partnerValue) found.push("pairedNegatives");
  }
  return found;
}

/** The blunders `command` would make for `seat` in `state` (empty when it makes none). */
export function blundersOf(state: GameState, seat: number, command: Command): BlunderKind[] {
  if (command.type === "swap" && state.drawn) return swapBlunders(state, seat, command.position);
  if (command.type === "draw" && command.source === "discard") {
    // Taking a card worth 8 or more is a blunder unless some column can pair it.
    const top = state.discard.at(-1)!;
    if (scoringFor(state.rules).value(top) < 8) return [];
    const slots = state.seats[seat]!.cards;
    const canPair = slots.some((slot, position) => {
      const partner = slots[partnerOf(position)]!;
      return partner.faceUp && partner.card.rank === top.rank && !(slot.faceUp && slot.card.rank === top.rank);
    });
    return canPair ? [] : ["tookHighDiscard"];
  }
  if (command.type === "discard" && state.drawn) {
    const scoring = scoringFor(state.rules);
    if (scoring.value(state.drawn) > 0) return [];
    const slots = state.seats[seat]!.cards;
    const before = faceUpScore(state, slots);
    const couldKeep = slots.some((slot, position) => {
      if (swapBlunders(state, seat, position).length > 0) return false;
      if (!slot.faceUp) return true;
      const after = slots.map((other, index) => (index === position ? { card: state.drawn!, faceUp: true } : other));
      return faceUpScore(state, after) < before;
    });
    return couldKeep ? ["discardedKeeper"] : [];
  }
  return [];
}
