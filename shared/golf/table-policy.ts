// Table policy: the rules of running a table that are not moves of the game. Who must act, when a
// CPU plays (its own seat, or a human's that is away), the turn timer and its warning, what a
// timeout does, when the next hole starts, when a quick-play table starts, when an idle table
// closes, who becomes host. Pure: given the game, who is present, the table's settings and the
// time, it says what is due and when; the room schedules it and applies the commands.
// The documented behaviour is in docs/server.md ("Turn timer", "Quick play").
import { cpuCommand } from "./cpu/index.ts";
import { cpuThinkMs } from "./pacing.ts";
import { findProfile, type CpuTraits } from "./profiles.ts";
import type { Rng } from "./rng.ts";
import type { Command, GameState } from "./types.ts";
import { view } from "./view.ts";

/** The personality whose traits play a human's seat when its turn times out or it is away. */
export const STAND_IN_PROFILE = "Marcus";
export const STAND_IN: CpuTraits = findProfile(STAND_IN_PROFILE)!.traits;
/** `timerWarning` goes out this long before a turn's deadline. */
export const TIMER_WARNING_MS = 10_000;
/** A player who comes back during their turn gets this much more time. */
export const RECONNECT_BONUS_MS = 15_000;
/** This many timeouts in a row and the seat is marked away. */
export const TIMEOUTS_BEFORE_AWAY = 2;
/** At most this many stand-in commands per timed-out seat: a whole turn (draw, swap or discard, flip). */
export const STAND_IN_STEPS = 4;
/** Idle tables are checked this often at most (more often when lobbyIdleMs is shorter). */
export const IDLE_CHECK_MAX_MS = 60_000;

/** How a table is run: from its creation options and its node's settings. */
export interface TableSettings {
  /** A quick-play table starts by itself (see quickStartDue). */
  quickPlay: boolean;
  /** The base of a CPU's think time (cpuThinkMs); undefined: human-like. */
  cpuDelayMs: number | undefined;
  /** The pause before the next hole, and a quick-play table's wait after its second human. */
  holeIntervalMs: number;
  /** A lobby with nobody seated closes after this long without a human action. */
  lobbyIdleMs: number;
  /** A running game is abandoned after this long without a human action. */
  abandonAfterMs: number;
}

/** Who is at the table, beyond the game state. */
export interface TablePresence {
  /** The seats a client holds (connected, or within its reconnection window). */
  seatsWithClient: { has(seat: number): boolean; readonly size: number };
  /** When a human last joined, came back or made a move. */
  lastHumanActionAt: number;
  /** After a refused or failed CPU move, no CPU move is tried before this time. */
  cpuRetryAt: number;
}

/** A CPU move that is due: `seat` plays with `traits` at `at`. */
export interface CpuMoveDue {
  seat: number;
  traits: CpuTraits;
  at: number;
}

/** A turn deadline: `timerWarning` at `warnAt`, the timeout at `endsAt`. */
export interface TurnDeadline {
  endsAt: number;
  warnAt: number;
}

/**
 * The turn timer that should be running. `key` names the turn it times (one per turn, one per
 * hole's initial flips): a timer already running under the same key keeps its deadline.
 */
export interface TurnClock extends TurnDeadline {
  key: string;
}

/** A quick-play start: now (the table is full) or at a time (the wait after the second human). */
export type QuickStartDue = { now: true } | { now: false; at: number };

/** Everything timed that is due at a table, as of `now`. */
export interface TableAgenda {
  cpuMove: CpuMoveDue | null;
  turn: TurnClock | null;
  /** The next hole starts at `at` (the system's `nextHole`). */
  nextHole: { at: number } | null;
  quickStart: QuickStartDue | null;
  /** How often to check whether the table is idle (idleVerdict). */
  idleCheckEveryMs: number;
}

/** A CPU plays this seat: a CPU's own, or a human's who is away or conceded. */
export function isCpuControlled(game: GameState, seat: number): boolean {
  const player = game.seats[seat];
  return !!player && (player.kind === "cpu" || player.away || player.conceded);
}

