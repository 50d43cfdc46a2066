// What accounts do, apart from HTTP: guests, registration (a guest upgraded in place), sessions
// (issued, checked, renewed, revoked), bans, password changes and resets, email confirmation,
// deletion, merging a guest into an account, and the sweep of guests who never played. The routes
// (routes.ts), @colyseus/auth's callbacks (module-bridge.ts), the room's join check and the admin
// command all call this.
import { randomBytes, randomUUID } from "node:crypto";
import { Hash } from "@colyseus/auth";
import type { Logger } from "pino";
import type { AuthErrorCode, PublicUser } from "../../shared/protocol/index.ts";
import type { Accounts, NewAccount, SessionRecord, UserRecord } from "../store/index.ts";
import type { AccountsConfig } from "./config.ts";
import type { Mailer } from "./mailer.ts";
import { ACCOUNT_SESSION_MS, CONFIRM_TOKEN_MS, DAY_MS, GUEST_SESSION_MS, passwordVersion, readToken, RESET_TOKEN_MS, signToken, type SessionClaims } from "./tokens.ts";

/** What a deleted account is called from then on (its games stay). */
export const DELETED_NAME = "Deleted player";
/** Guests who never took a seat are deleted this long after they were made. */
export const GUEST_RETENTION_MS = 30 * DAY_MS;

/** A refusal with the code and HTTP status an /auth route answers it with. */
export class AccountError extends Error {
  constructor(
    readonly code: AuthErrorCode,
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "AccountError";
  }
}

/** A session token checked: its user and session, or why it opens nothing. */
export type SessionCheck = { ok: true; user: UserRecord; session: SessionRecord } | { ok: false; error: AccountError };

/** A ban in force as an answer: why, and until when (ISO; null: no end). */
export function bannedError(ban: NonNullable<UserRecord["ban"]>): AccountError {
  const until = ban.until === null ? null : new Date(ban.until).toISOString();
  const message = `this account is banned${ban.reason ? `: ${ban.reason}` : ""}${until ? ` (until ${until})` : ""}`;
  return new AccountError("BANNED", 403, message, { reason: ban.reason || null, until });
}

const unauthorized = (message: string) => new AccountError("UNAUTHORIZED", 401, message);

export type GuestMergedListener = (fromUserId: string, intoUserId: string) => void | Promise<void>;

export class AccountService {
  private readonly mergeListeners = new Set<GuestMergedListener>();

  private constructor(
    readonly store: Accounts,
    readonly config: AccountsConfig,
    /** The JWT secret: JWT_SECRET, or the one kept in the database. */
    readonly secret: string,
    private readonly mailer: Mailer,
    readonly logger: Logger,
    private readonly clock: () => number,
  ) {}

  /** The service with its secret loaded (made and kept on the first start of the first node when JWT_SECRET is unset). */
  static async open(store: Accounts, config: AccountsConfig, mailer: Mailer, logger: Logger, clock: () => number = Date.now): Promise<AccountService> {
    const secret = config.jwtSecret ?? (await store.secret("jwt", () => randomBytes(48).toString("base64url")));
    return new AccountService(store, config, secret, mailer, logger, clock);
  }

  /** `onGuestMerged(from, into)`: called once a guest's games count for an account (the stats subscribe). */
  onGuestMerged(listener: GuestMergedListener): () => void {
    this.mergeListeners.add(listener);
    return () => this.mergeListeners.delete(listener);
  }

  isAdmin(user: UserRecord): boolean {
    return user.admin || (user.email !== null && this.config.adminEmails.includes(user.email.toLowerCase()));
  }

  /** The ban in force on `user`, if any (one whose end has passed is not). */
  activeBan(user: UserRecord): UserRecord["ban"] {
    return user.ban && (user.ban.until === null || user.ban.until > this.clock()) ? user.ban : null;
  }

  /** The user as the user sees it. */
  async publicUser(user: UserRecord): Promise<PublicUser> {
    return {
      id: user.id,
      name: user.name,
      username: user.username,
      email: user.email,
      guest: user.guest,
      confirmed: user.confirmedAt !== null,
      admin: this.isAdmin(user),
      games: await this.store.gameCount(user.id),
    };
  }

  // --- sessions --------------------------------------------------------------------------------

  private lifetime(user: UserRecord): number {
    return user.guest ? GUEST_SESSION_MS : ACCOUNT_SESSION_MS;
  }

