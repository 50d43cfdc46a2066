// `evolve`: applies one event to a state. Events are facts, so evolve trusts them (`decide` and
// `verifyLog` check them); a game's state is `fold(events)`. Turn bookkeeping lives here too: whose
// turn comes next, and which system events (PendingStep) the engine then owes.
import { mergeRules, STANDARD_RULES, type RulesPatch } from "./rules.ts";
import type { GameEvent, GameState, PendingStep, SeatState, Slot } from "./types.ts";

/** A state being built by `evolve`: its own fresh copy, so writable. */
type Draft<T> = { -readonly [K in keyof T]: T[K] };

const EMPTY_SEAT: SeatState = Object.freeze({
  name: "",
  kind: "empty",
  profile: "",
  playerId: "",
  userId: "",
  cards: [],
  initialFlipDone: false,
  total: 0,
  holeScore: 0,
  holesWon: 0,
  away: false,
  conceded: false,
});

/** The state before the `created` event. */
export const EMPTY_STATE: GameState = Object.freeze({
  phase: "lobby",
  seed: 0,
  rng: 1,
  rules: STANDARD_RULES,
  holes: 9,
  decksChoice: null,
  decks: 0,
  turnSeconds: 30,
  tableSize: 0,
  seats: [],
  host: -1,
  hole: 0,
  dealer: -1,
  turn: -1,
  finisher: -1,
  deck: [],
  discard: [],
  drawn: null,
  drawnFrom: "",
  mustFlip: "",
  finalTurnsLeft: 0,
  reshuffles: 0,
  pending: [],
  results: [],
  winners: [],
  abandoned: false,
  seq: 0,
});

/** Applies events in order. */
export function fold(events: readonly GameEvent[], from: GameState = EMPTY_STATE): GameState {
  let state = from;
  for (const e of events) state = evolve(state, e);
  return state;
}

/** The positions of a seat's face-down cards, in order. */
export function faceDownPositions(seat: SeatState): number[] {
  const positions: number[] = [];
  seat.cards.forEach((slot, position) => {
    if (!slot.faceUp) positions.push(position);
  });
  return positions;
}

function withSeat(draft: Draft<GameState>, index: number, patch: Partial<SeatState>): void {
  const seats = draft.seats.slice();
  seats[index] = { ...seats[index]!, ...patch };
  draft.seats = seats;
}

function withSlots(draft: Draft<GameState>, index: number, changes: [number, Slot][]): void {
  const cards = draft.seats[index]!.cards.slice();
  for (const [position, slot] of changes) cards[position] = slot;
  withSeat(draft, index, { cards });
}

/** A shallow copy with a fixed shape: evolve copies the state once per event, and a literal of
 *  known fields is much cheaper than a spread of this many. */
function copyState(state: GameState): Draft<GameState> {
  return {
    phase: state.phase,
    seed: state.seed,
    rng: state.rng,
    rules: state.rules,
    holes: state.holes,
    decksChoice: state.decksChoice,
    decks: state.decks,
    turnSeconds: state.turnSeconds,
    tableSize: state.tableSize,
    seats: state.seats,
    host: state.host,
    hole: state.hole,
    dealer: state.dealer,
    turn: state.turn,
    finisher: state.finisher,
    deck: state.deck,
    discard: state.discard,
    drawn: state.drawn,
    drawnFrom: state.drawnFrom,
    mustFlip: state.mustFlip,
    finalTurnsLeft: state.finalTurnsLeft,
    reshuffles: state.reshuffles,
    pending: state.pending,
    results: state.results,
    winners: state.winners,
    abandoned: state.abandoned,
    seq: state.seq,
  };
}