/** The seat has something to do now: its initial flips, or its turn. */
export function isActing(game: GameState, seat: number): boolean {
  if (game.phase === "initialFlip") return !game.seats[seat]?.initialFlipDone;
  return (game.phase === "playing" || game.phase === "finalTurn") && game.turn === seat;
}

/** The humans, playing for themselves, who have something to do now: the turn timer runs for them. */
export function humansToAct(game: GameState): number[] {
  return game.seats.flatMap((seat, index) => (seat.kind === "human" && !isCpuControlled(game, index) && isActing(game, index) ? [index] : []));
}

/** The CPU-controlled seat that acts next (the first still to flip, or the one whose turn it is), or null. */
export function cpuToAct(game: GameState): number | null {
  if (game.phase === "initialFlip") {
    const waiting = game.seats.findIndex((seat, index) => !seat.initialFlipDone && isCpuControlled(game, index));
    return waiting >= 0 ? waiting : null;
  }
  if ((game.phase === "playing" || game.phase === "finalTurn") && isCpuControlled(game, game.turn)) return game.turn;
  return null;
}

/** The traits a CPU-controlled seat plays with: a CPU's own personality, or the stand-in's. */
export function cpuTraitsFor(game: GameState, seat: number): CpuTraits {
  const player = game.seats[seat];
  return player?.kind === "cpu" ? findProfile(player.profile)!.traits : STAND_IN;
}

/**
 * The CPU move that is due, if any. Its think time draws on the seat's noise (`rng`, the room's
 * `cpuNoise` stream for that seat); after a failed CPU move it waits until `cpuRetryAt`.
 */
export function cpuMoveDue(game: GameState, presence: TablePresence, settings: TableSettings, now: number, rngFor: (seat: number) => Rng): CpuMoveDue | null {
  const seat = cpuToAct(game);
  if (seat === null) return null;
  const traits = cpuTraitsFor(game, seat);
  const delay = Math.max(cpuThinkMs(traits, rngFor(seat), settings.cpuDelayMs), presence.cpuRetryAt - now);
  return { seat, traits, at: now + delay };
}

/** Whether a CPU move scheduled for `seat` is still to be played: the seat is CPU-controlled and acting. */
export function cpuStillDue(game: GameState, seat: number): boolean {
  return isCpuControlled(game, seat) && isActing(game, seat);
}

/** The command a CPU-controlled seat plays now (null: the CPU policy finds none). */
export function cpuMove(game: GameState, seat: number, traits: CpuTraits, rng: Rng): Command | null {
  return cpuCommand(view(game, seat), traits, rng);
}

/** A deadline `ms` from `now` (never in the past), with its warning TIMER_WARNING_MS before. */
export function turnDeadline(now: number, ms: number): TurnDeadline {
  return { endsAt: now + Math.max(0, ms), warnAt: now + Math.max(0, ms - TIMER_WARNING_MS) };
}

/** The turn timer that should run: none when the table has no timer or no human is to act. */
export function turnClock(game: GameState, now: number): TurnClock | null {
  if (game.turnSeconds <= 0 || humansToAct(game).length === 0) return null;
  return { key: `${game.phase}:${game.hole}:${game.turn}`, ...turnDeadline(now, game.turnSeconds * 1000) };
}

/**
 * A player back from a lost connection while the timer runs for them: the deadline moves
 * RECONNECT_BONUS_MS later. Null when their return changes no deadline.
 */
export function deadlineOnReturn(game: GameState, seat: number, turnEndsAt: number, now: number): TurnDeadline | null {
  if (turnEndsAt <= 0 || !isActing(game, seat)) return null;
  return turnDeadline(now, turnEndsAt - now + RECONNECT_BONUS_MS);
}