  /** A new session for `user`, and its token. */
  async startSession(user: UserRecord): Promise<string> {
    const session = await this.store.createSession(randomUUID(), user.id, this.clock() + this.lifetime(user));
    return this.tokenFor(session);
  }

  /** A session token for `session`, expiring when it does. */
  tokenFor(session: SessionRecord): string {
    return signToken(this.secret, { typ: "session", sub: session.userId, sid: session.id }, session.expiresAt);
  }

  /** A session token checked: signed by us, of type session, not expired, its session live, its user not deleted nor banned. */
  async checkSession(token: string | undefined): Promise<SessionCheck> {
    if (!token) return { ok: false, error: unauthorized("no session token") };
    const claims = readToken(this.secret, token, "session", this.clock());
    if (!claims) return { ok: false, error: unauthorized("the session token is not valid (expired, or not a session token)") };
    return this.checkClaims(claims);
  }

  /** The claims of a session token already verified (the module's userdata route verifies it itself). */
  async checkClaims(claims: Pick<SessionClaims, "sub" | "sid">): Promise<SessionCheck> {
    if (typeof claims.sid !== "string" || typeof claims.sub !== "string") return { ok: false, error: unauthorized("not a session token") };
    const session = await this.store.session(claims.sid).catch(() => null);
    const now = this.clock();
    if (!session || session.userId !== claims.sub) return { ok: false, error: unauthorized("unknown session") };
    const user = await this.store.byId(session.userId);
    if (!user) return { ok: false, error: unauthorized("this account no longer exists") };
    // A ban ends the account's sessions; its holder is told it is banned, not just signed out.
    const ban = this.activeBan(user);
    if (ban) return { ok: false, error: bannedError(ban) };
    if (session.revokedAt !== null) return { ok: false, error: unauthorized("this session was signed out") };
    if (session.expiresAt <= now) return { ok: false, error: unauthorized("this session has expired: sign in again") };
    // Renewed on use: its end moves a full lifetime ahead (written at most once a day).
    const renewed = now + this.lifetime(user);
    if (session.expiresAt < renewed - DAY_MS) {
      session.expiresAt = renewed;
      this.store.extendSession(session.id, renewed).catch((error: unknown) => this.logger.warn({ err: error }, "session not extended"));
    }
    return { ok: true, user, session };
  }

  /** The check's user and session, or its error thrown. */
  async requireSession(token: string | undefined): Promise<{ user: UserRecord; session: SessionRecord }> {
    const check = await this.checkSession(token);
    if (!check.ok) throw check.error;
    return check;
  }

  async logout(session: SessionRecord): Promise<void> {
    await this.store.revokeSession(session.id);
  }

  /** Signs out every device; how many sessions ended. */
  async logoutEverywhere(user: UserRecord): Promise<number> {
    return this.store.revokeSessions(user.id);
  }

  // --- guests and registration -----------------------------------------------------------------

  createGuest(name: string): Promise<UserRecord> {
    return this.store.createGuest(randomUUID(), name);
  }

  /** Refuses a username or email another account has (the store's unique indexes decide at the write). */
  async checkFree(username: string, email: string): Promise<void> {
    if (await this.store.byUsername(username)) throw new AccountError("USERNAME_TAKEN", 409, `the username ${username} is taken`);
    if (await this.store.byEmail(email)) throw new AccountError("EMAIL_TAKEN", 409, "an account with this email exists: sign in, or reset its password");
  }

  /** Registration: the guest `guestId` upgraded in place (same id), or a new account. */
  async register(account: NewAccount, guestId: string | undefined): Promise<UserRecord> {
    const upgraded = guestId ? await this.store.upgradeGuest(guestId, account) : null;
    return upgraded ?? (await this.store.createAccount(randomUUID(), account));
  }

  // --- passwords ---------------------------------------------------------------------------------

  async changePassword(user: UserRecord, session: SessionRecord, currentPassword: string, newPassword: string): Promise<void> {
    if (user.guest) throw new AccountError("NOT_REGISTERED", 400, "a guest has no password: register first");
    if (!(await Hash.verify(currentPassword, user.passwordHash))) throw new AccountError("INVALID_CREDENTIALS", 403, "the current password is wrong");
    await this.store.setPasswordHash(user.id, await Hash.make(newPassword));
    await this.store.revokeSessions(user.id, session.id);
  }

