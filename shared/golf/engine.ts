// The rules engine: `decide` turns a command into events (or a typed error, changing nothing) and
// `evolve` applies one event to a state. A game's state is `events.reduce(evolve, EMPTY_STATE)`.
// Pure and deterministic: all randomness derives from the seed in the `created` event.
import { buildShoe, cardName, type Card } from "./cards.ts";
import { isSeedHex, profilePick, shuffleForDeal, shuffleForReshuffle } from "./rng.ts";
import { defaultDecks, jokersInShoe, mergeRules, scoreHole, scoringFor, STANDARD_RULES, type RulesPatch } from "./rules.ts";
import { CPU_PROFILES, findProfile } from "./profiles.ts";
import { checkDisplayName, distinctName, type NameCheck } from "./names.ts";
import type {
  Actor,
  Command,
  Decision,
  EngineError,
  ErrorCode,
  EventData,
  EventOf,
  EventType,
  GameEvent,
  GameSettings,
  GameState,
  PendingStep,
  SeatState,
  Slot,
} from "./types.ts";

type Draft<T> = { -readonly [K in keyof T]: T[K] };

export const LIMITS = {
  minSeats: 2,
  maxSeats: 6,
  minHoles: 1,
  maxHoles: 18,
  minDecks: 1,
  maxDecks: 3,
  maxTurnSeconds: 600,
  maxNameLength: 20,
} as const;

