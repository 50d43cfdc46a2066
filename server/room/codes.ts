// Join codes and seat tokens.
import { createHash, randomBytes, randomInt } from "node:crypto";

const CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/** A 5-character join code (unique among unfinished games: the store's index decides). */
export function newJoinCode(): string {
  let code = "";
  for (let i = 0; i < 5; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

export function normalizeCode(code: string): string {
  return code.trim().toUpperCase();
}

export function isJoinCode(code: string): boolean {
  return code.length === 5 && [...code].every((char) => CODE_ALPHABET.includes(char));
}

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
