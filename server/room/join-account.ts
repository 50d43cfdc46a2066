// A join's account: the session token the SDK sends with a matchmaking request (`client.auth`), checked
// in the room's static onAuth (signature, type, expiry, revocation, ban) before any room is made or
// joined. A signed-in player's account rides to the room's own onAuth in a server-only option.
import { ServerError } from "@colyseus/core";
import type { SessionCheck } from "../accounts/service.ts";

/** The option the static onAuth sets for a signed-in join (a client's own is dropped: game-setup.ts). */
export const ACCOUNT_OPTION = "__account";

/** The signed-in player a join is for. */
export interface JoinAccount {
  userId: string;
  /** The account's name: a guest's typed name or a registered player's username. */
  name: string;
}

/** What checks a session token (server/accounts/service.ts). */
export interface SessionChecker {
  checkSession(token: string | undefined): Promise<SessionCheck>;
}

/**
 * The account of a join's session token; none without a token. A token that opens nothing fails the
 * join with UNAUTHORIZED, a banned account's with BANNED; UNAVAILABLE while the database is down.
 */
export async function joinAccount(sessions: SessionChecker, token: string | undefined): Promise<JoinAccount | null> {
  if (!token) return null;
  let check: SessionCheck;
  try {
    check = await sessions.checkSession(token);
  } catch (error) {
    throw new ServerError(503, `UNAVAILABLE: the session could not be checked (${(error as Error).message})`);
  }
  if (check.ok) return { userId: check.user.id, name: check.user.name };
  if (check.error.code === "BANNED") throw new ServerError(403, `BANNED: ${check.error.message}`);
  throw new ServerError(401, `UNAUTHORIZED: ${check.error.message}`);
}

/** The account the static onAuth put into a join's options, or null. */
export function accountOf(rawOptions: unknown): JoinAccount | null {
  const account = (rawOptions as Record<string, unknown> | null | undefined)?.[ACCOUNT_OPTION] as Partial<JoinAccount> | undefined;
  return typeof account?.userId === "string" && typeof account.name === "string" ? { userId: account.userId, name: account.name } : null;
}
