// How the bots choose their moves, in one place: each chooser reads what a client sees and returns the
// next action (or null when the seat has nothing to do).
// - plainMove: flips the first cards, draws from the deck, swaps into the first face-down slot; read
//   from the synchronized state alone, with no engine view built (the benches and recovery tests).
// - chooseMove: the same plain player on the engine's view of the seat, now and then any legal move
//   instead, so every kind of move gets played (the end-to-end tests).
// - cpuPolicyMove: what a CPU of the given personality would do (the load test).
import { cpuCommand, legalCommands, type Command, type CpuTraits, type GameView, type Rng } from "../../shared/golf/index.ts";

/** The parts of the synchronized state (docs/protocol.md) that plainMove reads. */
export interface PlainTable {
  phase: string;
  rules: string;
  turn: number;
  mustFlip: string;
  drawnFrom: string;
  seats: { host: boolean; cards: { faceUp: boolean }[] }[];
}

/**
 * The next move of a plain, legal strategy for `seat`, read from the synchronized state alone: flip
 * the first face-down cards, draw from the deck, swap into the first face-down slot. Null when it is
 * not this seat's to move. Cheap (no view is built): the benches run hundreds of players in one process.
 */
export function plainMove(state: PlainTable, seat: number): { type: string; payload: Record<string, unknown> } | null {
  const me = state.seats[seat];
  if (!me) return null;
  const faceDown: number[] = [];
  for (let position = 0; position < me.cards.length; position++) if (!me.cards[position]!.faceUp) faceDown.push(position);
  switch (state.phase) {
    case "initialFlip": {
      const wanted = (JSON.parse(state.rules) as { initialFlips: number }).initialFlips;
      // Face-up cards at this point are our own initial flips: none yet means we still owe them.
      if (6 - faceDown.length >= wanted) return null;
      return { type: "flipInitial", payload: { positions: faceDown.slice(0, wanted) } };
    }
    case "playing":
    case "finalTurn":
      if (state.turn !== seat) return null;
      if (state.mustFlip === "required") return { type: "flip", payload: { position: faceDown[0] } };
      if (state.mustFlip === "optional") return { type: "skipFlip", payload: {} };
      if (state.drawnFrom === "deck") return faceDown.length > 0 ? { type: "swap", payload: { position: faceDown[0] } } : { type: "discard", payload: {} };
      if (state.drawnFrom === "discard") return { type: "swap", payload: { position: faceDown[0] ?? 0 } };
      return { type: "draw", payload: { source: "deck" } };
    case "holeOver":
      return me.host ? { type: "nextHole", payload: {} } : null;
    default:
      return null;
  }
}

export interface PolicyOptions {
  /** Chance of playing a random legal move instead of the plain one (default 0.2). */
  randomness?: number;
  /** Chance of swapping a card drawn from the deck into a face-down slot (default 1). */
  swapChance?: number;
  /** Play a slow table (hardly ever turning a card over) until the deck ran out once this hole. */
  slowUntilReshuffle?: boolean;
}

/**
 * A plain player: flips the first cards, draws from the deck, swaps into the first face-down slot
 * (else keeps low cards, else discards), flips the first face-down card when it must, knocks when it
 * may; now and then any legal move instead, so every kind of move gets played.
 */
export function chooseMove(view: GameView, rng: Rng, options: PolicyOptions = {}): Command | null {
  const legal = legalCommands(view);
  if (legal.length === 0) return null;
  if (rng() < (options.randomness ?? 0.2)) return legal[Math.floor(rng() * legal.length)]!;
  const me = view.seats[view.viewer as number]!;
  const faceDown = me.cards.flatMap((slot, position) => (slot.faceUp ? [] : [position]));
  const find = (type: Command["type"]) => legal.find((command) => command.type === type);
  if (view.phase === "initialFlip") return legal[0]!;
  if (view.mustFlip) return legal.find((command) => command.type === "flip") ?? legal[0]!;
  if (view.drawnFrom) {
    const swapChance = options.swapChance ?? 1;
    if (faceDown.length > 0 && rng() < swapChance) return { type: "swap", position: faceDown[0]! };
    const drawn = view.drawn;
    if (drawn && ["A", "2", "K", "JK"].includes(drawn.rank)) {
      const worst = me.cards.findIndex((slot) => slot.card && ["10", "J", "Q", "9", "8"].includes(slot.card.rank));
      if (worst >= 0) return { type: "swap", position: worst };
    }
    return find("discard") ?? find("cancelDraw") ?? legal[0]!;
  }
  if (rng() < 0.5 && find("knock")) return find("knock")!;
  return legal.find((command) => command.type === "draw" && command.source === "deck") ?? legal[0]!;
}

/**
 * The CPU policy's choice for the seat, or a random legal move when the policy's is not legal (then
 * `fallback` is true); null when the seat has no legal move.
 */
export function cpuPolicyMove(view: GameView, traits: CpuTraits, rng: Rng): { command: Command; fallback: boolean } | null {
  const legal = legalCommands(view);
  if (legal.length === 0) return null;
  const command = cpuCommand(view, traits, rng);
  if (command && legal.some((move) => sameCommand(move, command))) return { command, fallback: false };
  return { command: legal[Math.floor(rng() * legal.length)]!, fallback: true };
}

/** Equal commands; initial flips in any order (the policy picks columns at random). */
function sameCommand(a: Command, b: Command): boolean {
  if (a.type === "flipInitial" && b.type === "flipInitial") return [...a.positions].sort().join() === [...b.positions].sort().join();
  return JSON.stringify(a) === JSON.stringify(b);
}
