// The account routes under /auth (docs/accounts.md). Everything a request brings is checked here
// first: the rate limits (per address, and per account), the body's size and shape (zod schemas of
// shared/protocol/accounts.ts), the username and password rules, a guest token to upgrade. Then
// @colyseus/auth answers anonymous sign-in, registration, login and the confirmation link with our
// callbacks (module-bridge.ts); the routes it gets wrong for us (forgot and reset password, the
// user's data) and the ones it lacks (renew, sign out, sign out everywhere, password change,
// deletion, merging a guest) are answered here. Every error is `{ code, message }`.
import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import type { z } from "zod";
import {
  anonymousBodySchema,
  changePasswordBodySchema,
  deleteAccountBodySchema,
  forgotPasswordBodySchema,
  loginBodySchema,
  mergeGuestBodySchema,
  registerBodySchema,
  resetPasswordBodySchema,
  type AuthAnswer,
  type AuthErrorBody,
  type AuthOkAnswer,
} from "../../shared/protocol/index.ts";
import type { LimiterFactory } from "../http/guard.ts";
import type { Limits } from "../limits.ts";
import { EmailTakenError, StoreUnavailableError, UsernameTakenError, type SessionRecord, type UserRecord } from "../store/index.ts";
import { authModuleRoutes } from "./module-bridge.ts";
import { moduleErrorsAsOurs } from "./module-errors.ts";
import { confirmEmailPage, resetPasswordPage } from "./pages.ts";
import { AccountError, type AccountService } from "./service.ts";
import { bearerToken, readToken } from "./tokens.ts";

/** The largest body an /auth route reads. */
export const AUTH_BODY_LIMIT = "8kb";
const HOUR = 3_600_000;

export interface AccountRoutesDeps {
  accounts: AccountService;
  limits: Limits;
  limiter: LimiterFactory;
}

/** A request whose session token was checked. */
type SignedIn = Request & { signedIn: { user: UserRecord; session: SessionRecord } };
const signedIn = (req: Request) => (req as SignedIn).signedIn;

