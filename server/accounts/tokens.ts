// The tokens the server signs (HS256, one secret for the whole cluster). Each carries a type claim
// (`typ`) and an expiry, and is accepted only where its type is: a session token signs in and joins
// rooms; a reset token sets a password once; a confirmation token confirms an email. The
// module's own tokens (no type, no expiry) are never made.
import { createHash } from "node:crypto";
import jwt from "jsonwebtoken";

export const DAY_MS = 24 * 60 * 60 * 1000;
/** Session lifetimes, renewed on use (platform.md). */
export const GUEST_SESSION_MS = 365 * DAY_MS;
export const ACCOUNT_SESSION_MS = 30 * DAY_MS;
export const RESET_TOKEN_MS = 30 * 60 * 1000;
export const CONFIRM_TOKEN_MS = 7 * DAY_MS;

export interface SessionClaims {
  typ: "session";
  /** The user id. */
  sub: string;
  /** The session id (revocable). */
  sid: string;
  exp: number;
}

export interface ResetClaims {
  typ: "reset";
  sub: string;
  /** Which password this link replaces: a fingerprint of its hash, so the link works once. */
  pwv: string;
  exp: number;
}

export interface ConfirmClaims {
  typ: "confirm";
  sub: string;
  email: string;
  exp: number;
}

type Claims = SessionClaims | ResetClaims | ConfirmClaims;
/** Claims as signed: the expiry is given apart. */
type Unsigned = Omit<SessionClaims, "exp"> | Omit<ResetClaims, "exp"> | Omit<ConfirmClaims, "exp">;
type ClaimsOf<T extends Claims["typ"]> = Extract<Claims, { typ: T }>;

const ALGORITHM = "HS256";

/** Signs `claims` to expire at `expiresAt` (epoch ms). */
export function signToken(secret: string, claims: Unsigned, expiresAt: number): string {
  return jwt.sign({ ...claims, exp: Math.floor(expiresAt / 1000) }, secret, { algorithm: ALGORITHM });
}

/** The claims of a token of type `typ` signed with `secret` and not expired at `now`, or null. */
export function readToken<T extends Claims["typ"]>(secret: string, token: string, typ: T, now: number): ClaimsOf<T> | null {
  try {
    const claims = jwt.verify(token, secret, { algorithms: [ALGORITHM], clockTimestamp: Math.floor(now / 1000) }) as Partial<Claims>;
    if (claims.typ !== typ || typeof claims.sub !== "string" || typeof claims.exp !== "number") return null;
    return claims as ClaimsOf<T>;
  } catch {
    return null;
  }
}

/** A fingerprint of a password hash: a reset link names the password it replaces. */
export function passwordVersion(passwordHash: string | null): string {
  return createHash("sha256").update(passwordHash ?? "").digest("base64url").slice(0, 16);
}

/** The bearer token of an Authorization header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  return match?.[1];
}
