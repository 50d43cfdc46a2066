// Verifying a whole log: it replays to the same state, and the first event the engine would not have
// produced is named.
import { describe, expect, it } from "vitest";
import { LogError, verifyLog } from "./verify.ts";
import { card, play, startedCpuGame } from "./test-support.ts";
import type { GameEvent } from "./types.ts";

describe("a whole game's log", () => {
  it("replays through verifyLog to the same state, and a tampered event is named", () => {
    let { state, events } = startedCpuGame({ seats: 3, holes: 2, seed: 99 });
    // Play it out with the first legal-looking move: flips, then draw and discard.
    let guard = 0;
    while (state.phase !== "gameOver" && guard++ < 2000) {
      let step;
      if (state.phase === "holeOver") step = play(state, "system", { type: "nextHole" });
      else if (state.phase === "initialFlip") {
        const seat = state.seats.findIndex((s) => !s.initialFlipDone);
        step = play(state, seat, { type: "flipInitial", positions: [0, 4] });
      } else if (!state.drawn) step = play(state, state.turn, { type: "draw", source: "deck" });
      else {
        const faceDown = state.seats[state.turn]!.cards.findIndex((slot) => !slot.faceUp);
        step = play(state, state.turn, faceDown >= 0 ? { type: "swap", position: faceDown } : { type: "discard" });
      }
      state = step.state;
      events = [...events, ...step.events];
    }
    expect(state.phase).toBe("gameOver");
    expect(verifyLog(events)).toEqual(state);
    expect(state.results.length).toBe(2);
    expect(state.seats.map((seat) => seat.total)).toEqual(state.seats.map((_, i) => state.results[0]!.scores[i]! + state.results[1]!.scores[i]!));
    // Change one swapped card: the log no longer replays.
    const index = events.findIndex((e) => e.type === "swapped");
    const original = (events[index]!.data as { card: { rank: string } }).card;
    const other = card(original.rank === "K" ? "2C" : "KH");
    const tampered = events.map((e, i) => (i === index ? { ...e, data: { ...(e.data as object), card: other } } : e)) as GameEvent[];
    expect(() => verifyLog(tampered)).toThrow(LogError);
    expect(() => verifyLog(tampered)).toThrow(new RegExp(`^event ${index + 1}: swapped`));
    // A log with a move out of turn is refused too.
    const outOfTurn = events.slice(0, index).concat([{ ...events[index]!, seat: (events[index]!.seat! + 1) % 3 } as GameEvent]);
    expect(() => verifyLog(outOfTurn)).toThrow(LogError);
    expect(() => verifyLog([])).toThrow(/created/);
  });
});
