// @colyseus/auth's routes with our callbacks. The module keeps its settings and the JWT secret in
// process-wide singletons, as Colyseus keeps its matchmaker: one node per process, and the node
// installs them at its start. Our checks run before any request reaches the module (routes.ts);
// here are only the callbacks, each doing what the module asks of it through the service.
import { auth, JWT, type JwtPayload } from "@colyseus/auth";
import type { RequestHandler } from "express";
import type { PublicUser } from "../../shared/protocol/index.ts";
import { EmailTakenError, UsernameTakenError, type UserRecord } from "../store/index.ts";
import { AccountError, type AccountService } from "./service.ts";

/** What the module reads a user as: the public user and, for its login check only, the hash (dropped before it answers). */
type ModuleUser = PublicUser & { password: string };

/** Installs our callbacks and secret into the module and returns its request handler. */
export function authModuleRoutes(accounts: AccountService): RequestHandler {
  JWT.settings.secret = accounts.secret;
  JWT.settings.verify = { algorithms: ["HS256"] };
  // Links are ours and start with PUBLIC_URL; this keeps the module from taking a Host header for it.
  auth.backend_url = accounts.config.publicUrl;
  const moduleUser = async (user: UserRecord): Promise<ModuleUser> => ({ ...(await accounts.publicUser(user)), password: user.passwordHash ?? "" });

  const routes = auth.routes({
    // Login and registration look the account up by email; guests have none.
    onFindUserByEmail: async (email) => {
      const user = await accounts.store.byEmail(email);
      return user && !user.guest ? moduleUser(user) : null;
    },
    // `options` was checked by routes.ts (a username); `upgradingToken` is set by the module only
    // from a verified Authorization header (routes.ts drops any a client put in the body, and the
    // header if it is not a live guest session).
    onRegisterWithEmailAndPassword: async (email, passwordHash, options: { username: string; upgradingToken?: JwtPayload }) => {
      const guestId = options.upgradingToken?.typ === "session" ? String(options.upgradingToken.sub) : undefined;
      // Two registrations at once: the store's unique index decides; the module answers this string.
      const user = await accounts.register({ username: options.username, email, passwordHash }, guestId).catch((error: unknown) => {
        if (error instanceof UsernameTakenError) throw new Error("username_taken");
        if (error instanceof EmailTakenError) throw new Error("email_already_in_use");
        throw error;
      });
      // Mailed after the answer: an SMTP server that is slow must not hold the registration.
      void accounts.sendConfirmation(user).catch((error: unknown) => accounts.logger.warn({ err: error }, "confirmation mail not sent"));
      return user;
    },
    // The module answers this user as it is (it drops `password` on login and registration only): a guest has none to show.
    onRegisterAnonymously: async (options: { name: string }) => accounts.publicUser(await accounts.createGuest(options.name)),
    onEmailConfirmed: async (email) => accounts.store.confirmEmail(email),
    // Every token the module hands out is a new revocable session with an expiry.
    onGenerateToken: async (user) => {
      const record = await accounts.store.byId((user as PublicUser).id);
      if (!record) throw new AccountError("UNAUTHORIZED", 401, "this account no longer exists");
      return accounts.startSession(record);
    },
    // GET /auth/userdata: the token's session must be live (not signed out, expired or banned).
    onParseToken: async (claims) => {
      if ((claims as { typ?: unknown }).typ !== "session") throw new AccountError("UNAUTHORIZED", 401, "not a session token");
      const check = await accounts.checkClaims(claims as { sub: string; sid: string });
      if (!check.ok) throw check.error;
      return accounts.publicUser(check.user);
    },
    onCheckBanned: async (user) => {
      const record = await accounts.store.byId((user as PublicUser).id);
      const ban = record && accounts.activeBan(record);
      return ban ? { reason: ban.reason || null, until: ban.until === null ? null : new Date(ban.until) } : null;
    },
  });
  return routes as unknown as RequestHandler;
}