/** The next command the stand-in plays for a timed-out seat, or null once its turn is done. */
export function standInMove(game: GameState, seat: number, rng: Rng): Command | null {
  if (!isActing(game, seat)) return null;
  return cpuCommand(view(game, seat), STAND_IN, rng);
}

/** After its `timeoutsInARow`-th timeout (and the stand-in's moves), whether the seat goes away. */
export function awayAfterTimeout(game: GameState, seat: number, timeoutsInARow: number): boolean {
  return timeoutsInARow >= TIMEOUTS_BEFORE_AWAY && !game.seats[seat]!.away;
}

/** Whether a seat that is away comes back: its player is connected and has not conceded. */
export function returnsFromAway(game: GameState, seat: number, connected: boolean): boolean {
  const player = game.seats[seat];
  return !!player && player.away && !player.conceded && connected;
}

/** Whether a seat whose player has gone (left, or not back in time) goes away: only during a game. */
export function goesAwayWhenGone(game: GameState, seat: number): boolean {
  const player = game.seats[seat];
  return !!player && !player.away && game.phase !== "lobby" && game.phase !== "gameOver";
}

/** When the next hole starts: `holeIntervalMs` after the hole is over. */
export function nextHoleDue(game: GameState, settings: TableSettings, now: number): { at: number } | null {
  return game.phase === "holeOver" ? { at: now + settings.holeIntervalMs } : null;
}

/**
 * When a quick-play lobby starts: at once when every seat is taken, `holeIntervalMs` after it has
 * two humans, not while it has fewer.
 */
export function quickStartDue(game: GameState, settings: TableSettings, now: number): QuickStartDue | null {
  if (!settings.quickPlay || game.phase !== "lobby") return null;
  if (game.seats.every((seat) => seat.kind !== "empty")) return { now: true };
  const humans = game.seats.filter((seat) => seat.kind === "human").length;
  return humans >= 2 ? { now: false, at: now + settings.holeIntervalMs } : null;
}

/** The CPUs a quick-play table adds before it starts: one for each empty seat. */
export function quickStartCpus(game: GameState): number {
  return game.seats.filter((seat) => seat.kind === "empty").length;
}

/**
 * What an idle table comes to: a lobby nobody is seated in closes after `lobbyIdleMs` without a
 * human action; a running game is abandoned after `abandonAfterMs`. Null while it is not idle.
 */
export function idleVerdict(game: GameState, presence: TablePresence, settings: TableSettings, now: number): "closeLobby" | "abandon" | null {
  const idleMs = now - presence.lastHumanActionAt;
  if (game.phase === "lobby") return presence.seatsWithClient.size === 0 && idleMs > settings.lobbyIdleMs ? "closeLobby" : null;
  if (game.phase !== "gameOver" && idleMs > settings.abandonAfterMs) return "abandon";
  return null;
}

/** How often the room asks idleVerdict. */
export function idleCheckEveryMs(settings: TableSettings): number {
  return Math.min(IDLE_CHECK_MAX_MS, settings.lobbyIdleMs);
}

/** The host is gone (no client holds its seat): the first other human with a client takes over. Null: no change. */
export function nextHost(game: GameState, presence: Pick<TablePresence, "seatsWithClient">): number | null {
  const host = game.host;
  if (host >= 0 && presence.seatsWithClient.has(host)) return null;
  const next = game.seats.findIndex((seat, index) => seat.kind === "human" && presence.seatsWithClient.has(index) && index !== host);
  return next >= 0 ? next : null;
}

/** Everything timed that is due at the table as of `now` (the CPU's think time draws on its seat's noise). */
export function tableAgenda(game: GameState, presence: TablePresence, settings: TableSettings, now: number, rngFor: (seat: number) => Rng): TableAgenda {
  return {
    cpuMove: cpuMoveDue(game, presence, settings, now, rngFor),
    turn: turnClock(game, now),
    nextHole: nextHoleDue(game, settings, now),
    quickStart: quickStartDue(game, settings, now),
    idleCheckEveryMs: idleCheckEveryMs(settings),
  };
}
