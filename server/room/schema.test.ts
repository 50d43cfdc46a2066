// The encoder's schema and the contract's SyncedState name the same fields: a field added to one
// and not the other fails here.
import { describe, expect, it } from "vitest";
import type { SyncedSeat, SyncedState } from "../../shared/protocol/index.ts";
import { newGolfState, newSeatSchema } from "./schema.ts";

const STATE_FIELDS = Object.keys({
  code: 0, gameId: 0, phase: 0, rules: 0, decks: 0, hole: 0, holes: 0, dealer: 0, seats: 0, turn: 0, finisher: 0, mustFlip: 0,
  deckCount: 0, discardTop: 0, discardCount: 0, drawnFrom: 0, turnEndsAt: 0, spectators: 0, ranked: 0, lastSeq: 0,
  tableSize: 0, decksChoice: 0, turnSeconds: 0, finalTurnsLeft: 0, publicDrawn: 0, discardPile: 0, results: 0, winners: 0, abandoned: 0,
} satisfies Record<keyof SyncedState, 0>);
const SEAT_FIELDS = Object.keys({
  name: 0, kind: 0, profile: 0, playerId: 0, userId: 0, rating: 0, connected: 0, away: 0, host: 0, total: 0, holeScore: 0, holesWon: 0, cards: 0, drawn: 0, conceded: 0, initialFlipDone: 0,
} satisfies Record<keyof SyncedSeat, 0>);

describe("the synchronized state", () => {
  it("has the contract's fields, no more and no fewer", () => {
    const state = newGolfState();
    state.seats.push(newSeatSchema());
    const json = state.toJSON() as Record<string, unknown> & { seats: Record<string, unknown>[] };
    expect(Object.keys(json).sort()).toEqual([...STATE_FIELDS].sort());
    expect(Object.keys(json.seats[0]!).sort()).toEqual([...SEAT_FIELDS].sort());
  });
});
