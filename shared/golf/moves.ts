// Every legal game move of the viewing seat, from its view alone. The client offers only these;
// tests cross-check them against `decide`.
import type { Command } from "./types.ts";
import type { GameView } from "./view.ts";

function combinations(items: number[], size: number): number[][] {
  if (size === 0) return [[]];
  return items.flatMap((first, index) => combinations(items.slice(index + 1), size - 1).map((rest) => [first, ...rest]));
}

/** The game moves (not lobby or table management) the viewer may make now. */
export function legalCommands(view: GameView): Command[] {
  const me = view.viewer;
  if (typeof me !== "number") return [];
  const seat = view.seats[me];
  if (!seat || seat.kind === "empty") return [];
  const faceDown = seat.cards.flatMap((slot, position) => (slot.faceUp ? [] : [position]));
  if (view.phase === "initialFlip") {
    if (seat.initialFlipDone) return [];
    return combinations(faceDown, view.rules.initialFlips).map((positions) => ({ type: "flipInitial", positions }));
  }
  if ((view.phase !== "playing" && view.phase !== "finalTurn") || view.turn !== me) return [];
  if (view.mustFlip) {
    const flips: Command[] = faceDown.map((position) => ({ type: "flip", position }));
    return view.mustFlip === "optional" ? [...flips, { type: "skipFlip" }] : flips;
  }
  if (view.drawnFrom) {
    const swaps: Command[] = [0, 1, 2, 3, 4, 5].map((position) => ({ type: "swap", position }));
    return view.drawnFrom === "deck" ? [...swaps, { type: "discard" }] : [...swaps, { type: "cancelDraw" }];
  }
  const moves: Command[] = [{ type: "draw", source: "deck" }];
  if (view.discardPile.length > 0) moves.push({ type: "draw", source: "discard" });
  if (view.rules.flipAsAction) for (const position of faceDown) moves.push({ type: "flip", position });
  if (view.rules.knockEarly && faceDown.length >= 1 && faceDown.length <= 2) moves.push({ type: "knock" });
  return moves;
}
