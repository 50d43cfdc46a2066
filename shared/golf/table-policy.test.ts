import { describe, expect, it } from "vitest";
import { createdEvent } from "./settings.ts";
import { EMPTY_STATE, evolve } from "./evolve.ts";
import { findProfile } from "./profiles.ts";
import { seededRng, type Rng } from "./rng.ts";
import {
  awayAfterTimeout,
  goesAwayWhenGone,
  returnsFromAway,
  cpuMove,
  cpuMoveDue,
  cpuStillDue,
  cpuToAct,
  cpuTraitsFor,
  deadlineOnReturn,
  humansToAct,
  idleCheckEveryMs,
  idleVerdict,
  isActing,
  isCpuControlled,
  nextHost,
  nextHoleDue,
  quickStartCpus,
  quickStartDue,
  STAND_IN,
  standInMove,
  tableAgenda,
  turnClock,
  turnDeadline,
  type TablePresence,
  type TableSettings,
} from "./table-policy.ts";
import { play, riggedGame, rules } from "./test-support.ts";
import type { GameState, SeatState } from "./types.ts";

const NOW = 1_000_000;
const SETTINGS: TableSettings = { quickPlay: false, cpuDelayMs: 0, holeIntervalMs: 15_000, lobbyIdleMs: 5 * 60_000, abandonAfterMs: 30 * 60_000 };
const TWO = { hands: ["5H 6H 7H 8H 9H 10H", "AS 2S 3S 4S 5S 6S"], discard: "KD", deck: "QC JC 10C 9C 8C 7C" };

function presence(patch: Partial<TablePresence> = {}): TablePresence {
  return { seatsWithClient: new Set<number>(), lastHumanActionAt: NOW, cpuRetryAt: 0, ...patch };
}

/** `state` with some seats changed (kind, away, ...) and other fields set. */
function withSeats(state: GameState, seats: Record<number, Partial<SeatState>>, patch: Partial<GameState> = {}): GameState {
  return { ...state, ...patch, seats: state.seats.map((seat, index) => ({ ...seat, ...seats[index] })) };
}

/** Two humans after the initial flips, seat 0 to play (the dealer is seat 1). */
function playing(turnSeconds = 30): GameState {
  let { state } = riggedGame({ ...TWO, dealer: 1 });
  state = play(state, 0, { type: "flipInitial", positions: [0, 1] }).state;
  state = play(state, 1, { type: "flipInitial", positions: [0, 1] }).state;
  return { ...state, turnSeconds };
}

/** A lobby of `tableSize` seats with the given humans seated. */
function lobby(tableSize: number, humans: string[]): GameState {
  let state = evolve(EMPTY_STATE, createdEvent({ tableSize, rules: rules(), holes: 9, decks: null, turnSeconds: 30, seed: 7 }));
  for (const name of humans) state = play(state, "system", { type: "join", name }).state;
  return state;
}

const noRng = (): Rng => () => {
  throw new Error("no randomness expected");
};

describe("who must act", () => {
  it("in the initial flips, every seat that has not flipped; then only the seat whose turn it is", () => {
    const { state } = riggedGame({ ...TWO, dealer: 1 });
    expect(state.phase).toBe("initialFlip");
    expect([isActing(state, 0), isActing(state, 1)]).toEqual([true, true]);
    expect(humansToAct(state)).toEqual([0, 1]);
    const oneFlipped = play(state, 0, { type: "flipInitial", positions: [0, 1] }).state;
    expect(humansToAct(oneFlipped)).toEqual([1]);
    const game = playing();
    expect(game.phase).toBe("playing");
    expect([isActing(game, 0), isActing(game, 1)]).toEqual([true, false]);
    expect(humansToAct(game)).toEqual([0]);
  });

  it("nobody in the lobby, between holes or after the game", () => {
    for (const phase of ["lobby", "holeOver", "gameOver"] as const) {
      const state = { ...playing(), phase };
      expect(isActing(state, 0)).toBe(false);
      expect(humansToAct(state)).toEqual([]);
      expect(cpuToAct(state)).toBeNull();
    }
  });

  it("a CPU plays a CPU's seat, an away human's and a conceded human's; the turn timer is for the other humans", () => {
    const game = playing();
    expect(isCpuControlled(game, 0)).toBe(false);
    expect(isCpuControlled(withSeats(game, { 0: { kind: "cpu", profile: "Sage" } }), 0)).toBe(true);
    expect(isCpuControlled(withSeats(game, { 0: { away: true } }), 0)).toBe(true);
    expect(isCpuControlled(withSeats(game, { 0: { conceded: true } }), 0)).toBe(true);
    expect(isCpuControlled(game, 5)).toBe(false);
    const away = withSeats(game, { 0: { away: true } });
    expect(humansToAct(away)).toEqual([]);
    expect(cpuToAct(away)).toBe(0);
    expect(cpuToAct(game)).toBeNull();
  });

  it("in the initial flips the first CPU-controlled seat still to flip acts first", () => {
    const { state } = riggedGame({ ...TWO, dealer: 1 });
    const bothCpu = withSeats(state, { 0: { away: true }, 1: { kind: "cpu", profile: "Sage" } });
    expect(cpuToAct(bothCpu)).toBe(0);
    expect(cpuToAct(withSeats(bothCpu, { 0: { initialFlipDone: true } }))).toBe(1);
  });
});

