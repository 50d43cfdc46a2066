// What the client offers: exactly the moves the shared engine calls legal, rebuilt from the
// synchronized state alone (the protocol's GolfState shape), for every seat at every moment of
// whole games under several house rules.
import { describe, expect, it } from "vitest";
import { drawnView, EMPTY_STATE, evolve, legalCommands, view, type RulesPatch } from "../../shared/golf/index.ts";
import { legalMoves, modelFromEngine, modelFromSnapshot } from "../src/game/model.ts";
import { snapshotFromEngine } from "../src/game/replay-log.ts";
import { exportOf, playGame } from "./support/played-game.ts";

const RULE_SETS: { name: string; rules: RulesPatch }[] = [
  { name: "standard rules", rules: {} },
  { name: "speed golf (flip after a discard)", rules: { flipMode: "always" } },
  { name: "endgame flips", rules: { flipMode: "endgame" } },
  { name: "flip as action and knocking", rules: { flipAsAction: true, knockEarly: true } },
  { name: "one card up at the start, jokers", rules: { initialFlips: 1, useJokers: true } },
  { name: "no cards up at the start", rules: { initialFlips: 0 } },
];

const key = (moves: unknown[]) => moves.map((move) => JSON.stringify(move)).sort();

describe("the moves the client offers", () => {
  for (const { name, rules } of RULE_SETS) {
    it(`match the engine's legal moves for every seat, all game long (${name})`, () => {
      const played = playGame({ seats: 3, holes: 2, rules, seed: 99 });
      const doc = exportOf(played);
      let state = EMPTY_STATE;
      let checked = 0;
      for (const event of played.events) {
        state = evolve(state, event);
        if (state.phase === "lobby") continue;
        for (let seat = 0; seat < state.seats.length; seat++) {
          const snapshot = snapshotFromEngine(state, seat, doc);
          expect(key(legalMoves(snapshot, seat)), `seat ${seat} at event ${state.seq}`).toEqual(key(legalCommands(view(state, seat))));
          checked += 1;
        }
        // A spectator is offered nothing.
        expect(legalMoves(snapshotFromEngine(state, "all", doc), -1)).toEqual([]);
      }
      expect(checked).toBeGreaterThan(100);
    });
  }
});

describe("the table a viewer is shown", () => {
  it("never shows a face-down card or another player's drawn card to a seat", () => {
    const played = playGame({ seats: 4, holes: 1, seed: 7 });
    let state = EMPTY_STATE;
    for (const event of played.events) {
      state = evolve(state, event);
      for (let seat = 0; seat < state.seats.length; seat++) {
        const model = modelFromEngine(state, seat);
        for (const seatModel of model.seats) for (const slot of seatModel.cards) if (!slot.faceUp) expect(slot.face).toBeNull();
        if (model.heldBy >= 0 && model.heldBy !== seat && state.drawnFrom === "deck") expect(model.held).toBeNull();
      }
    }
  });

  it("shows the held card from the synchronized state as the engine's view does: the drawer's own, a discard-pile take to all", () => {
    const played = playGame({ seats: 3, holes: 1, seed: 11 });
    const doc = exportOf(played);
    let state = EMPTY_STATE;
    let taken = 0;
    for (const event of played.events) {
      state = evolve(state, event);
      if (!state.drawn) continue;
      if (state.drawnFrom === "discard") taken += 1;
      for (let seat = 0; seat < state.seats.length; seat++) {
        const model = modelFromSnapshot(snapshotFromEngine(state, seat, doc), seat);
        expect(model.heldBy).toBe(state.turn);
        expect(model.held, `seat ${seat} at event ${state.seq}`).toEqual(drawnView(state, seat));
      }
    }
    expect(taken).toBeGreaterThan(0);
  });
});
