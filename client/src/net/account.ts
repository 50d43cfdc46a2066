// Who plays in this browser: the session of docs/accounts.md, kept by the SDK's own `Auth` module
// (imported by subpath with its small HTTP helper, so the lobby stays light: the whole `Client` is in
// the table's chunk). The token lives where the SDK keeps it (localStorage "colyseus-auth-token"), so
// the table's `Client` sends it with every join and a signed-in player gets their seat back anywhere.
//
// A browser with no session becomes a guest the first time the player sits down (with the name they
// typed); registering upgrades that guest in place; signing in to an account with a guest's games
// offers to merge them.
import { Auth } from "@colyseus/sdk/Auth";
import { HTTP } from "@colyseus/sdk/HTTP";
import type { AuthAnswer, AuthErrorCode, AuthOkAnswer, PublicUser } from "../../../shared/protocol/accounts.ts";

export class AccountError extends Error {
  constructor(
    readonly code: AuthErrorCode | "NETWORK",
    message: string,
    readonly status = 0,
  ) {
    super(message);
    this.name = "AccountError";
  }
}

function serverOrigin(): string {
  return (import.meta.env.VITE_GOLF_SERVER as string | undefined) || window.location.origin;
}

// The HTTP helper only asks its SDK for full addresses.
const http = new HTTP({ getHttpEndpoint: (path: string) => serverOrigin() + path } as never, {});
const auth = new Auth<PublicUser>(http);

let user: PublicUser | null = null;
let restoring: Promise<void> | null = null;
const listeners = new Set<(user: PublicUser | null) => void>();

function setUser(next: PublicUser | null): void {
  user = next;
  for (const listener of listeners) listener(user);
}

/** An SDK rejection as our error: the route's code and message (docs/accounts.md, "Routes"). */
function accountError(error: unknown): AccountError {
  const failure = error as { status?: number; message?: string; data?: { code?: AuthErrorCode; message?: string; reason?: string | null; until?: string | null } };
  const data = failure?.data;
  if (!failure?.status || !data || typeof data !== "object" || !data.code) return new AccountError("NETWORK", "the server cannot be reached right now");
  if (data.code === "BANNED") {
    const until = data.until ? ` until ${new Date(data.until).toLocaleString()}` : "";
    return new AccountError("BANNED", `This account is banned${until}${data.reason ? `: ${data.reason}` : ""}`, failure.status);
  }
  return new AccountError(data.code, data.message ?? failure.message ?? data.code, failure.status);
}

async function post<T>(path: string, body?: unknown, token?: string): Promise<T> {
  try {
    const answer = await http.post(path, { body: body ?? {}, ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}) } as never);
    return answer.data as T;
  } catch (error) {
    throw accountError(error);
  }
}

function adopt(answer: AuthAnswer): PublicUser {
  auth.token = answer.token;
  try {
    localStorage.setItem(auth.settings.key, answer.token);
  } catch {
    // No storage: the session lasts as long as the page.
  }
  setUser(answer.user);
  return answer.user;
}

/** Forgets a session the server no longer accepts (a join answered UNAUTHORIZED). */
export function forgetSession(): void {
  forget();
}

function forget(): void {
  void auth.signOut();
  setUser(null);
}

/** The signed-in user (guest or registered), or null. */
export function currentUser(): PublicUser | null {
  return user;
}

/** The session token the API calls carry, if any. */
export function sessionToken(): string | undefined {
  return auth.token || undefined;
}

export function onUserChange(listener: (user: PublicUser | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** On each visit: renews a kept session (its end moves a full lifetime ahead), or forgets a dead one. */
export function restoreSession(): Promise<void> {
  restoring ??= (async () => {
    if (!auth.token) return;
    try {
      adopt(await post<AuthAnswer>("/auth/renew"));
    } catch (error) {
      // Revoked, expired or banned: that session is over. A network failure keeps the token.
      if (error instanceof AccountError && error.code !== "NETWORK" && error.status !== 429 && error.status < 500) forget();
    }
  })();
  return restoring;
}

/** Before sitting down: a session, made as a guest with the typed name when there is none. Without
 *  one (the server refused or is unreachable) the player still plays, by seat token. */
export async function ensureSession(name: string): Promise<PublicUser | null> {
  await restoreSession();
  // A kept session the server could not confirm just now (offline, rate-limited) is still ours.
  if (auth.token) return user;
  try {
    return adopt(await post<AuthAnswer>("/auth/anonymous", { options: { name } }));
  } catch {
    return null;
  }
}

/** Registers; a guest's session makes it the same user (its games stay). */
export async function register(email: string, password: string, username: string): Promise<PublicUser> {
  await restoreSession();
  return adopt(await post<AuthAnswer>("/auth/register", { email, password, options: { username } }));
}

/** What a sign-in leaves behind: the guest it replaced, when that guest had games to merge. */
export interface SignedIn {
  user: PublicUser;
  guest: { token: string; games: number } | null;
}

export async function signIn(email: string, password: string): Promise<SignedIn> {
  await restoreSession();
  const before = user;
  const guestToken = auth.token;
  const answer = await post<AuthAnswer>("/auth/login", { email, password });
  adopt(answer);
  const hadGames = before?.guest && before.games > 0 && guestToken && before.id !== answer.user.id;
  return { user: answer.user, guest: hadGames ? { token: guestToken, games: before.games } : null };
}

/** Moves a guest's games into the signed-in account; answers how many moved. */
export async function mergeGuest(guestToken: string): Promise<number> {
  const answer = await post<AuthOkAnswer>("/auth/merge-guest", { guestToken });
  await refreshUser();
  return answer.count ?? 0;
}

/** Reads the user again (its game count moves as it plays). */
export async function refreshUser(): Promise<void> {
  if (!auth.token) return;
  try {
    const answer = (await http.get("/auth/userdata")).data as { user: PublicUser };
    setUser(answer.user);
  } catch (error) {
    const failure = accountError(error);
    if (failure.code !== "NETWORK" && failure.status !== 429 && failure.status < 500) forget();
  }
}

/** Ends this session on the server, then forgets it here. */
export async function signOut(): Promise<void> {
  if (auth.token) await post<AuthOkAnswer>("/auth/logout").catch(() => undefined);
  forget();
}

/** Ends every session of this user (every device), then forgets it here. */
export async function signOutEverywhere(): Promise<void> {
  await post<AuthOkAnswer>("/auth/logout-all");
  forget();
}

/** Asks for a reset link by mail (answered the same whether or not the email has an account). */
export async function sendPasswordReset(email: string): Promise<void> {
  await post<AuthOkAnswer>("/auth/forgot-password", { email });
}