describe("CPU moves", () => {
  it("a CPU plays with its own personality, a human's seat with the stand-in (Marcus)", () => {
    const game = withSeats(playing(), { 0: { kind: "cpu", profile: "Sage" }, 1: { away: true } });
    expect(cpuTraitsFor(game, 0)).toEqual(findProfile("Sage")!.traits);
    expect(cpuTraitsFor(game, 1)).toBe(STAND_IN);
    expect(STAND_IN).toEqual(findProfile("Marcus")!.traits);
  });

  it("is due at once without pacing, after the think time with it (drawn from the seat's noise), never before a retry time", () => {
    const game = withSeats(playing(), { 0: { away: true } });
    const rngs: number[] = [];
    const rngFor = (seat: number) => {
      rngs.push(seat);
      return seededRng(42);
    };
    expect(cpuMoveDue(game, presence(), SETTINGS, NOW, rngFor)).toEqual({ seat: 0, traits: STAND_IN, at: NOW });
    const paced = cpuMoveDue(game, presence(), { ...SETTINGS, cpuDelayMs: 1000 }, NOW, rngFor)!;
    expect(paced.at - NOW).toBeGreaterThanOrEqual(600);
    expect(paced.at - NOW).toBeLessThanOrEqual(1300);
    // The same noise gives the same think time: deterministic.
    expect(cpuMoveDue(game, presence(), { ...SETTINGS, cpuDelayMs: 1000 }, NOW, rngFor)).toEqual(paced);
    expect(rngs).toEqual([0, 0, 0]);
    expect(cpuMoveDue(game, presence({ cpuRetryAt: NOW + 1000 }), SETTINGS, NOW, rngFor)!.at).toBe(NOW + 1000);
    expect(cpuMoveDue(playing(), presence(), SETTINGS, NOW, rngFor)).toBeNull();
  });

  it("a scheduled move is still due only while the seat is CPU-controlled and acting; the CPU policy picks the command", () => {
    const game = withSeats(playing(), { 0: { away: true } });
    expect(cpuStillDue(game, 0)).toBe(true);
    expect(cpuStillDue(game, 1)).toBe(false);
    expect(cpuStillDue(playing(), 0)).toBe(false);
    const command = cpuMove(game, 0, STAND_IN, seededRng(1));
    expect(command?.type).toBe("draw");
  });
});

