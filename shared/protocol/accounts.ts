// The bodies of the account routes under /auth (docs/accounts.md): what a client sends (zod schemas,
// checked by the server before @colyseus/auth sees a request) and what it gets back. Every error of
// an /auth route is `AuthErrorBody`.
import { z } from "zod";
import { checkDisplayName, CPU_PROFILES } from "../golf/index.ts";

import { MAX_EMAIL_LENGTH, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "./account-limits.ts";

export { MAX_EMAIL_LENGTH, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH };

const USERNAME_PATTERN = /^[A-Za-z0-9_-]{3,20}$/;
const RESERVED_USERNAMES = new Set(["admin", "system", ...CPU_PROFILES.map((profile) => profile.name.toLowerCase())]);

/** Why a username is refused (platform.md: 3-20 of `[A-Za-z0-9_-]`, not a CPU's name nor admin/system), or null. */
export function usernameProblem(username: string): string | null {
  if (!USERNAME_PATTERN.test(username)) return "a username is 3-20 letters, digits, '_' or '-'";
  if (RESERVED_USERNAMES.has(username.toLowerCase())) return `the username ${username} is reserved`;
  return null;
}

const password = z
  .string({ error: "password must be a string" })
  .min(MIN_PASSWORD_LENGTH, `a password has at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `a password has at most ${MAX_PASSWORD_LENGTH} characters`);
const email = z.string({ error: "email must be a string" }).trim().max(MAX_EMAIL_LENGTH, "that email is too long").pipe(z.email({ error: "that is not an email address" }));
const username = z.string({ error: "username must be a string" }).superRefine((name, ctx) => {
  const problem = usernameProblem(name);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});
/** A guest's name: what the player typed, by the table's name rule (shared/golf/names.ts). */
const guestName = z.string({ error: "name must be a string" }).transform((raw, ctx) => {
  const checked = checkDisplayName(raw);
  if (checked.ok) return checked.name;
  ctx.addIssue({ code: "custom", message: checked.reason });
  return z.NEVER;
});

/** POST /auth/anonymous: a guest with the name the player typed. */
export const anonymousBodySchema = z.object({ options: z.object({ name: guestName }) });

/** POST /auth/register (Authorization: Bearer <guest token> upgrades that guest, same user id). */
export const registerBodySchema = z.object({ email, password, options: z.object({ username }) });

/** POST /auth/login. */
export const loginBodySchema = z.object({ email: z.string().max(MAX_EMAIL_LENGTH), password: z.string().max(MAX_PASSWORD_LENGTH) });

/** POST /auth/forgot-password: always answered the same (ForgotPasswordAnswer). */
export const forgotPasswordBodySchema = z.object({ email: z.string().max(MAX_EMAIL_LENGTH) });

/** POST /auth/reset-password (form or JSON): the token from the mailed link and the new password. */
export const resetPasswordBodySchema = z.object({ token: z.string().max(2000), password });

/** POST /auth/password (signed in): the current password and the new one; the other sessions end. */
export const changePasswordBodySchema = z.object({ currentPassword: z.string().max(MAX_PASSWORD_LENGTH), newPassword: password });

/** POST /auth/delete-account (signed in): a registered player confirms with the password; a guest sends {}. */
export const deleteAccountBodySchema = z.object({ password: z.string().max(MAX_PASSWORD_LENGTH).optional() });

/** POST /auth/merge-guest (signed in to the account): the guest's own session token. */
export const mergeGuestBodySchema = z.object({ guestToken: z.string().max(2000) });

/** A user as the user sees it (never another's email, never a hash). */
export interface PublicUser {
  id: string;
  /** A guest's typed name or a registered player's username. */
  name: string;
  username: string | null;
  /** Only in answers to this user. */
  email: string | null;
  guest: boolean;
  confirmed: boolean;
  admin: boolean;
  /** Games this user took a seat in, signed in (a guest with games may be merged at login). */
  games: number;
}

/** POST /auth/anonymous, /auth/register, /auth/login, /auth/password; GET /auth/userdata (a renewed token). */
export interface AuthAnswer {
  user: PublicUser;
  token: string;
}

/** POST /auth/forgot-password, /auth/logout, /auth/logout-all, /auth/delete-account, /auth/merge-guest. */
export interface AuthOkAnswer {
  ok: true;
  /** /auth/logout-all: the sessions ended. /auth/merge-guest: the games merged. */
  count?: number;
}

/** The error codes of the /auth routes. */
export type AuthErrorCode =
  | "BAD_REQUEST"
  | "PASSWORD_TOO_SHORT"
  | "BAD_USERNAME"
  | "USERNAME_TAKEN"
  | "EMAIL_TAKEN"
  | "INVALID_CREDENTIALS"
  | "BANNED"
  | "UNAUTHORIZED"
  | "NOT_REGISTERED"
  | "BAD_LINK"
  | "NOT_FOUND"
  | "RATE_LIMITED"
  | "TOO_LARGE"
  | "UNAVAILABLE";

/** Every error of an /auth route; a ban says why and until when (ISO, null: no end). */
export interface AuthErrorBody {
  code: AuthErrorCode;
  message: string;
  reason?: string | null;
  until?: string | null;
}