/** Applies one event. Events are facts: evolve trusts them (decide and verifyLog check them). */
export function evolve(state: GameState, e: GameEvent): GameState {
  const s = copyState(state);
  s.seq += 1;
  if (s.pending.length > 0) s.pending = s.pending.slice(1);
  switch (e.type) {
    case "created": {
      const { tableSize, rules, holes, decks, turnSeconds, seed, rng } = e.data;
      Object.assign(s, { tableSize, rules: mergeRules(rules, {}), holes, decksChoice: decks, turnSeconds, seed, rng: rng ?? 1 });
      s.seats = Array.from({ length: tableSize }, () => EMPTY_SEAT);
      s.pending = [];
      break;
    }
    case "seatTaken":
      withSeat(s, e.seat!, { ...EMPTY_SEAT, name: e.data.name, kind: e.data.kind, profile: e.data.profile, playerId: e.data.playerId ?? "", userId: e.data.userId ?? "" });
      if (s.host < 0 && e.data.kind === "human") s.host = e.seat!;
      break;
    case "seatFreed":
      withSeat(s, e.seat!, EMPTY_SEAT);
      if (s.host === e.seat) s.host = -1;
      break;
    case "hostChanged":
      s.host = e.seat!;
      break;
    case "configured": {
      const { rules, holes, decks, turnSeconds } = e.data;
      if (rules) s.rules = mergeRules(s.rules, rules as RulesPatch);
      if (holes !== undefined) s.holes = holes;
      if (decks !== undefined) s.decksChoice = decks;
      if (turnSeconds !== undefined) s.turnSeconds = turnSeconds;
      break;
    }
    case "started":
      s.seats = e.data.order.map((index) => state.seats[index]!);
      s.host = e.data.order.indexOf(state.host);
      s.decks = e.data.decks;
      s.pending = [{ kind: "deal" }];
      break;
    case "holeStarted": {
      const { hole, dealer, hands, discard, deck } = e.data;
      s.seats = s.seats.map((seat, index) => ({
        ...seat,
        cards: hands[index]!.map((card) => ({ card, faceUp: false })),
        initialFlipDone: false,
        holeScore: 0,
      }));
      Object.assign(s, { hole, dealer, deck, discard: [discard], drawn: null, drawnFrom: "", mustFlip: "", finisher: -1, finalTurnsLeft: 0, reshuffles: 0 });
      if (s.rules.initialFlips > 0) {
        s.phase = "initialFlip";
        s.turn = -1;
      } else {
        s.phase = "playing";
        beginTurn(s, (dealer + 1) % s.seats.length);
      }
      break;
    }
    case "flippedInitial": {
      withSlots(s, e.seat!, e.data.positions.map((position, i) => [position, { card: e.data.cards[i]!, faceUp: true }]));
      withSeat(s, e.seat!, { initialFlipDone: true });
      if (s.seats.every((seat) => seat.initialFlipDone)) {
        s.phase = "playing";
        beginTurn(s, (s.dealer + 1) % s.seats.length);
      }
      break;
    }
    case "drew":
      s.drawn = e.data.card;
      s.drawnFrom = e.data.source;
      if (e.data.source === "deck") s.deck = s.deck.slice(0, -1);
      else s.discard = s.discard.slice(0, -1);
      break;
    case "cancelledDraw":
      s.discard = [...s.discard, e.data.card];
      s.drawn = null;
      s.drawnFrom = "";
      break;
    case "swapped":
      withSlots(s, e.seat!, [[e.data.position, { card: e.data.card, faceUp: true }]]);
      s.discard = [...s.discard, e.data.replaced];
      endTurn(s, e.seat!);
      break;
    case "discarded": {
      s.discard = [...s.discard, e.data.card];
      s.drawn = null;
      s.drawnFrom = "";
      const mustFlip = flipAfterDiscard(s, e.seat!);
      if (mustFlip) s.mustFlip = mustFlip;
      else endTurn(s, e.seat!);
      break;
    }
    case "flipped":
      withSlots(s, e.seat!, [[e.data.position, { card: e.data.card, faceUp: true }]]);
      endTurn(s, e.seat!);
      break;
    case "skippedFlip":
      endTurn(s, e.seat!);
      break;
    case "knocked":
      withSlots(s, e.seat!, e.data.positions.map((position, i) => [position, { card: e.data.cards[i]!, faceUp: true }]));
      endTurn(s, e.seat!);
      break;
    case "reshuffled":
      s.deck = e.data.deck;
      s.discard = s.discard.slice(-1);
      s.reshuffles += 1;
      break;
    case "revealed":
      withSlots(s, e.seat!, e.data.positions.map((position, i) => [position, { card: e.data.cards[i]!, faceUp: true }]));
      break;
    case "holeEnded": {
      const { scores, winners, totals } = e.data;
      s.seats = s.seats.map((seat, index) => ({
        ...seat,
        holeScore: scores[index]!,
        total: totals[index]!,
        holesWon: seat.holesWon + (winners.includes(index) ? 1 : 0),
      }));
      s.results = [...s.results, { hole: e.data.hole, finisher: e.data.finisher, raw: e.data.raw, scores, winners }];
      s.phase = "holeOver";
      s.turn = -1;
      if (s.hole >= s.holes) s.pending = [...s.pending, { kind: "gameEnd" }];
      break;
    }
    case "gameEnded":
      s.phase = "gameOver";
      s.winners = e.data.winners;
      break;
    case "awayChanged":
      withSeat(s, e.seat!, { away: e.data.away });
      break;
    case "conceded":
      withSeat(s, e.seat!, { conceded: true, away: true });
      break;
    case "abandoned":
      s.phase = "gameOver";
      s.abandoned = true;
      s.turn = -1;
      s.pending = [];
      break;
  }
  return s;
}

