// What a live table knows beyond the synchronized state: who this viewer is, what the events told
// (the settings, each hole's result, a rematch), the initial flips chosen so far, and whether events
// are being animated. The controller (live-table.ts) writes it; the HUD (table-hud.ts) reads it.
import type { HoleLine } from "./score-sheet.ts";

export interface TableSession {
  /** This viewer's seat, or -1 when watching. */
  me: number;
  role: "player" | "spectator";
  /** The decks and the turn time as configured (null until an event tells). */
  decks: number | null;
  turnSeconds: number | null;
  /** Each finished hole, in order. */
  readonly results: HoleLine[];
  /** The game's winners, once it ended. */
  winners: number[];
  /** When the last hole ended while we watched (0 when it came with the history). */
  holeEndedAt: number;
  /** The rematch's join code, once the server made one. */
  rematch: string | null;
  /** This viewer asked for the rematch, so it joins it as soon as it exists. */
  askedRematch: boolean;
  /** The positions chosen for the initial flip so far. */
  readonly selected: Set<number>;
  /** True while events are being animated; the table settles on the state afterwards. */
  animating: boolean;
  /** While events are being animated, the hint line tells what is happening. */
  commentary: string | null;
}

export function newTableSession(): TableSession {
  return {
    me: -1,
    role: "spectator",
    decks: null,
    turnSeconds: null,
    results: [],
    winners: [],
    holeEndedAt: 0,
    rematch: null,
    askedRematch: false,
    selected: new Set(),
    animating: false,
    commentary: null,
  };
}
