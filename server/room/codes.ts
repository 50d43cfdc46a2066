// Seat tokens and shuffle seeds: the secrets a game hands out. (Join codes: shared/protocol/room.ts.)
import { createHash, randomBytes } from "node:crypto";

/** A seat token: shown once to its player, stored only as its hash. */
export function newSeatToken(): string {
  return randomBytes(24).toString("base64url");
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** A game's secret shuffle seed for generator version 2 (shared/golf/rng.ts): 256 random bits. */
export function newSeed(): string {
  return randomBytes(32).toString("hex");
}
