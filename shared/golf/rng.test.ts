// The generators behind every random choice of a game (rng.ts): version 1 stays exactly as it was,
// version 2 draws uniformly from ChaCha20 keystreams, one per purpose, each depending on the whole seed.
import { createCipheriv } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildShoe, cardName } from "./cards.ts";
import { cpuNoise, KeyStream, mixSeed, profilePick, seededRng, shuffleForDeal, shuffleForReshuffle, uniformBelow, type SeedSource } from "./rng.ts";

const SEED = "00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210";
const V2: SeedSource = { seed: SEED, rng: 2 };

/** The seed with one bit flipped (bit 0 is the high bit of the first hex digit). */
function flipBit(seed: string, bit: number): string {
  const digit = Math.floor(bit / 4);
  const flipped = (parseInt(seed[digit]!, 16) ^ (8 >> bit % 4)).toString(16);
  return seed.slice(0, digit) + flipped + seed.slice(digit + 1);
}

const words = (stream: KeyStream, count: number) => Array.from({ length: count }, () => stream.uint32());

describe("version 1 (mulberry32), kept for the games created before version 2", () => {
  it("shuffles, picks and makes CPU noise exactly as before", () => {
    const shoe = buildShoe(1, 2);
    const v1: SeedSource = { seed: 12345, rng: 1 };
    // The formulas version 1 games were written with.
    const old = (rng: () => number) => {
      const copy = shoe.slice();
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      }
      return copy;
    };
    expect(shuffleForDeal(v1, 3, shoe)).toEqual(old(seededRng(mixSeed(12345, 3, 0))));
    expect(shuffleForReshuffle(v1, 3, 2, shoe)).toEqual(old(seededRng(mixSeed(12345, 3, 2))));
    expect(profilePick(v1, 7, 5)).toBe(Math.floor(seededRng(mixSeed(12345, 7, 17))() * 5));
    expect(cpuNoise(v1, 2)()).toBe(seededRng(mixSeed(12345, 2, 0xc0ffee))());
  });
});

describe("version 2 (ChaCha20 keyed by a 256-bit seed)", () => {
  it("deals the same cards from the same seed, for good (pinned: version 2 logs must verify forever)", () => {
    const deal = shuffleForDeal(V2, 1, buildShoe(1, 2)).map(cardName);
    expect(shuffleForDeal(V2, 1, buildShoe(1, 2)).map(cardName)).toEqual(deal);
    expect(deal.slice(-8).join(", ")).toBe("Q of clubs, 5 of spades, K of hearts, 7 of diamonds, 6 of clubs, Joker, K of diamonds, 10 of diamonds");
  });

  it("is RFC 8439 ChaCha20 keyed by the seed, with the nonce (kind, a, b): the words node:crypto's chacha20 gives", () => {
    const stream = new KeyStream(SEED, "reshuffle", 3, 2);
    const ours = words(stream, 100); // past the first 256-byte buffer
    // node's iv is the 32-bit block counter, then the 12-byte nonce, all little-endian.
    const iv = Buffer.alloc(16);
    iv.writeUInt32LE(2, 4); // STREAM.reshuffle
    iv.writeUInt32LE(3, 8);
    iv.writeUInt32LE(2, 12);
    const keystream = createCipheriv("chacha20", Buffer.from(SEED, "hex"), iv).update(Buffer.alloc(400));
    expect(ours).toEqual(Array.from({ length: 100 }, (_, i) => keystream.readUInt32LE(4 * i)));
  });

  it("draws without modulo bias: a word past the largest multiple of n is thrown away", () => {
    // 2^32 = 3 * 1431655765 + 1, so only 0xffffffff is past the last whole cycle of 3.
    const script = [0xffffffff, 0xfffffffe];
    expect(uniformBelow(3, () => script.shift()!)).toBe(0xfffffffe % 3);
    expect(script).toEqual([]);
    // 52 does not divide 2^32: the words from 4294967248 up would favour 0..47.
    const words52 = [4294967248, 4294967295, 4294967247];
    expect(uniformBelow(52, () => words52.shift()!)).toBe(4294967247 % 52);
    expect(words52).toEqual([]);
    expect(uniformBelow(1, () => 0xffffffff)).toBe(0);
  });

  it("shuffles evenly: each of the 6 orders of 3 cards about as often over 6,000 seeds", () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const seed = i.toString(16).padStart(64, "0");
      const order = shuffleForDeal({ seed, rng: 2 }, 1, ["a", "b", "c"]).join("");
      counts.set(order, (counts.get(order) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    // Chi-square with 5 degrees of freedom: above 20.5 happens by chance one time in a thousand.
    const chi = [...counts.values()].reduce((sum, n) => sum + (n - 1000) ** 2 / 1000, 0);
    expect(chi).toBeLessThan(20.5);
  });

  it("gives every purpose its own stream: deals, reshuffles, profile picks and CPU noise share no output", () => {
    const streams = [
      new KeyStream(SEED, "deal", 1),
      new KeyStream(SEED, "deal", 2),
      new KeyStream(SEED, "reshuffle", 1, 1),
      new KeyStream(SEED, "reshuffle", 1, 2),
      new KeyStream(SEED, "profilePick", 1),
      new KeyStream(SEED, "cpuNoise", 0),
      new KeyStream(SEED, "cpuNoise", 1),
    ];
    const seen = new Set<number>();
    for (const stream of streams) for (const word of words(stream, 64)) seen.add(word);
    // 448 random 32-bit words: a repeat would be a one-in-40,000 accident, not a shared stream.
    expect(seen.size).toBe(448);
    // The CPU noise is the cpuNoise stream read as floats (two words each), not the deal's.
    const noise = cpuNoise(V2, 1);
    const again = new KeyStream(SEED, "cpuNoise", 1);
    expect(noise()).toBe(again.float());
  });

  it("reads the whole seed: flipping any one of its 256 bits changes every stream", () => {
    const first = (seed: string) => ({
      deal: words(new KeyStream(seed, "deal", 1), 2).join(),
      noise: words(new KeyStream(seed, "cpuNoise", 0), 2).join(),
      pick: words(new KeyStream(seed, "profilePick", 3), 2).join(),
    });
    const base = first(SEED);
    for (let bit = 0; bit < 256; bit++) {
      const other = first(flipBit(SEED, bit));
      expect(other.deal, `bit ${bit}`).not.toBe(base.deal);
      expect(other.noise, `bit ${bit}`).not.toBe(base.noise);
      expect(other.pick, `bit ${bit}`).not.toBe(base.pick);
    }
  });

  it("keeps reading past its buffer (a long CPU game) without repeating itself", () => {
    const stream = new KeyStream(SEED, "cpuNoise", 0);
    const all = words(stream, 1000);
    expect(new Set(all).size).toBe(1000);
    const floats = Array.from({ length: 1000 }, cpuNoise(V2, 0));
    expect(floats.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it("refuses a seed that is not 64 lowercase hex digits", () => {
    expect(() => new KeyStream("abc", "deal")).toThrow(/64 lowercase hex/);
    expect(() => new KeyStream(SEED.toUpperCase(), "deal")).toThrow(/64 lowercase hex/);
  });
});
