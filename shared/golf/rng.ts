// Every random choice of a game derives from its secret seed, so the server, recovery, imports and the
// browser's replay all make the same choices. The engine never touches Math.random or a clock.
//
// Two generators exist, named by the `rng` field of a game's `created` event:
// - version 1 (no `rng` field, a 32-bit number seed): mulberry32. Its state is 32 bits, so anyone who saw
//   a few dealt cards can search every seed and predict the rest. Kept only so old games replay exactly.
// - version 2 (`rng: 2`, a 256-bit seed as 64 hex digits): ChaCha20 keyed by the seed. Each stream (a
//   hole's deal, a reshuffle, a CPU profile pick, a seat's CPU noise) has its own nonce, so seeing one
//   stream's output tells nothing about the seed or any other stream.
import { chacha20 } from "@noble/ciphers/chacha.js";

export type Rng = () => number;

/** A game's seed: a 32-bit number (version 1) or 64 lowercase hex digits (version 2). */
export type Seed = number | string;
export type RngVersion = 1 | 2;

/** The generator new games use (with a seed from the server's `newSeed`). */
export const CURRENT_RNG = 2 as const;

/** What a game's randomness is drawn from (both fields are in its state). */
export interface SeedSource {
  readonly seed: Seed;
  readonly rng: RngVersion;
}

// ---------------------------------------------------------------------------------------------
// Version 1: mulberry32 (do not change: old logs replay through it)

/** Returns a generator of floats in [0, 1) fully determined by a 32-bit seed. */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes several integers into one 32-bit seed (so each hole and reshuffle has its own stream). */
export function mixSeed(...parts: number[]): number {
  let hash = 0x811c9dc5;
  for (const part of parts) {
    hash = Math.imul(hash ^ (part >>> 0), 0x01000193) >>> 0;
    hash ^= hash >>> 13;
    hash = Math.imul(hash, 0x5bd1e995) >>> 0;
    hash ^= hash >>> 15;
  }
  return hash >>> 0;
}

/** A shuffled copy of `items` (Fisher-Yates over floats: version 1's shuffle). */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const copy = items.slice();
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const held = copy[i]!;
    copy[i] = copy[j]!;
    copy[j] = held;
  }
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Version 2: ChaCha20 keystreams

const SEED_HEX = /^[0-9a-f]{64}$/;

/** True for a version 2 seed: 32 bytes as 64 lowercase hex digits. */
export function isSeedHex(seed: unknown): seed is string {
  return typeof seed === "string" && SEED_HEX.test(seed);
}

function seedBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/**
 * The streams of a game. Each is a ChaCha20 keystream under the seed with its own 12-byte nonce:
 * the stream's kind, then two numbers (little-endian 32-bit words), so no two streams share a nonce.
 */
export const STREAM = { deal: 1, reshuffle: 2, profilePick: 3, cpuNoise: 4 } as const;
export type StreamKind = keyof typeof STREAM;

const BLOCK_BYTES = 256; // four ChaCha20 blocks per call: a deal of two decks fits in one or two
const ZEROS = new Uint8Array(BLOCK_BYTES);

/** A buffered ChaCha20 keystream read as 32-bit words. */
export class KeyStream {
  private readonly key: Uint8Array;
  private readonly nonce = new Uint8Array(12);
  private readonly buffer = new Uint8Array(BLOCK_BYTES);
  private readonly words = new DataView(this.buffer.buffer);
  private counter = 0; // ChaCha20's block counter for the next refill
  private offset = BLOCK_BYTES; // the next unread byte of the buffer

  constructor(seedHex: string, kind: StreamKind, a = 0, b = 0) {
    if (!isSeedHex(seedHex)) throw new Error("a version 2 seed is 64 lowercase hex digits");
    this.key = seedBytes(seedHex);
    const nonce = new DataView(this.nonce.buffer);
    nonce.setUint32(0, STREAM[kind], true);
    nonce.setUint32(4, a >>> 0, true);
    nonce.setUint32(8, b >>> 0, true);
  }

  /** The next 32 bits of the keystream, as an unsigned integer. */
  uint32(): number {
    if (this.offset === BLOCK_BYTES) {
      chacha20(this.key, this.nonce, ZEROS, this.buffer, this.counter);
      this.counter += BLOCK_BYTES / 64;
      this.offset = 0;
    }
    const word = this.words.getUint32(this.offset, true);
    this.offset += 4;
    return word;
  }

  /** A uniform integer in [0, n). */
  below(n: number): number {
    return uniformBelow(n, () => this.uint32());
  }

  /** A float in [0, 1) with 53 random bits. */
  float(): number {
    return ((this.uint32() >>> 5) * 67108864 + (this.uint32() >>> 6)) / 9007199254740992;
  }
}

/**
 * A uniform integer in [0, n) from uniform 32-bit words, without modulo bias: words at or above the
 * largest multiple of n that fits in 2^32 are thrown away and another is drawn.
 */
export function uniformBelow(n: number, nextWord: () => number): number {
  if (!Number.isInteger(n) || n < 1 || n > 0x100000000) throw new Error(`cannot draw below ${n}`);
  const limit = 0x100000000 - (0x100000000 % n);
  for (;;) {
    const word = nextWord();
    if (word < limit) return word % n;
  }
}

/** A shuffled copy of `items`: Fisher-Yates with uniform integer draws (version 2's shuffle). */
function shuffledBy<T>(items: readonly T[], below: (n: number) => number): T[] {
  const copy = items.slice();
  for (let i = copy.length - 1; i > 0; i--) {
    const j = below(i + 1);
    const held = copy[i]!;
    copy[i] = copy[j]!;
    copy[j] = held;
  }
  return copy;
}

// ---------------------------------------------------------------------------------------------
// The game's random choices, by the game's generator version

/** The shoe shuffled for hole `hole`'s deal. */
export function shuffleForDeal<T>(source: SeedSource, hole: number, shoe: readonly T[]): T[] {
  if (source.rng === 1) return shuffled(shoe, seededRng(mixSeed(source.seed as number, hole, 0)));
  const stream = new KeyStream(source.seed as string, "deal", hole);
  return shuffledBy(shoe, (n) => stream.below(n));
}

/** The discards shuffled into a new deck: hole `hole`'s `count`-th reshuffle (from 1). */
export function shuffleForReshuffle<T>(source: SeedSource, hole: number, count: number, cards: readonly T[]): T[] {
  if (source.rng === 1) return shuffled(cards, seededRng(mixSeed(source.seed as number, hole, count)));
  const stream = new KeyStream(source.seed as string, "reshuffle", hole, count);
  return shuffledBy(cards, (n) => stream.below(n));
}

/** Which of `count` free CPU personalities a seat added at event `seq` gets. */
export function profilePick(source: SeedSource, seq: number, count: number): number {
  if (source.rng === 1) return Math.floor(seededRng(mixSeed(source.seed as number, seq, 17))() * count);
  return new KeyStream(source.seed as string, "profilePick", seq).below(count);
}

/**
 * A seat's CPU noise (its choices and thinking times): a generator the room keeps per seat. It is
 * not part of the log, but it is seeded from the game so a game plays the same way twice.
 */
export function cpuNoise(source: SeedSource, seat: number): Rng {
  if (source.rng === 1) return seededRng(mixSeed(source.seed as number, seat, 0xc0ffee));
  const stream = new KeyStream(source.seed as string, "cpuNoise", seat);
  return () => stream.float();
}