/** What a discard from the deck asks for next, by flipMode (see the rulebook). */
function flipAfterDiscard(state: GameState, seat: number): GameState["mustFlip"] {
  const hasFaceDown = state.seats[seat]!.cards.some((slot) => !slot.faceUp);
  if (!hasFaceDown) return "";
  if (state.rules.flipMode === "always") return "required";
  if (state.rules.flipMode === "endgame") {
    const someoneNearlyDone = state.seats.some((other) => faceDownPositions(other).length <= 1);
    return someoneNearlyDone ? "optional" : "";
  }
  return "";
}

/** Ends `seat`'s turn: finisher and final turns, reveals, then the next turn or the end of the hole. */
function endTurn(s: Draft<GameState>, seat: number): void {
  s.drawn = null;
  s.drawnFrom = "";
  s.mustFlip = "";
  const seatCount = s.seats.length;
  const owed: PendingStep[] = [];
  const hasFaceDown = s.seats[seat]!.cards.some((slot) => !slot.faceUp);
  if (s.phase === "playing" && !hasFaceDown) {
    s.finisher = seat;
    s.phase = "finalTurn";
    s.finalTurnsLeft = seatCount - 1;
  } else if (s.phase === "finalTurn") {
    if (hasFaceDown) owed.push({ kind: "reveal", seat });
    s.finalTurnsLeft -= 1;
  }
  s.pending = [...s.pending, ...owed];
  if (s.phase === "finalTurn" && s.finalTurnsLeft === 0) {
    s.turn = -1;
    s.pending = [...s.pending, { kind: "holeEnd" }];
  } else {
    beginTurn(s, (seat + 1) % seatCount);
  }
}

/** Gives `seat` the turn. An empty deck is rebuilt from the discards under the top card; with none,
 *  the hole ends at once, every face-down card revealed. */
function beginTurn(s: Draft<GameState>, seat: number): void {
  s.turn = seat;
  if (s.deck.length > 0) return;
  if (s.discard.length > 1) {
    s.pending = [...s.pending, { kind: "reshuffle" }];
    return;
  }
  s.turn = -1;
  const owed: PendingStep[] = [];
  s.seats.forEach((other, index) => {
    if (other.cards.some((slot) => !slot.faceUp)) owed.push({ kind: "reveal", seat: index });
  });
  s.pending = [...s.pending, ...owed, { kind: "holeEnd" }];
}
