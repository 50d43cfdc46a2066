// `decide`: turns a command into events, or a typed error that changes nothing. Each command's
// checks are here (whose turn, which phase, which house rules allow it); the events the engine owes
// after it come from owed.ts, and the state after them from evolve.ts.
import { defaultDecks } from "./rules.ts";
import { profilePick } from "./rng.ts";
import { CPU_PROFILES, findProfile } from "./profiles.ts";
import { checkDisplayName, distinctName, type NameCheck } from "./names.ts";
import { LIMITS, SETTING_CHECKS } from "./settings.ts";
import { evolve, faceDownPositions } from "./evolve.ts";
import { applyOwedEvents, dealEvent } from "./owed.ts";
import { engineError, isEngineError, makeEvent, type Actor, type Command, type Decision, type EngineError, type EventData, type GameEvent, type GameState } from "./types.ts";

/**
 * Decides a command: on success the events it produces (the action's own event, then whatever the
 * engine owes after it: a deal, a reshuffle, reveals, the end of a hole or game) and the state after
 * them; on failure a typed error, and nothing changes.
 */
export function decide(state: GameState, actor: Actor, command: Command): Decision {
  if (state.pending.length > 0) {
    return { ok: false, error: engineError("WRONG_PHASE", "SETTLING", "the table is still settling the last move") };
  }
  const primary = commandEvent(state, actor, command);
  if (isEngineError(primary)) return { ok: false, error: primary };
  const owed = applyOwedEvents(evolve(state, primary));
  return { ok: true, events: [primary, ...owed.events], state: owed.state };
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

/** The name rule of version 1 games, kept as they were logged under it (not the current limit). */
const VERSION_1_MAX_NAME_LENGTH = 20;

/** A joining player's name: the display-name rules (names.ts), or for a version 1 game the rule it was logged under. */
function joiningName(state: GameState, raw: string): NameCheck {
  if (state.rng !== 1) return checkDisplayName(raw);
  const trimmed = typeof raw === "string" ? raw.trim() : "";
  // eslint-disable-next-line no-control-regex
  const ok = trimmed.length >= 1 && trimmed.length <= VERSION_1_MAX_NAME_LENGTH && !/[\u0000-\u001f\u007f-\u009f]/.test(trimmed);
  return ok ? { ok: true, name: trimmed } : { ok: false, reason: "a name is 1-20 characters with no control characters" };
}

function isPosition(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 5;
}

function filledSeats(state: GameState): number[] {
  return state.seats.flatMap((seat, index) => (seat.kind === "empty" ? [] : [index]));
}

function requireHost(state: GameState, actor: Actor): EngineError | null {
  if (actor === "system" || actor === state.host) return null;
  return engineError("NOT_HOST", "NOT_HOST", "only the host can do that");
}

function requirePhase(state: GameState, ...phases: GameState["phase"][]): EngineError | null {
  if (phases.includes(state.phase)) return null;
  return engineError("WRONG_PHASE", "WRONG_PHASE", `not allowed while the game is in phase ${state.phase}`);
}

function requireSeat(state: GameState, actor: Actor): EngineError | number {
  if (actor === "system" || !Number.isInteger(actor) || actor < 0 || actor >= state.seats.length || state.seats[actor]!.kind === "empty") {
    return engineError("ILLEGAL_MOVE", "NO_SEAT", "that command needs a seat at the table");
  }
  return actor;
}

/** Checks a turn action: the right phase, the actor's turn, and the turn step it needs. */
function requireTurn(state: GameState, actor: Actor): EngineError | number {
  const phaseError = requirePhase(state, "playing", "finalTurn");
  if (phaseError) return phaseError;
  const seat = requireSeat(state, actor);
  if (typeof seat !== "number") return seat;
  if (state.turn !== seat) return engineError("NOT_YOUR_TURN", "NOT_YOUR_TURN", `it is ${state.seats[state.turn]?.name ?? "nobody"}'s turn`);
  return seat;
}

/**
 * The event a command produces itself, or why it is refused. The events owed after it are not here
 * (see `decide`); `verifyLog` checks each logged move against this.
 */
export function commandEvent(state: GameState, actor: Actor, command: Command): GameEvent | EngineError {
  if (state.tableSize === 0) return engineError("WRONG_PHASE", "NOT_CREATED", "the game has not been created");
  if (state.phase === "gameOver") return engineError("WRONG_PHASE", "GAME_OVER", "the game is over");
  switch (command.type) {
    case "join":
      return actJoin(state, actor, command.name, command.playerId, command.userId);
    case "leave": {
      const phaseError = requirePhase(state, "lobby");
      if (phaseError) return engineError("WRONG_PHASE", "LEAVE_RUNNING", "the game is running: concede instead of leaving");
      const seat = requireSeat(state, actor);
      if (typeof seat !== "number") return seat;
      return makeEvent("seatFreed", seat, {});
    }
    case "addCpu":
      return actAddCpu(state, actor, command.profile);
    case "removeCpu": {
      const error = requireHost(state, actor) ?? requirePhase(state, "lobby");
      if (error) return error;
      const seat = command.seat;
      if (!Number.isInteger(seat) || state.seats[seat]?.kind !== "cpu") return engineError("ILLEGAL_MOVE", "NOT_A_CPU", "that seat has no CPU player");
      return makeEvent("seatFreed", seat, {});
    }
    case "configure":
      return actConfigure(state, actor, command);
    case "setHost": {
      if (actor !== "system") return engineError("NOT_HOST", "SYSTEM_ONLY", "the host role passes only by the room");
      if (state.seats[command.seat]?.kind !== "human") return engineError("ILLEGAL_MOVE", "NOT_A_HUMAN", "the host must be a human seat");
      return makeEvent("hostChanged", command.seat, {});
    }
    case "start": {
      const error = requireHost(state, actor) ?? requirePhase(state, "lobby");
      if (error) return error;
      const order = filledSeats(state);
      if (order.length < LIMITS.minSeats) return engineError("ILLEGAL_MOVE", "TOO_FEW_PLAYERS", `a game needs at least ${LIMITS.minSeats} seats filled`);
      return makeEvent("started", null, { order, decks: state.decksChoice ?? defaultDecks(order.length) });
    }
    case "flipInitial":
      return actFlipInitial(state, actor, command.positions);
    case "draw": {
      const seat = requireTurn(state, actor);
      if (typeof seat !== "number") return seat;
      if (state.drawn) return engineError("ILLEGAL_MOVE", "ALREADY_HOLDING", "you already hold a drawn card");
      if (state.mustFlip) return engineError("ILLEGAL_MOVE", "MUST_FLIP", "flip a face-down card (or skip) to end your turn");
      if (command.source === "deck") return makeEvent("drew", seat, { source: "deck", card: state.deck.at(-1)! });
      if (command.source === "discard") {
        const top = state.discard.at(-1);
        if (!top) return engineError("ILLEGAL_MOVE", "DISCARD_EMPTY", "the discard pile is empty");
        return makeEvent("drew", seat, { source: "discard", card: top });
      }
      return engineError("BAD_MESSAGE", "BAD_SOURCE", 'source must be "deck" or "discard"');
    }
    case "swap": {
      const seat = requireTurn(state, actor);
      if (typeof seat !== "number") return seat;
      if (!state.drawn) return engineError("ILLEGAL_MOVE", "NOT_HOLDING", "draw a card before swapping");
      if (!isPosition(command.position)) return engineError("ILLEGAL_MOVE", "BAD_POSITION", "position must be 0-5");
      const replaced = state.seats[seat]!.cards[command.position]!.card;
      return makeEvent("swapped", seat, { position: command.position, card: state.drawn, replaced });
    }
    case "discard": {
      const seat = requireTurn(state, actor);
      if (typeof seat !== "number") return seat;
      if (!state.drawn) return engineError("ILLEGAL_MOVE", "NOT_HOLDING", "draw a card before discarding");
      if (state.drawnFrom === "discard") return engineError("ILLEGAL_MOVE", "MUST_SWAP_DISCARD", "a card taken from the discard pile must be swapped in (or put back)");
      return makeEvent("discarded", seat, { card: state.drawn });
    }
    case "cancelDraw": {
      const seat = requireTurn(state, actor);
      if (typeof seat !== "number") return seat;
      if (state.drawnFrom !== "discard") return engineError("ILLEGAL_MOVE", "NOTHING_TO_CANCEL", "only a card taken from the discard pile can be put back");
      return makeEvent("cancelledDraw", seat, { card: state.drawn! });
    }
    case "flip":
      return actFlip(state, actor, command.position);
    case "skipFlip": {
      const seat = requireTurn(state, actor);
      if (typeof seat !== "number") return seat;
      if (state.mustFlip !== "optional") {
        return engineError("ILLEGAL_MOVE", state.mustFlip === "required" ? "FLIP_REQUIRED" : "NO_FLIP_TO_SKIP", state.mustFlip === "required" ? "you must flip a face-down card" : "there is no flip to skip");
      }
      return makeEvent("skippedFlip", seat, {});
    }
    case "knock": {
      const seat = requireTurn(state, actor);
      if (typeof seat !== "number") return seat;
      if (!state.rules.knockEarly) return engineError("ILLEGAL_MOVE", "RULE_OFF", "knocking needs the knockEarly house rule");
      if (state.drawn || state.mustFlip) return engineError("ILLEGAL_MOVE", "KNOCK_BEFORE_DRAW", "you may knock only before drawing");
      const positions = faceDownPositions(state.seats[seat]!);
      if (positions.length < 1 || positions.length > 2) return engineError("ILLEGAL_MOVE", "KNOCK_COUNT", "you may knock only with 1 or 2 face-down cards");
      return makeEvent("knocked", seat, { positions, cards: positions.map((p) => state.seats[seat]!.cards[p]!.card) });
    }
    case "nextHole": {
      const error = requireHost(state, actor) ?? requirePhase(state, "holeOver");
      if (error) return error;
      return dealEvent(state, state.hole + 1);
    }
    case "setAway": {
      const seat = requireSeat(state, actor);
      if (typeof seat !== "number") return seat;
      if (typeof command.away !== "boolean") return engineError("BAD_MESSAGE", "BAD_AWAY", "away must be true or false");
      if (state.seats[seat]!.away === command.away) return engineError("ILLEGAL_MOVE", "UNCHANGED", `the seat is already ${command.away ? "away" : "back"}`);
      return makeEvent("awayChanged", seat, { away: command.away });
    }
    case "concede": {
      if (state.phase === "lobby") return engineError("WRONG_PHASE", "CONCEDE_LOBBY", "the game has not started: leave instead");
      const seat = requireSeat(state, actor);
      if (typeof seat !== "number") return seat;
      if (state.seats[seat]!.kind !== "human") return engineError("ILLEGAL_MOVE", "NOT_A_HUMAN", "only a human seat can concede");
      if (state.seats[seat]!.conceded) return engineError("ILLEGAL_MOVE", "ALREADY_CONCEDED", "you have already conceded");
      return makeEvent("conceded", seat, {});
    }
    case "abandon":
      if (actor !== "system") return engineError("NOT_HOST", "SYSTEM_ONLY", "only the room abandons a game");
      return makeEvent("abandoned", null, {});
    default:
      return engineError("BAD_MESSAGE", "UNKNOWN_COMMAND", `unknown command ${(command as { type: unknown }).type}`);
  }
}

function actJoin(state: GameState, actor: Actor, rawName: string, playerId: string | undefined, userId: string | undefined): GameEvent | EngineError {
  if (actor !== "system") return engineError("NOT_HOST", "SYSTEM_ONLY", "seats are taken through the room");
  const phaseError = requirePhase(state, "lobby");
  if (phaseError) return phaseError;
  const checked = joiningName(state, rawName);
  if (!checked.ok) return engineError("BAD_MESSAGE", "BAD_NAME", checked.reason);
  const name = nameAtTable(state, checked.name);
  const free = state.seats.findIndex((seat) => seat.kind === "empty");
  if (free < 0) return engineError("ILLEGAL_MOVE", "TABLE_FULL", "every seat is taken");
  if (playerId !== undefined && (typeof playerId !== "string" || playerId.length < 1 || playerId.length > 64)) {
    return engineError("BAD_MESSAGE", "BAD_PLAYER_ID", "a player id is 1-64 characters");
  }
  if (userId !== undefined && userId !== playerId) return engineError("BAD_MESSAGE", "BAD_PLAYER_ID", "a signed-in player's player id is its user id");
  if (playerId !== undefined && state.seats.some((seat) => seat.playerId === playerId)) {
    return engineError("ILLEGAL_MOVE", "ALREADY_SEATED", "this player already holds a seat at this table");
  }
  // A log from before player ids has none: its replay must produce the same event.
  if (playerId === undefined) return makeEvent("seatTaken", free, { name, kind: "human", profile: "" });
  return makeEvent("seatTaken", free, userId === undefined ? { name, kind: "human", profile: "", playerId } : { name, kind: "human", profile: "", playerId, userId });
}

function actAddCpu(state: GameState, actor: Actor, requested: string | undefined): GameEvent | EngineError {
  const error = requireHost(state, actor) ?? requirePhase(state, "lobby");
  if (error) return error;
  const free = state.seats.findIndex((seat) => seat.kind === "empty");
  if (free < 0) return engineError("ILLEGAL_MOVE", "TABLE_FULL", "every seat is taken");
  const taken = new Set(state.seats.filter((seat) => seat.kind === "cpu").map((seat) => seat.profile));
  let profileName: string;
  if (requested !== undefined) {
    const profile = typeof requested === "string" ? findProfile(requested) : undefined;
    if (!profile) return engineError("BAD_MESSAGE", "UNKNOWN_PROFILE", `no CPU personality named ${String(requested)}`);
    if (taken.has(profile.name)) return engineError("ILLEGAL_MOVE", "PROFILE_TAKEN", `${profile.name} is already at the table`);
    profileName = profile.name;
  } else {
    const available = CPU_PROFILES.filter((profile) => !taken.has(profile.name));
    // A seeded pick, so a replay of the log picks the same personality.
    profileName = available[profilePick(state, state.seq, available.length)]!.name;
  }
  return makeEvent("seatTaken", free, { name: nameAtTable(state, profileName), kind: "cpu", profile: profileName });
}

function actConfigure(state: GameState, actor: Actor, command: Extract<Command, { type: "configure" }>): GameEvent | EngineError {
  const error = requireHost(state, actor) ?? requirePhase(state, "lobby");
  if (error) return error;
  const data: EventData["configured"] = {};
  if (command.rules !== undefined) data.rules = command.rules;
  if (command.holes !== undefined) {
    const problem = SETTING_CHECKS.holes(command.holes);
    if (problem) return engineError("BAD_MESSAGE", "BAD_HOLES", problem);
    data.holes = command.holes;
  }
  if (command.decks !== undefined) {
    const problem = SETTING_CHECKS.decks(command.decks);
    if (problem) return engineError("BAD_MESSAGE", "BAD_DECKS", problem);
    data.decks = command.decks;
  }
  if (command.turnSeconds !== undefined) {
    const problem = SETTING_CHECKS.turnSeconds(command.turnSeconds);
    if (problem) return engineError("BAD_MESSAGE", "BAD_TURN_SECONDS", problem);
    data.turnSeconds = command.turnSeconds;
  }
  return makeEvent("configured", null, data);
}

function actFlipInitial(state: GameState, actor: Actor, positions: unknown): GameEvent | EngineError {
  const phaseError = requirePhase(state, "initialFlip");
  if (phaseError) return phaseError;
  const seat = requireSeat(state, actor);
  if (typeof seat !== "number") return seat;
  const player = state.seats[seat]!;
  if (player.initialFlipDone) return engineError("ILLEGAL_MOVE", "ALREADY_FLIPPED", "you have already made your initial flips");
  if (!Array.isArray(positions) || !positions.every(isPosition)) return engineError("ILLEGAL_MOVE", "BAD_POSITION", "positions must be 0-5");
  const wanted = state.rules.initialFlips;
  if (positions.length !== wanted) return engineError("ILLEGAL_MOVE", "FLIP_COUNT", `flip exactly ${wanted} card${wanted === 1 ? "" : "s"}`);
  if (new Set(positions).size !== positions.length) return engineError("ILLEGAL_MOVE", "DUPLICATE_POSITIONS", "the positions must be distinct");
  const cards = positions.map((position) => player.cards[position]!.card);
  return makeEvent("flippedInitial", seat, { positions: positions.slice(), cards });
}

function actFlip(state: GameState, actor: Actor, position: unknown): GameEvent | EngineError {
  const seat = requireTurn(state, actor);
  if (typeof seat !== "number") return seat;
  if (!state.mustFlip) {
    if (!state.rules.flipAsAction) return engineError("ILLEGAL_MOVE", "NO_FLIP_NOW", "you can flip only after discarding, when the flip mode allows it");
    if (state.drawn) return engineError("ILLEGAL_MOVE", "FLIP_INSTEAD_OF_DRAW", "flipping as your action replaces drawing: swap or discard the card you hold");
  }
  if (!isPosition(position)) return engineError("ILLEGAL_MOVE", "BAD_POSITION", "position must be 0-5");
  const slot = state.seats[seat]!.cards[position]!;
  if (slot.faceUp) return engineError("ILLEGAL_MOVE", "POSITION_FACE_UP", "that card is already face-up");
  return makeEvent("flipped", seat, { position, card: slot.card });
}