describe("the turn timer", () => {
  it("runs for the humans to act: one key per turn, one per hole's initial flips", () => {
    const game = playing(30);
    expect(turnClock(game, NOW)).toEqual({ key: "playing:1:0", endsAt: NOW + 30_000, warnAt: NOW + 20_000 });
    const { state } = riggedGame({ ...TWO, dealer: 1 });
    const flips = { ...state, turnSeconds: 30 };
    const key = turnClock(flips, NOW)!.key;
    expect(turnClock(play(flips, 0, { type: "flipInitial", positions: [0, 1] }).state, NOW + 5)!.key).toBe(key);
  });

  it("does not run with turnSeconds 0 or when no human is to act", () => {
    expect(turnClock(playing(0), NOW)).toBeNull();
    expect(turnClock(withSeats(playing(), { 0: { away: true } }), NOW)).toBeNull();
    expect(turnClock({ ...playing(), phase: "holeOver" }, NOW)).toBeNull();
  });

  it("warns 10 s before the deadline (at once when less is left)", () => {
    expect(turnDeadline(NOW, 30_000)).toEqual({ endsAt: NOW + 30_000, warnAt: NOW + 20_000 });
    expect(turnDeadline(NOW, 4_000)).toEqual({ endsAt: NOW + 4_000, warnAt: NOW });
    expect(turnDeadline(NOW, -5)).toEqual({ endsAt: NOW, warnAt: NOW });
  });

  it("gives a player back during their turn 15 s more; nothing when it is not their turn or no timer runs", () => {
    const game = playing();
    expect(deadlineOnReturn(game, 0, NOW + 12_000, NOW)).toEqual({ endsAt: NOW + 27_000, warnAt: NOW + 17_000 });
    expect(deadlineOnReturn(game, 1, NOW + 12_000, NOW)).toBeNull();
    expect(deadlineOnReturn(game, 0, 0, NOW)).toBeNull();
  });
});

describe("a timeout", () => {
  it("the stand-in plays the whole turn, then has nothing more to play", () => {
    let game = playing();
    const rng = seededRng(3);
    const played: string[] = [];
    for (let step = 0; step < 4; step++) {
      const command = standInMove(game, 0, rng);
      if (!command) break;
      played.push(command.type);
      game = play(game, 0, command).state;
    }
    expect(played[0]).toBe("draw");
    expect(played.length).toBeGreaterThanOrEqual(2);
    expect(isActing(game, 0)).toBe(false);
    expect(standInMove(game, 0, rng)).toBeNull();
  });

  it("the stand-in plays a human's initial flips", () => {
    const { state } = riggedGame({ ...TWO, dealer: 1 });
    const command = standInMove(state, 1, seededRng(3));
    expect(command?.type).toBe("flipInitial");
  });

  it("two in a row send the seat away (once)", () => {
    const game = playing();
    expect(awayAfterTimeout(game, 0, 1)).toBe(false);
    expect(awayAfterTimeout(game, 0, 2)).toBe(true);
    expect(awayAfterTimeout(game, 0, 3)).toBe(true);
    expect(awayAfterTimeout(withSeats(game, { 0: { away: true } }), 0, 2)).toBe(false);
  });
});

describe("away and back", () => {
  it("an away seat comes back when its player is connected, unless they conceded", () => {
    const away = withSeats(playing(), { 0: { away: true } });
    expect(returnsFromAway(away, 0, true)).toBe(true);
    expect(returnsFromAway(away, 0, false)).toBe(false);
    expect(returnsFromAway(playing(), 0, true)).toBe(false);
    expect(returnsFromAway(withSeats(playing(), { 0: { away: true, conceded: true } }), 0, true)).toBe(false);
  });

  it("a gone player's seat goes away during a game only, and only once", () => {
    expect(goesAwayWhenGone(playing(), 0)).toBe(true);
    expect(goesAwayWhenGone(withSeats(playing(), { 0: { away: true } }), 0)).toBe(false);
    expect(goesAwayWhenGone({ ...playing(), phase: "lobby" }, 0)).toBe(false);
    expect(goesAwayWhenGone({ ...playing(), phase: "gameOver" }, 0)).toBe(false);
    expect(goesAwayWhenGone(playing(), 9)).toBe(false);
  });
});

describe("the next hole", () => {
  it("starts holeIntervalMs after a hole is over, and only then", () => {
    expect(nextHoleDue({ ...playing(), phase: "holeOver" }, SETTINGS, NOW)).toEqual({ at: NOW + 15_000 });
    expect(nextHoleDue(playing(), SETTINGS, NOW)).toBeNull();
  });
});