const EMPTY_SEAT: SeatState = Object.freeze({
  name: "",
  kind: "empty",
  profile: "",
  playerId: "",
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

// ---------------------------------------------------------------------------------------------
// Small helpers

function fail(code: ErrorCode, reason: string, message: string): EngineError {
  return { code, reason, message };
}

function isError(value: GameEvent | EngineError): value is EngineError {
  return "code" in value;
}

function event<T extends EventType>(type: T, seat: number | null, data: EventData[T]): GameEvent {
  return { type, seat, data } as GameEvent;
}

/** A display name as shown at the table, or null (the rules are in names.ts). */
export function checkName(name: unknown): string | null {
  const checked = checkDisplayName(name);
  return checked.ok ? checked.name : null;
}

/**
 * Nobody at a table goes by another's name, CPUs included: a repeated name gets a suffix ("Ann (2)").
 * Games logged before these name rules (shuffle generator version 1, the release before them) keep
 * their names as logged, so their logs still replay and verify.
 */
function nameAtTable(state: GameState, name: string): string {
  if (state.rng === 1) return name;
  return distinctName(name, state.seats.flatMap((seat) => (seat.kind === "empty" ? [] : [seat.name])));
}

/** A joining player's name: the display-name rules (names.ts), or for a version 1 game the rule it was logged under. */
function joiningName(state: GameState, raw: string): NameCheck {
  if (state.rng !== 1) return checkDisplayName(raw);
  const trimmed = typeof raw === "string" ? raw.trim() : "";
  // eslint-disable-next-line no-control-regex
  const ok = trimmed.length >= 1 && trimmed.length <= LIMITS.maxNameLength && !/[\u0000-\u001f\u007f-\u009f]/.test(trimmed);
  return ok ? { ok: true, name: trimmed } : { ok: false, reason: "a name is 1-20 characters with no control characters" };
}

export function faceDownPositions(seat: SeatState): number[] {
  const positions: number[] = [];
  seat.cards.forEach((slot, position) => {
    if (!slot.faceUp) positions.push(position);
  });
  return positions;
}

function isPosition(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 5;
}

function filledSeats(state: GameState): number[] {
  return state.seats.flatMap((seat, index) => (seat.kind === "empty" ? [] : [index]));
}


// ---------------------------------------------------------------------------------------------
// Creating a game

/** Checks the settings of a new game; returns an error message or null. */
export function checkSettings(settings: GameSettings): string | null {
  const { tableSize, holes, decks, turnSeconds, seed, rng } = settings;
  if (!Number.isInteger(tableSize) || tableSize < LIMITS.minSeats || tableSize > LIMITS.maxSeats) return "seats must be 2-6";
  if (!Number.isInteger(holes) || holes < LIMITS.minHoles || holes > LIMITS.maxHoles) return "holes must be 1-18";
  if (decks !== null && (!Number.isInteger(decks) || decks < LIMITS.minDecks || decks > LIMITS.maxDecks)) return "decks must be 1-3";
  if (!Number.isInteger(turnSeconds) || turnSeconds < 0 || turnSeconds > LIMITS.maxTurnSeconds) return "turnSeconds must be 0-600";
  // No `rng` field is version 1 (games from before version 2): only a number seed fits it.
  if (rng === undefined) {
    if (typeof seed !== "number" || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) return "seed must be a 32-bit unsigned integer";
  } else if (rng === 2) {
    if (!isSeedHex(seed)) return "seed must be 64 lowercase hex digits (256 bits) with rng 2";
  } else {
    return "rng must be 2 (or absent, for version 1)";
  }
  return null;
}

/** The first event of every game. Throws on settings a caller should have validated. */
export function createdEvent(settings: GameSettings): GameEvent {
  const problem = checkSettings(settings);
  if (problem) throw new Error(`bad game settings: ${problem}`);
  // Version 1 events have no `rng` field at all, as they were written.
  const { rng, ...rest } = settings;
  return event("created", null, { ...rest, rules: mergeRules(settings.rules, {}), ...(rng === undefined ? {} : { rng }) });
}

// ---------------------------------------------------------------------------------------------
// decide

/**
 * Decides a command: on success the events it produces (the action's own event, then whatever the
 * engine owes after it: a deal, a reshuffle, reveals, the end of a hole or game) and the state after
 * them; on failure a typed error, and nothing changes.
 */
export function decide(state: GameState, actor: Actor, command: Command): Decision {
  if (state.pending.length > 0) {
    return { ok: false, error: fail("WRONG_PHASE", "SETTLING", "the table is still settling the last move") };
  }
  const primary = act(state, actor, command);
  if (isError(primary)) return { ok: false, error: primary };
  const settled = settleOwed(evolve(state, primary));
  return { ok: true, events: [primary, ...settled.events], state: settled.state };
}

/** Produces and applies the system events the engine owes (deal, reshuffle, reveals, scores). */
export function settleOwed(state: GameState): { events: GameEvent[]; state: GameState } {
  const events: GameEvent[] = [];
  let next = state;
  while (next.pending.length > 0) {
    const owed = settle(next);
    events.push(owed);
    next = evolve(next, owed);
  }
  return { events, state: next };
}

/** Applies events in order. */
export function fold(events: readonly GameEvent[], from: GameState = EMPTY_STATE): GameState {
  let state = from;
  for (const e of events) state = evolve(state, e);
  return state;
}

function requireHost(state: GameState, actor: Actor): EngineError | null {
  if (actor === "system" || actor === state.host) return null;
  return fail("NOT_HOST", "NOT_HOST", "only the host can do that");
}

function requirePhase(state: GameState, ...phases: GameState["phase"][]): EngineError | null {
  if (phases.includes(state.phase)) return null;
  return fail("WRONG_PHASE", "WRONG_PHASE", `not allowed while the game is in phase ${state.phase}`);
}

function requireSeat(state: GameState, actor: Actor): EngineError | number {
  if (actor === "system" || !Number.isInteger(actor) || actor < 0 || actor >= state.seats.length || state.seats[actor]!.kind === "empty") {
    return fail("ILLEGAL_MOVE", "NO_SEAT", "that command needs a seat at the table");
  }
  return actor;
}

/** Checks a turn action: the right phase, the actor's turn, and the turn step it needs. */
function requireTurn(state: GameState, actor: Actor): EngineError | number {
  const phaseError = requirePhase(state, "playing", "finalTurn");
  if (phaseError) return phaseError;
  const seat = requireSeat(state, actor);
  if (typeof seat !== "number") return seat;
  if (state.turn !== seat) return fail("NOT_YOUR_TURN", "NOT_YOUR_TURN", `it is ${state.seats[state.turn]?.name ?? "nobody"}'s turn`);
  return seat;
}

function act(state: GameState, actor: Actor, command: Command): GameEvent | EngineError {
  if (state.tableSize === 0) return fail("WRONG_PHASE", "NOT_CREATED", "the game has not been created");
  if (state.phase === "gameOver") return fail("WRONG_PHASE", "GAME_OVER", "the game is over");
  switch (command.type) {
    case "join":
      return actJoin(state, actor, command.name, command.playerId);
    case "leave": {
      const phaseError = requirePhase(state, "lobby");
      if (phaseError) return fail("WRONG_PHASE", "LEAVE_RUNNING", "the game is running: concede instead of leaving");
      const seat = requireSeat(state, actor);
      if (typeof seat !== "number") return seat;
      return event("seatFreed", seat, {});
    }
    case "addCpu":
      return actAddCpu(state, actor, command.profile);
    case "removeCpu": {
      const error = requireHost(state, actor) ?? requirePhase(state, "lobby");
      if (error) return error;
      const seat = command.seat;
      if (!Number.isInteger(seat) || state.seats[seat]?.kind !== "cpu") return fail("ILLEGAL_MOVE", "NOT_A_CPU", "that seat has no CPU player");
      return event("seatFreed", seat, {});
    }
    case "configure":
      return actConfigure(state, actor, command);
    case "setHost": {
      if (actor !== "system") return fail("NOT_HOST", "SYSTEM_ONLY", "the host role passes only by the room");
      if (state.seats[command.seat]?.kind !== "human") return fail("ILLEGAL_MOVE", "NOT_A_HUMAN", "the host must be a human seat");
      return event("hostChanged", command.seat, {});
    }
    case "start": {
      const error = requireHost(state, actor) ?? requirePhase(state, "lobby");
      if (error) return error;
      const order = filledSeats(state);
      if (order.length < LIMITS.minSeats) return fail("ILLEGAL_MOVE", "TOO_FEW_PLAYERS", "a game needs at least 2 seats filled");
      return event("started", null, { order, decks: state.decksChoice ?? defaultDecks(order.length) });
    }
    case "flipInitial":
      return actFlipInitial(state, actor, command.positions);
    case "draw": {
      const seat = requireTurn(state, actor);
      if (typeof seat !== "number") return seat;
      if (state.drawn) return fail("ILLEGAL_MOVE", "ALREADY_HOLDING", "you already hold a drawn card");
      if (state.mustFlip) return fail("ILLEGAL_MOVE", "MUST_FLIP", "flip a face-down card (or skip) to end your turn");
      if (command.source === "deck") return event("drew", seat, { source: "deck", card: state.deck.at(-1)! });
      if (command.source === "discard") {
        const top = state.discard.at(-1);
        if (!top) return fail("ILLEGAL_MOVE", "DISCARD_EMPTY", "the discard pile is empty");
        return event("drew", seat, { source: "discard", card: top });
      }
      return fail("BAD_MESSAGE", "BAD_SOURCE", 'source must be "deck" or "discard"');
    }
    case "swap": {
      const seat = requireTurn(state, actor);
      if (typeof seat !== "number") return seat;
      if (!state.drawn) return fail("ILLEGAL_MOVE", "NOT_HOLDING", "draw a card before swapping");
      if (!isPosition(command.position)) return fail("ILLEGAL_MOVE", "BAD_POSITION", "position must be 0-5");
      const replaced = state.seats[seat]!.cards[command.position]!.card;
      return event("swapped", seat, { position: command.position, card: state.drawn, replaced });
    }
    case "discard": {
      const seat = requireTurn(state, actor);
      if (typeof seat !== "number") return seat;
      if (!state.drawn) return fail("ILLEGAL_MOVE", "NOT_HOLDING", "draw a card before discarding");
      if (state.drawnFrom === "discard") return fail("ILLEGAL_MOVE", "MUST_SWAP_DISCARD", "a card taken from the discard pile must be swapped in (or put back)");
      return event("discarded", seat, { card: state.drawn });
    }
    case "cancelDraw": {
      const seat = requireTurn(state, actor);
      if (typeof seat !== "number") return seat;
      if (state.drawnFrom !== "discard") return fail("ILLEGAL_MOVE", "NOTHING_TO_CANCEL", "only a card taken from the discard pile can be put back");
      return event("cancelledDraw", seat, { card: state.drawn! });
    }
    case "flip":
      return actFlip(state, actor, command.position);
    case "skipFlip": {
      const seat = requireTurn(state, actor);
      if (typeof seat !== "number") return seat;
      if (state.mustFlip !== "optional") {
        return fail("ILLEGAL_MOVE", state.mustFlip === "required" ? "FLIP_REQUIRED" : "NO_FLIP_TO_SKIP", state.mustFlip === "required" ? "you must flip a face-down card" : "there is no flip to skip");
      }
      return event("skippedFlip", seat, {});
    }
    case "knock": {
      const seat = requireTurn(state, actor);
      if (typeof seat !== "number") return seat;
      if (!state.rules.knockEarly) return fail("ILLEGAL_MOVE", "RULE_OFF", "knocking needs the knockEarly house rule");
      if (state.drawn || state.mustFlip) return fail("ILLEGAL_MOVE", "KNOCK_BEFORE_DRAW", "you may knock only before drawing");
      const positions = faceDownPositions(state.seats[seat]!);
      if (positions.length < 1 || positions.length > 2) return fail("ILLEGAL_MOVE", "KNOCK_COUNT", "you may knock only with 1 or 2 face-down cards");
      return event("knocked", seat, { positions, cards: positions.map((p) => state.seats[seat]!.cards[p]!.card) });
    }
    case "nextHole": {
      const error = requireHost(state, actor) ?? requirePhase(state, "holeOver");
      if (error) return error;
      return dealEvent(state, state.hole + 1);
    }
    case "setAway": {
      const seat = requireSeat(state, actor);
      if (typeof seat !== "number") return seat;
      if (typeof command.away !== "boolean") return fail("BAD_MESSAGE", "BAD_AWAY", "away must be true or false");
      if (state.seats[seat]!.away === command.away) return fail("ILLEGAL_MOVE", "UNCHANGED", `the seat is already ${command.away ? "away" : "back"}`);
      return event("awayChanged", seat, { away: command.away });
    }
    case "concede": {
      if (state.phase === "lobby") return fail("WRONG_PHASE", "CONCEDE_LOBBY", "the game has not started: leave instead");
      const seat = requireSeat(state, actor);
      if (typeof seat !== "number") return seat;
      if (state.seats[seat]!.kind !== "human") return fail("ILLEGAL_MOVE", "NOT_A_HUMAN", "only a human seat can concede");
      if (state.seats[seat]!.conceded) return fail("ILLEGAL_MOVE", "ALREADY_CONCEDED", "you have already conceded");
      return event("conceded", seat, {});
    }
    case "abandon":
      if (actor !== "system") return fail("NOT_HOST", "SYSTEM_ONLY", "only the room abandons a game");
      return event("abandoned", null, {});
    default:
      return fail("BAD_MESSAGE", "UNKNOWN_COMMAND", `unknown command ${(command as { type: unknown }).type}`);
  }
}

function actJoin(state: GameState, actor: Actor, rawName: string, playerId: string | undefined): GameEvent | EngineError {
  if (actor !== "system") return fail("NOT_HOST", "SYSTEM_ONLY", "seats are taken through the room");
  const phaseError = requirePhase(state, "lobby");
  if (phaseError) return phaseError;
  const checked = joiningName(state, rawName);
  if (!checked.ok) return fail("BAD_MESSAGE", "BAD_NAME", checked.reason);
  const name = nameAtTable(state, checked.name);
  const free = state.seats.findIndex((seat) => seat.kind === "empty");
  if (free < 0) return fail("ILLEGAL_MOVE", "TABLE_FULL", "every seat is taken");
  if (playerId !== undefined && (typeof playerId !== "string" || playerId.length < 1 || playerId.length > 64)) {
    return fail("BAD_MESSAGE", "BAD_PLAYER_ID", "a player id is 1-64 characters");
  }
  // A log from before player ids has none: its replay must produce the same event.
  return event("seatTaken", free, playerId === undefined ? { name, kind: "human", profile: "" } : { name, kind: "human", profile: "", playerId });
}

function actAddCpu(state: GameState, actor: Actor, requested: string | undefined): GameEvent | EngineError {
  const error = requireHost(state, actor) ?? requirePhase(state, "lobby");
  if (error) return error;
  const free = state.seats.findIndex((seat) => seat.kind === "empty");
  if (free < 0) return fail("ILLEGAL_MOVE", "TABLE_FULL", "every seat is taken");
  const taken = new Set(state.seats.filter((seat) => seat.kind === "cpu").map((seat) => seat.profile));
  let profileName: string;
  if (requested !== undefined) {
    const profile = typeof requested === "string" ? findProfile(requested) : undefined;
    if (!profile) return fail("BAD_MESSAGE", "UNKNOWN_PROFILE", `no CPU personality named ${String(requested)}`);
    if (taken.has(profile.name)) return fail("ILLEGAL_MOVE", "PROFILE_TAKEN", `${profile.name} is already at the table`);
    profileName = profile.name;
  } else {
    const available = CPU_PROFILES.filter((profile) => !taken.has(profile.name));
    // A seeded pick, so a replay of the log picks the same personality.
    profileName = available[profilePick(state, state.seq, available.length)]!.name;
  }
  return event("seatTaken", free, { name: nameAtTable(state, profileName), kind: "cpu", profile: profileName });
}

function actConfigure(state: GameState, actor: Actor, command: Extract<Command, { type: "configure" }>): GameEvent | EngineError {
  const error = requireHost(state, actor) ?? requirePhase(state, "lobby");
  if (error) return error;
  const data: EventData["configured"] = {};
  if (command.rules !== undefined) data.rules = command.rules;
  if (command.holes !== undefined) {
    if (!Number.isInteger(command.holes) || command.holes < LIMITS.minHoles || command.holes > LIMITS.maxHoles) {
      return fail("BAD_MESSAGE", "BAD_HOLES", "holes must be 1-18");
    }
    data.holes = command.holes;
  }
  if (command.decks !== undefined) {
    if (command.decks !== null && (!Number.isInteger(command.decks) || command.decks < LIMITS.minDecks || command.decks > LIMITS.maxDecks)) {
      return fail("BAD_MESSAGE", "BAD_DECKS", "decks must be 1-3");
    }
    data.decks = command.decks;
  }
  if (command.turnSeconds !== undefined) {
    if (!Number.isInteger(command.turnSeconds) || command.turnSeconds < 0 || command.turnSeconds > LIMITS.maxTurnSeconds) {
      return fail("BAD_MESSAGE", "BAD_TURN_SECONDS", "turnSeconds must be 0-600");
    }
    data.turnSeconds = command.turnSeconds;
  }
  return event("configured", null, data);
}

function actFlipInitial(state: GameState, actor: Actor, positions: unknown): GameEvent | EngineError {
  const phaseError = requirePhase(state, "initialFlip");
  if (phaseError) return phaseError;
  const seat = requireSeat(state, actor);
  if (typeof seat !== "number") return seat;
  const player = state.seats[seat]!;
  if (player.initialFlipDone) return fail("ILLEGAL_MOVE", "ALREADY_FLIPPED", "you have already made your initial flips");
  if (!Array.isArray(positions) || !positions.every(isPosition)) return fail("ILLEGAL_MOVE", "BAD_POSITION", "positions must be 0-5");
  const wanted = state.rules.initialFlips;
  if (positions.length !== wanted) return fail("ILLEGAL_MOVE", "FLIP_COUNT", `flip exactly ${wanted} card${wanted === 1 ? "" : "s"}`);
  if (new Set(positions).size !== positions.length) return fail("ILLEGAL_MOVE", "DUPLICATE_POSITIONS", "the positions must be distinct");
  const cards = positions.map((position) => player.cards[position]!.card);
  return event("flippedInitial", seat, { positions: positions.slice(), cards });
}

function actFlip(state: GameState, actor: Actor, position: unknown): GameEvent | EngineError {
  const seat = requireTurn(state, actor);
  if (typeof seat !== "number") return seat;
  if (!state.mustFlip) {
    if (!state.rules.flipAsAction) return fail("ILLEGAL_MOVE", "NO_FLIP_NOW", "you can flip only after discarding, when the flip mode allows it");
    if (state.drawn) return fail("ILLEGAL_MOVE", "FLIP_INSTEAD_OF_DRAW", "flipping as your action replaces drawing: swap or discard the card you hold");
  }
  if (!isPosition(position)) return fail("ILLEGAL_MOVE", "BAD_POSITION", "position must be 0-5");
  const slot = state.seats[seat]!.cards[position]!;
  if (slot.faceUp) return fail("ILLEGAL_MOVE", "POSITION_FACE_UP", "that card is already face-up");
  return event("flipped", seat, { position, card: slot.card });
}

/** The deal of a hole, shuffled from the game's seed and the hole number. */
function dealEvent(state: GameState, hole: number): GameEvent {
  const seatCount = state.seats.length;
  const shoe = shuffleForDeal(state, hole, buildShoe(state.decks, jokersInShoe(state.rules, state.decks)));
  const hands: Card[][] = Array.from({ length: seatCount }, () => []);
  for (let round = 0; round < 6; round++) {
    for (let seat = 0; seat < seatCount; seat++) hands[seat]!.push(shoe.pop()!);
  }
  const discard = shoe.pop()!;
  return event("holeStarted", null, { hole, dealer: (hole - 1) % seatCount, hands, discard, deck: shoe });
}

/** The system event the engine owes next (see PendingStep). */
function settle(state: GameState): GameEvent {
  const step = state.pending[0]!;
  switch (step.kind) {
    case "deal":
      return dealEvent(state, state.hole + 1);
    case "reshuffle": {
      const underTop = state.discard.slice(0, -1);
      return event("reshuffled", null, { deck: shuffleForReshuffle(state, state.hole, state.reshuffles + 1, underTop) });
    }
    case "reveal": {
      const seat = state.seats[step.seat]!;
      const positions = faceDownPositions(seat);
      return event("revealed", step.seat, { positions, cards: positions.map((p) => seat.cards[p]!.card) });
    }
    case "holeEnd": {
      const scoring = scoringFor(state.rules);
      const raw = state.seats.map((seat) => scoring.hand(seat.cards.map((slot) => slot.card)));
      const result = scoreHole(state.rules, raw, state.finisher);
      const totals = state.seats.map((seat, index) => seat.total + result.scores[index]!);
      return event("holeEnded", null, { hole: state.hole, finisher: state.finisher, ...result, totals });
    }
    case "gameEnd": {
      const totals = state.seats.map((seat) => seat.total);
      const lowest = Math.min(...totals);
      return event("gameEnded", null, { totals, winners: totals.flatMap((total, seat) => (total === lowest ? [seat] : [])) });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// evolve

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

/** A shallow copy with a fixed shape (much cheaper than a spread of this many fields). */
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
      withSeat(s, e.seat!, { ...EMPTY_SEAT, name: e.data.name, kind: e.data.kind, profile: e.data.profile, playerId: e.data.playerId ?? "" });
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

// ---------------------------------------------------------------------------------------------
// Checking a log (imports, recovery): every event must be exactly what the engine would produce.

/** The command that produced an event, for replaying a log through `decide`. Null for system events. */
export function commandOf(state: GameState, e: GameEvent): { actor: Actor; command: Command } | null {
  const seat = e.seat ?? -1;
  switch (e.type) {
    case "seatTaken":
      return e.data.kind === "human" ? { actor: "system", command: { type: "join", name: e.data.name, playerId: e.data.playerId } } : { actor: "system", command: { type: "addCpu", profile: e.data.profile } };
    case "seatFreed":
      return state.seats[seat]?.kind === "cpu" ? { actor: "system", command: { type: "removeCpu", seat } } : { actor: seat, command: { type: "leave" } };
    case "hostChanged":
      return { actor: "system", command: { type: "setHost", seat } };
    case "configured":
      return { actor: "system", command: { type: "configure", ...e.data } };
    case "started":
      return { actor: "system", command: { type: "start" } };
    case "holeStarted":
      return { actor: "system", command: { type: "nextHole" } };
    case "flippedInitial":
      return { actor: seat, command: { type: "flipInitial", positions: e.data.positions } };
    case "drew":
      return { actor: seat, command: { type: "draw", source: e.data.source } };
    case "cancelledDraw":
      return { actor: seat, command: { type: "cancelDraw" } };
    case "swapped":
      return { actor: seat, command: { type: "swap", position: e.data.position } };
    case "discarded":
      return { actor: seat, command: { type: "discard" } };
    case "flipped":
      return { actor: seat, command: { type: "flip", position: e.data.position } };
    case "skippedFlip":
      return { actor: seat, command: { type: "skipFlip" } };
    case "knocked":
      return { actor: seat, command: { type: "knock" } };
    case "awayChanged":
      return { actor: seat, command: { type: "setAway", away: e.data.away } };
    case "conceded":
      return { actor: seat, command: { type: "concede" } };
    case "abandoned":
      return { actor: "system", command: { type: "abandon" } };
    default:
      return null;
  }
}

export class LogError extends Error {
  constructor(
    readonly index: number,
    readonly reason: string,
  ) {
    super(`event ${index + 1}: ${reason}`);
    this.name = "LogError";
  }
}

/** Deep equality for plain JSON-like values (events are plain data). */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a).filter((key) => (a as Record<string, unknown>)[key] !== undefined);
  const bKeys = Object.keys(b).filter((key) => (b as Record<string, unknown>)[key] !== undefined);
  if (aKeys.length !== bKeys.length) return false;
  return aKeys.every((key) => sameData((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/**
 * Replays a whole log through the engine and returns the final state, or throws a LogError naming
 * the first event that is not exactly what the engine would have produced at that point.
 */
export function verifyLog(events: readonly GameEvent[]): GameState {
  const first = events[0];
  if (!first || first.type !== "created") throw new LogError(0, "a game log starts with a created event");
  const problem = checkSettings(first.data);
  if (problem) throw new LogError(0, problem);
  let state = evolve(EMPTY_STATE, createdEvent(first.data));
  for (let index = 1; index < events.length; index++) {
    const e = events[index]!;
    let expected: GameEvent | EngineError;
    if (state.pending.length > 0) {
      expected = settle(state);
    } else {
      const origin = commandOf(state, e);
      if (!origin) throw new LogError(index, `${e.type} is not expected here`);
      expected = act(state, origin.actor, origin.command);
      if (isError(expected)) throw new LogError(index, `${e.type} is illegal here: ${expected.message}`);
    }
    if (!sameData(expected, e)) throw new LogError(index, `${e.type} does not match what the engine produces (expected ${expected.type})`);
    state = evolve(state, e);
  }
  return state;
}

export { cardName };
export type { EventOf };