  /** Mails a reset link to the account with this email, if there is one (the caller answers the same either way). */
  async sendPasswordReset(email: string): Promise<void> {
    const user = await this.store.byEmail(email);
    if (!user || user.guest) return;
    const token = signToken(this.secret, { typ: "reset", sub: user.id, pwv: passwordVersion(user.passwordHash) }, this.clock() + RESET_TOKEN_MS);
    const link = `${this.config.publicUrl}/auth/reset-password?token=${encodeURIComponent(token)}`;
    await this.mailer.send({
      to: user.email!,
      subject: "Reset your Six-Card Golf password",
      text: `Someone asked to reset the password of the Six-Card Golf account ${user.username}.\n\nTo choose a new password, open this link within 30 minutes:\n${link}\n\nIf it was not you, ignore this mail: your password stays as it is.`,
      link,
    });
  }

  /** A reset link used: the new password set, every session ended. The link works once. */
  async resetPassword(token: string, password: string): Promise<void> {
    const badLink = new AccountError("BAD_LINK", 400, "this reset link is not valid any more (used, expired or mistyped): ask for a new one");
    const claims = readToken(this.secret, token, "reset", this.clock());
    if (!claims) throw badLink;
    const user = await this.store.byId(claims.sub);
    if (!user || user.guest || passwordVersion(user.passwordHash) !== claims.pwv) throw badLink;
    await this.store.setPasswordHash(user.id, await Hash.make(password));
    await this.store.revokeSessions(user.id);
  }

  // --- email confirmation ----------------------------------------------------------------------

  /** Mails the link that confirms `user`'s email (a confirmation token: it signs nobody in). */
  async sendConfirmation(user: UserRecord): Promise<void> {
    if (!user.email) return;
    const token = signToken(this.secret, { typ: "confirm", sub: user.id, email: user.email }, this.clock() + CONFIRM_TOKEN_MS);
    const link = `${this.config.publicUrl}/auth/confirm-email?token=${encodeURIComponent(token)}`;
    await this.mailer.send({
      to: user.email,
      subject: "Confirm your Six-Card Golf email",
      text: `Welcome to Six-Card Golf, ${user.username}!\n\nConfirm this email address by opening this link within 7 days:\n${link}`,
      link,
    });
  }

  /** Whether a confirmation token is valid and names the account's current email. */
  async confirmationValid(token: string): Promise<boolean> {
    const claims = readToken(this.secret, token, "confirm", this.clock());
    if (!claims) return false;
    const user = await this.store.byId(claims.sub);
    return user?.email?.toLowerCase() === claims.email.toLowerCase();
  }

  // --- deletion and merging --------------------------------------------------------------------

  /** Deletes the account (a registered player confirms with the password); its games stay, under DELETED_NAME. */
  async deleteAccount(user: UserRecord, password: string | undefined): Promise<void> {
    if (!user.guest && !(await Hash.verify(password ?? "", user.passwordHash))) throw new AccountError("INVALID_CREDENTIALS", 403, "the password is wrong");
    await this.store.deleteUser(user.id, DELETED_NAME);
  }

  /** Merges the guest of `guestToken` into the signed-in account `into`; the guest's game count. */
  async mergeGuest(into: UserRecord, guestToken: string): Promise<number> {
    if (into.guest) throw new AccountError("NOT_REGISTERED", 400, "sign in to a registered account to merge a guest into it");
    const guest = await this.checkSession(guestToken);
    if (!guest.ok) throw new AccountError("BAD_REQUEST", 400, `guestToken: ${guest.error.message}`);
    if (!guest.user.guest) throw new AccountError("BAD_REQUEST", 400, "guestToken: that session is not a guest's");
    const games = await this.store.gameCount(guest.user.id);
    if (!(await this.store.mergeGuest(guest.user.id, into.id))) throw new AccountError("BAD_REQUEST", 400, "guestToken: that guest was merged or deleted already");
    for (const listener of this.mergeListeners) {
      await Promise.resolve()
        .then(() => listener(guest.user.id, into.id))
        .catch((error: unknown) => this.logger.error({ err: error, from: guest.user.id, into: into.id }, "an onGuestMerged listener failed"));
    }
    return games;
  }

  /** Deletes the guests older than GUEST_RETENTION_MS who never took a seat; how many. */
  pruneGuests(): Promise<number> {
    return this.store.pruneGuests(this.clock() - GUEST_RETENTION_MS);
  }
}