export function accountRoutes({ accounts, limits, limiter }: AccountRoutesDeps): express.Router {
  const router = express.Router();
  const module = authModuleRoutes(accounts);
  const now = () => Date.now();
  const perAddress = limiter({ name: "auth", windowMs: 60_000, limit: limits.authRequestsPerMinute, what: "account requests", body: rateLimited });
  const guests = limiter({ name: "guests", windowMs: HOUR, limit: limits.guestsPerHour, what: "guest sign-ins", body: rateLimited });
  // Per account: by the email a request names, or the signed-in user, or the user a link is for.
  const perAccount = (name: string, key: (req: Request) => string | undefined) =>
    limiter({ name: `auth-${name}`, windowMs: HOUR, limit: limits.authAttemptsPerHour, what: `${name} attempts`, body: rateLimited, account: key });
  const byEmail = (req: Request) => (typeof req.body?.email === "string" ? req.body.email.trim().toLowerCase() : undefined);
  const byUser = (req: Request) => signedIn(req)?.user.id;
  const byLink = (typ: "reset" | "confirm", token: (req: Request) => unknown) => (req: Request) => {
    const value = token(req);
    return typeof value === "string" ? readToken(accounts.secret, value, typ, now())?.sub : undefined;
  };

  router.use("/auth", perAddress, express.json({ limit: AUTH_BODY_LIMIT }), express.urlencoded({ extended: false, limit: AUTH_BODY_LIMIT }));

  /** The session of the request's bearer token, or 401 UNAUTHORIZED / 403 BANNED. */
  const session: RequestHandler = async (req, _res, next) => {
    (req as SignedIn).signedIn = await accounts.requireSession(bearerToken(req.headers.authorization));
    next();
  };
  const answer = async (user: UserRecord, session: SessionRecord): Promise<AuthAnswer> => ({ user: await accounts.publicUser(user), token: accounts.tokenFor(session) });

  // --- answered by @colyseus/auth, after our checks ----------------------------------------------

  router.post("/auth/anonymous", guests, checked(anonymousBodySchema), moduleErrorsAsOurs, module);

  router.post("/auth/register", checked(registerBodySchema), perAccount("registration", byEmail), async (req, _res, next) => {
    // Only a live guest's session upgrades that guest; any other bearer is not passed on (a new account is made).
    const bearer = await accounts.checkSession(bearerToken(req.headers.authorization));
    if (!bearer.ok || !bearer.user.guest) delete req.headers.authorization;
    await accounts.checkFree(req.body.options.username, req.body.email);
    next();
  }, moduleErrorsAsOurs, module);

  router.post("/auth/login", checked(loginBodySchema), perAccount("sign-in", byEmail), moduleErrorsAsOurs, module);

  router.get("/auth/confirm-email", perAccount("confirmation", byLink("confirm", (req) => req.query.token)), async (req, res, next) => {
    if (typeof req.query.success === "string") return void res.type("html").send(confirmEmailPage({ ok: true, message: "Thank you: your email address is confirmed." }));
    const token = req.query.token;
    if (typeof token !== "string" || !(await accounts.confirmationValid(token))) {
      return void res.status(400).type("html").send(confirmEmailPage({ ok: false, message: "This confirmation link is not valid (expired, or for another address)." }));
    }
    next();
  }, module);

  // --- answered here -----------------------------------------------------------------------------

  router.get("/auth/userdata", session, async (req, res) => {
    res.json({ user: await accounts.publicUser(signedIn(req).user) });
  });

  // A fresh token for the same session, its expiry a full lifetime ahead (renewed on use).
  router.post("/auth/renew", session, async (req, res) => {
    const { user, session: current } = signedIn(req);
    res.json(await answer(user, current));
  });

  router.post("/auth/logout", session, async (req, res) => {
    await accounts.logout(signedIn(req).session);
    res.json({ ok: true } satisfies AuthOkAnswer);
  });

  router.post("/auth/logout-all", session, async (req, res) => {
    res.json({ ok: true, count: await accounts.logoutEverywhere(signedIn(req).user) } satisfies AuthOkAnswer);
  });

  router.post("/auth/password", session, perAccount("password", byUser), checked(changePasswordBodySchema), async (req, res) => {
    const { user, session: current } = signedIn(req);
    await accounts.changePassword(user, current, req.body.currentPassword, req.body.newPassword);
    res.json(await answer((await accounts.store.byId(user.id))!, current));
  });

  router.post("/auth/delete-account", session, perAccount("deletion", byUser), checked(deleteAccountBodySchema), async (req, res) => {
    await accounts.deleteAccount(signedIn(req).user, req.body.password);
    res.json({ ok: true } satisfies AuthOkAnswer);
  });

  router.post("/auth/merge-guest", session, perAccount("merge", byUser), checked(mergeGuestBodySchema), async (req, res) => {
    res.json({ ok: true, count: await accounts.mergeGuest(signedIn(req).user, req.body.guestToken) } satisfies AuthOkAnswer);
  });

  // The same answer whether or not an account has this email, at once: the mail goes out afterwards.
  router.post("/auth/forgot-password", checked(forgotPasswordBodySchema), perAccount("reset", byEmail), (req, res) => {
    void accounts.sendPasswordReset(req.body.email.trim()).catch((error: unknown) => accounts.logger.warn({ err: error }, "reset mail not sent"));
    res.json({ ok: true } satisfies AuthOkAnswer);
  });

  router.get("/auth/reset-password", (req, res) => {
    res.type("html").send(resetPasswordPage({ token: typeof req.query.token === "string" ? req.query.token : "" }));
  });

  router.post("/auth/reset-password", perAccount("reset", byLink("reset", (req) => req.body?.token)), async (req, res) => {
    const form = req.is("application/x-www-form-urlencoded") !== false;
    const parsed = resetPasswordBodySchema.safeParse(req.body ?? {});
    try {
      if (!parsed.success) throw bodyError(parsed.error);
      await accounts.resetPassword(parsed.data.token, parsed.data.password);
    } catch (error) {
      if (!form || !(error instanceof AccountError)) throw error;
      const token = typeof req.body?.token === "string" ? req.body.token : "";
      return void res.status(error.status).type("html").send(resetPasswordPage({ token, error: error.message }));
    }
    if (form) res.type("html").send(resetPasswordPage({ token: "", done: true }));
    else res.json({ ok: true } satisfies AuthOkAnswer);
  });

  router.use("/auth", (req) => {
    throw new AccountError("NOT_FOUND", 404, `no account route ${req.method} ${req.originalUrl.split("?")[0]!.slice(0, 100)}`);
  });
  router.use("/auth", (error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const refusal = asAccountError(error);
    if (refusal.status >= 500) accounts.logger.error({ err: error }, "an account route failed");
    res.status(refusal.status).set("Cache-Control", "no-store").json({ code: refusal.code, message: refusal.message, ...refusal.extra } as AuthErrorBody);
  });
  return router;
}

/** The body checked against `schema` and replaced by what it parses to (unknown keys dropped). */
function checked(schema: z.ZodType): RequestHandler {
  return (req, _res, next) => {
    const parsed = schema.safeParse(req.body ?? {});
    if (!parsed.success) throw bodyError(parsed.error);
    req.body = parsed.data;
    next();
  };
}

function bodyError(error: z.ZodError): AccountError {
  const issue = error.issues[0]!;
  const path = issue.path.join(".");
  const message = `${path || "body"}: ${issue.message}`;
  if (path.endsWith("assword") && issue.code === "too_small") return new AccountError("PASSWORD_TOO_SHORT", 400, message);
  if (path === "options.username") return new AccountError("BAD_USERNAME", 400, message);
  return new AccountError("BAD_REQUEST", 400, message);
}

function rateLimited(message: string): Record<string, unknown> {
  return { code: "RATE_LIMITED", message } satisfies AuthErrorBody;
}

/** Every error of an /auth route as an AccountError: its code, status and message. */
function asAccountError(error: unknown): AccountError {
  if (error instanceof AccountError) return error;
  if (error instanceof UsernameTakenError) return new AccountError("USERNAME_TAKEN", 409, error.message);
  if (error instanceof EmailTakenError) return new AccountError("EMAIL_TAKEN", 409, error.message);
  if (error instanceof StoreUnavailableError) return new AccountError("UNAVAILABLE", 503, "the database is unavailable: try again in a moment");
  const type = (error as { type?: string }).type;
  if (type === "entity.too.large") return new AccountError("TOO_LARGE", 413, `an account request's body is at most ${AUTH_BODY_LIMIT}`);
  if (type === "entity.parse.failed" || type === "encoding.unsupported" || type === "charset.unsupported") return new AccountError("BAD_REQUEST", 400, "the body is not valid JSON or form data");
  return new AccountError("UNAVAILABLE", 500, "internal error: the server could not answer this request");
}
