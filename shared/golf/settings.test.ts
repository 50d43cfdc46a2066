// The one place that says what settings a table may have: a logged created event and configure answer
// with the same checks and the same messages.
import { describe, expect, it } from "vitest";
import { decide } from "./decide.ts";
import { EMPTY_STATE, evolve } from "./evolve.ts";
import { checkSettings, createdEvent, LIMITS, SETTING_CHECKS } from "./settings.ts";
import { play, rules } from "./test-support.ts";
import type { GameSettings } from "./types.ts";

const BASE: GameSettings = { tableSize: 4, rules: rules(), holes: 9, decks: null, turnSeconds: 30, seed: 42 };

describe("table settings", () => {
  it("accept each setting across its whole range, and nothing outside it", () => {
    for (let holes = LIMITS.minHoles; holes <= LIMITS.maxHoles; holes++) expect(checkSettings({ ...BASE, holes })).toBeNull();
    for (const holes of [0, 19, 2.5]) expect(checkSettings({ ...BASE, holes })).toBe("holes must be 1-18");
    for (const tableSize of [1, 7]) expect(checkSettings({ ...BASE, tableSize })).toBe("seats must be 2-6");
    for (const decks of [0, 4]) expect(checkSettings({ ...BASE, decks })).toBe("decks must be 1-3");
    for (const turnSeconds of [-1, 601]) expect(checkSettings({ ...BASE, turnSeconds })).toBe("turnSeconds must be 0-600");
    expect(checkSettings({ ...BASE, tableSize: 6, decks: 3, turnSeconds: 0 })).toBeNull();
    expect(SETTING_CHECKS.holes("9")).toBe("holes must be 1-18");
    expect(SETTING_CHECKS.decks(null)).toBeNull();
  });
  it("a created event needs valid settings", () => {
    expect(() => createdEvent({ ...BASE, holes: 19 })).toThrow("bad game settings: holes must be 1-18");
    expect(createdEvent(BASE)).toMatchObject({ type: "created", seat: null, data: { holes: 9 } });
  });
  it("configure answers with the same messages", () => {
    const lobby = play(evolve(EMPTY_STATE, createdEvent(BASE)), "system", { type: "join", name: "Ann" }).state;
    expect(decide(lobby, 0, { type: "configure", holes: 19 })).toEqual({ ok: false, error: { code: "BAD_MESSAGE", reason: "BAD_HOLES", message: "holes must be 1-18" } });
    expect(decide(lobby, 0, { type: "configure", decks: 4 })).toMatchObject({ error: { reason: "BAD_DECKS", message: "decks must be 1-3" } });
    expect(decide(lobby, 0, { type: "configure", turnSeconds: 601 })).toMatchObject({ error: { reason: "BAD_TURN_SECONDS", message: "turnSeconds must be 0-600" } });
    expect(decide(lobby, 0, { type: "configure", decks: null, holes: 18 })).toMatchObject({ ok: true });
  });
});
