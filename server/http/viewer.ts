// Who is asking: the user of the request's session token (`Authorization: Bearer`, as the SDK's
// client.auth sends it), checked by the accounts (docs/accounts.md). No header: nobody, which the
// open routes accept; a header whose token opens nothing: 401 (403 for a ban), never a silent guest.
import type { Request } from "express";
import type { UserRecord } from "../store/index.ts";
import type { AccountService } from "../accounts/service.ts";
import { bearerToken } from "../accounts/tokens.ts";
import { HttpError } from "./errors.ts";

export interface Viewer {
  user: UserRecord;
  admin: boolean;
}

/** The request's signed-in user, or null without an Authorization header. */
export async function viewerOf(req: Request, accounts: AccountService): Promise<Viewer | null> {
  const header = req.headers.authorization;
  if (header === undefined) return null;
  const token = bearerToken(header);
  if (!token) throw new HttpError(401, "Authorization must be `Bearer <session token>`", {}, { "WWW-Authenticate": "Bearer" });
  const check = await accounts.checkSession(token);
  if (!check.ok) throw new HttpError(check.error.status, check.error.message, { code: check.error.code, ...check.error.extra }, check.error.status === 401 ? { "WWW-Authenticate": "Bearer" } : {});
  return { user: check.user, admin: accounts.isAdmin(check.user) };
}

/** The request's signed-in user; 401 without a session. */
export async function requireViewer(req: Request, accounts: AccountService, what: string): Promise<Viewer> {
  const viewer = await viewerOf(req, accounts);
  if (!viewer) throw new HttpError(401, `${what} needs a session: sign in (Authorization: Bearer <session token>)`, {}, { "WWW-Authenticate": "Bearer" });
  return viewer;
}
