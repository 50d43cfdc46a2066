import { describe, expect, it } from "vitest";
import { buildShoe, cardFromKey, cardKey } from "./cards.ts";

describe("card keys", () => {
  it("name every card of a shoe once, and read back as the same card", () => {
    const shoe = buildShoe(1, 2);
    const keys = shoe.map(cardKey);
    expect(new Set(keys.filter((key) => key !== "JK")).size).toBe(52);
    for (const card of shoe) expect(cardFromKey(cardKey(card))).toEqual({ rank: card.rank, suit: card.suit });
  });

  it("name no card for a string that is not a key", () => {
    for (const bad of ["", "h", "1h", "11s", "Jx", "JKh", "7H", "10", "Ah "]) expect(cardFromKey(bad), bad).toBeNull();
  });
});