describe("quick play", () => {
  const quick = { ...SETTINGS, quickPlay: true };

  it("waits for a second human, starts holeIntervalMs after it, at once when full", () => {
    expect(quickStartDue(lobby(4, ["Ann"]), quick, NOW)).toBeNull();
    expect(quickStartDue(lobby(4, ["Ann", "Bob"]), quick, NOW)).toEqual({ now: false, at: NOW + 15_000 });
    expect(quickStartDue(lobby(2, ["Ann", "Bob"]), quick, NOW)).toEqual({ now: true });
  });

  it("only for a quick-play table, only in its lobby", () => {
    expect(quickStartDue(lobby(2, ["Ann", "Bob"]), SETTINGS, NOW)).toBeNull();
    expect(quickStartDue(playing(), quick, NOW)).toBeNull();
  });

  it("starts with a CPU in each empty seat", () => {
    expect(quickStartCpus(lobby(4, ["Ann", "Bob"]))).toBe(2);
    expect(quickStartCpus(lobby(2, ["Ann", "Bob"]))).toBe(0);
  });
});

describe("idle tables", () => {
  const ago = (ms: number) => NOW - ms;

  it("a lobby with nobody seated closes after lobbyIdleMs without a human action", () => {
    const empty = lobby(4, []);
    expect(idleVerdict(empty, presence({ lastHumanActionAt: ago(5 * 60_000 + 1) }), SETTINGS, NOW)).toBe("closeLobby");
    expect(idleVerdict(empty, presence({ lastHumanActionAt: ago(5 * 60_000) }), SETTINGS, NOW)).toBeNull();
    const seated = presence({ lastHumanActionAt: ago(60 * 60_000), seatsWithClient: new Set([0]) });
    expect(idleVerdict(lobby(4, ["Ann"]), seated, SETTINGS, NOW)).toBeNull();
  });

  it("a running game is abandoned after abandonAfterMs without a human action, connected or not; a finished one never", () => {
    const seated = new Set([0, 1]);
    expect(idleVerdict(playing(), presence({ lastHumanActionAt: ago(30 * 60_000 + 1), seatsWithClient: seated }), SETTINGS, NOW)).toBe("abandon");
    expect(idleVerdict({ ...playing(), phase: "holeOver" }, presence({ lastHumanActionAt: ago(30 * 60_000 + 1) }), SETTINGS, NOW)).toBe("abandon");
    expect(idleVerdict(playing(), presence({ lastHumanActionAt: ago(29 * 60_000) }), SETTINGS, NOW)).toBeNull();
    expect(idleVerdict({ ...playing(), phase: "gameOver" }, presence({ lastHumanActionAt: ago(60 * 60_000) }), SETTINGS, NOW)).toBeNull();
  });

  it("is checked every minute, or every lobbyIdleMs when shorter", () => {
    expect(idleCheckEveryMs(SETTINGS)).toBe(60_000);
    expect(idleCheckEveryMs({ ...SETTINGS, lobbyIdleMs: 2_000 })).toBe(2_000);
  });
});

describe("the host", () => {
  it("passes to the first other human with a client when no client holds the host's seat", () => {
    const table = lobby(4, ["Ann", "Bob", "Cy"]);
    expect(table.host).toBe(0);
    expect(nextHost(table, { seatsWithClient: new Set([0, 1, 2]) })).toBeNull();
    expect(nextHost(table, { seatsWithClient: new Set([2, 1]) })).toBe(1);
    expect(nextHost(table, { seatsWithClient: new Set() })).toBeNull();
  });

  it("never to a CPU", () => {
    const table = withSeats(lobby(4, ["Ann", "Bob"]), { 1: { kind: "cpu", profile: "Sage" } });
    expect(nextHost(table, { seatsWithClient: new Set([1]) })).toBeNull();
  });
});

describe("the agenda", () => {
  it("gathers what is due, in one call", () => {
    const agenda = tableAgenda({ ...playing(), phase: "holeOver" }, presence(), SETTINGS, NOW, noRng);
    expect(agenda).toEqual({ cpuMove: null, turn: null, nextHole: { at: NOW + 15_000 }, quickStart: null, idleCheckEveryMs: 60_000 });
    const turn = tableAgenda(playing(), presence(), SETTINGS, NOW, noRng);
    expect(turn.turn?.key).toBe("playing:1:0");
    expect(turn.cpuMove).toBeNull();
  });
});
