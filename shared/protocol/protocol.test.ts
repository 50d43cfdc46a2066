import { describe, expect, it } from "vitest";
import { createOptionsSchema, isJoinCode, newJoinCode, normalizeCode, joinOptionsSchema, MESSAGE_TYPES, messageSchemas, readExport, ridOf, rulesPatchSchema, type GolfExport } from "./index.ts";

const EXPORT: GolfExport = {
  format: "golf-game",
  version: 1,
  game: { id: "g", code: "ABCDE", createdAt: "2024-01-01T00:00:00.000Z", endedAt: null, rules: {}, holes: 1, decks: null, seats: [], totals: [], winners: [] },
  events: [
    { seq: 1, type: "created", seat: null, at: 0, data: {} },
    { seq: 2, type: "seatTaken", seat: 0, at: 5, data: {} },
  ],
};

describe("the contract", () => {
  it("has one schema per client message, each refusing unknown fields", () => {
    expect(MESSAGE_TYPES).toEqual(Object.keys(messageSchemas));
    for (const type of MESSAGE_TYPES) expect(messageSchemas[type].safeParse({ rid: 1, extra: true }).success).toBe(false);
    expect(messageSchemas.swap.safeParse({ rid: "r1", position: 5 }).success).toBe(true);
    expect(messageSchemas.swap.safeParse({ position: 6 }).success).toBe(false);
  });

  it("reads a rid from any payload, valid or not", () => {
    expect(ridOf({ rid: "r1", junk: 1 })).toBe("r1");
    expect(ridOf({ rid: 7 })).toBe(7);
    expect(ridOf({ rid: "x".repeat(33) })).toBeUndefined();
    expect(ridOf(null)).toBeUndefined();
  });

  it("checks options and rules by name", () => {
    expect(createOptionsSchema.parse({ name: "  Ann " }).name).toBe("Ann");
    expect(createOptionsSchema.safeParse({ name: "" }).success).toBe(false);
    expect(joinOptionsSchema.safeParse({ sinceSeq: -1 }).success).toBe(false);
    expect(rulesPatchSchema.safeParse({ superKings: true }).success).toBe(true);
    expect(rulesPatchSchema.safeParse({ noSuchRule: true }).success).toBe(false);
  });

  it("reads an export's shape and names the first problem", () => {
    expect(readExport(EXPORT)).toEqual({ ok: true, doc: EXPORT });
    expect(readExport(null)).toMatchObject({ ok: false, error: expect.stringMatching(/^the document: /) });
    expect(readExport({ ...EXPORT, version: 2 })).toMatchObject({ ok: false, error: expect.stringMatching(/^version: /) });
    const gap = { ...EXPORT, events: [EXPORT.events[0]!, { ...EXPORT.events[1]!, seq: 3 }] };
    expect(readExport(gap)).toEqual({ ok: false, error: "events.1.seq: expected 2, found 3" });
  });
});

describe("join codes", () => {
  it("makes codes of 5 letters from the alphabet without look-alikes, and reads them in any case", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const code = newJoinCode();
      expect(isJoinCode(code)).toBe(true);
      expect(code).not.toMatch(/[IO01]/);
      seen.add(code);
    }
    expect(seen.size).toBeGreaterThan(1990);
    expect(isJoinCode(normalizeCode(" k7qpa "))).toBe(true);
    for (const bad of ["K7QP", "K7QPAA", "K7QP0", "k7qpa"]) expect(isJoinCode(bad)).toBe(false);
  });
});
