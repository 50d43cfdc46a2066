// The account suite, run against a real node on PostgreSQL and on the embedded PGlite by the
// accounts.*.test.ts files: every flow through the /auth routes as a client calls them, mail
// through a real SMTP server, joins through the real SDK. Each test makes its own users.
import { Client, type Room } from "@colyseus/sdk";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthAnswer, AuthErrorBody, PublicUser } from "../../../shared/protocol/index.ts";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scratchDatabase, startTestNode, type TestNode } from "../../testing.ts";
import { runAdminCommand } from "../admin-cli.ts";
import { signToken } from "../tokens.ts";
import { call, freshAccount, guest, joinRefusal, linkIn, login, register, signedInClient, startMailbox, stateWhere } from "./support.ts";

const PUBLIC_URL = "https://golf.example.test";

export function accountsSuite(backend: { postgres: boolean }): void {
  let node: TestNode;
  let mailbox: Awaited<ReturnType<typeof startMailbox>>;
  const rooms: Room[] = [];
  const leaveAll = async () => {
    for (const room of rooms.splice(0)) if (room.connection.isOpen) await room.leave().catch(() => undefined);
  };

  const sql = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> => {
    const client = new pg.Client({ connectionString: node.store.connectionString });
    await client.connect();
    try {
      return (await client.query<R>(text, values)).rows;
    } finally {
      await client.end();
    }
  };
  const userdata = (token: string) => call<{ user: PublicUser } & AuthErrorBody>(node.url, "GET", "/auth/userdata", { token });
  /** A lobby of `token`'s player (created by code, private) and the room. */
  const createGame = async (token: string, name = "Creator") => {
    const room = await signedInClient(node.url, token).create("golf", { name, private: true, seats: 3 });
    rooms.push(room);
    await stateWhere(room, (state) => state.seats.some((seat) => seat.kind === "human"));
    return room;
  };

  // The node's database outlives the node, so that a test can restart it on the same data.
  let scratch: Awaited<ReturnType<typeof scratchDatabase>> | undefined;
  let dataDir: string;
  const start = () =>
    startTestNode({ postgres: backend.postgres, databaseUrl: scratch?.url, dataDir, accounts: { smtpUrl: mailbox.url, publicUrl: PUBLIC_URL, adminEmails: ["boss@example.test"] } });

  beforeAll(async () => {
    mailbox = await startMailbox();
    scratch = backend.postgres ? await scratchDatabase(process.env.TEST_DATABASE_URL!) : undefined;
    dataDir = mkdtempSync(join(tmpdir(), "golf-accounts-"));
    node = await start();
  });
  afterAll(async () => {
    await leaveAll();
    await node?.close();
    await mailbox?.close();
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe("registration", () => {
    it("makes an account and answers its user and a session token; the password is never in an answer", async () => {
      const account = freshAccount();
      const { user, token } = await register(node.url, account);
      expect(user).toMatchObject({ name: account.username, username: account.username, email: account.email, guest: false, confirmed: false, admin: false, games: 0 });
      expect(JSON.stringify(user)).not.toMatch(/password|scrypt/);
      expect((await userdata(token)).body.user.id).toBe(user.id);
      const [row] = await sql<{ password_hash: string }>("SELECT password_hash FROM users WHERE id = $1", [user.id]);
      expect(row!.password_hash).toMatch(/^scrypt\$[0-9a-f]{32}\$[0-9a-f]{128}$/);
    });

    it("refuses with clear errors: a short password, a bad or reserved username, a taken username or email (ignoring case)", async () => {
      const taken = freshAccount();
      await register(node.url, taken);
      const attempt = (body: unknown) => call<AuthErrorBody>(node.url, "POST", "/auth/register", { body });
      const fresh = freshAccount();
      const cases: [unknown, number, string][] = [
        [{ email: fresh.email, password: "short12", options: { username: fresh.username } }, 400, "PASSWORD_TOO_SHORT"],
        [{ email: fresh.email, password: fresh.password, options: { username: "ab" } }, 400, "BAD_USERNAME"],
        [{ email: fresh.email, password: fresh.password, options: { username: "bad name!" } }, 400, "BAD_USERNAME"],
        [{ email: fresh.email, password: fresh.password, options: { username: "Marcus" } }, 400, "BAD_USERNAME"],
        [{ email: fresh.email, password: fresh.password, options: { username: "ADMIN" } }, 400, "BAD_USERNAME"],
        [{ email: fresh.email, password: fresh.password, options: { username: taken.username.toUpperCase() } }, 409, "USERNAME_TAKEN"],
        [{ email: taken.email.toUpperCase(), password: fresh.password, options: { username: fresh.username } }, 409, "EMAIL_TAKEN"],
        [{ email: "not an email", password: fresh.password, options: { username: fresh.username } }, 400, "BAD_REQUEST"],
        [{ email: fresh.email, password: fresh.password }, 400, "BAD_REQUEST"],
      ];
      for (const [body, status, code] of cases) {
        const answer = await attempt(body);
        expect({ status: answer.status, code: answer.body.code }, JSON.stringify(body)).toEqual({ status, code });
        expect(answer.body.message).toEqual(expect.any(String));
      }
      expect((await sql("SELECT 1 FROM users WHERE lower(email) = lower($1)", [fresh.email])).length).toBe(0);
    });

    it("upgrades a guest with games in place: same user id, the games stay theirs", async () => {
      const visitor = await guest(node.url, "Wanderer");
      expect(visitor.user).toMatchObject({ name: "Wanderer", guest: true, username: null, email: null });
      // No answer carries a password field, not even an empty one.
      expect(visitor.user).not.toHaveProperty("password");
      const room = await createGame(visitor.token, "Wanderer");
      const state = await stateWhere(room, (s) => s.seats.some((seat) => seat.userId === visitor.user.id));
      expect(state.seats.find((seat) => seat.userId === visitor.user.id)!.name).toBe("Wanderer");
      const account = freshAccount();
      const { user } = await register(node.url, account, visitor.token);
      expect(user).toMatchObject({ id: visitor.user.id, guest: false, username: account.username, games: 1 });
      expect(user).not.toHaveProperty("password");
      expect((await login(node.url, account.email, account.password)).body.user).not.toHaveProperty("password");
      expect((await sql("SELECT 1 FROM users WHERE id = $1", [visitor.user.id])).length).toBe(1);
    });

    it("takes no guest id from the body: only a verified guest token upgrades", async () => {
      const visitor = await guest(node.url, "Victim");
      const account = freshAccount();
      const answer = await call<AuthAnswer>(node.url, "POST", "/auth/register", {
        body: { email: account.email, password: account.password, options: { username: account.username, upgradingToken: { typ: "session", sub: visitor.user.id } } },
      });
      expect(answer.status).toBe(200);
      expect(answer.body.user.id).not.toBe(visitor.user.id);
      expect((await userdata(visitor.token)).body.user.guest).toBe(true);
    });

    it("confirms the email by the mailed link, built from PUBLIC_URL; the link's token signs nobody in", async () => {
      const account = freshAccount();
      const { token } = await register(node.url, account);
      const link = linkIn(await mailbox.next(account.email), `${PUBLIC_URL}/auth/confirm-email?token=`);
      const confirmToken = decodeURIComponent(new URL(link).searchParams.get("token")!);
      expect(confirmToken).not.toBe(token);
      expect((await userdata(confirmToken)).status).toBe(401);
      const opened = await call<string>(node.url, "GET", new URL(link).pathname + new URL(link).search);
      expect(opened.status).toBe(302);
      const page = await call<string>(node.url, "GET", opened.headers.get("location")!);
      expect(page.status).toBe(200);
      expect(page.body).toContain("confirmed");
      expect(page.body).not.toContain("<script");
      expect((await userdata(token)).body.user.confirmed).toBe(true);
      // A session token in the confirmation link confirms nothing.
      expect((await call<string>(node.url, "GET", `/auth/confirm-email?token=${encodeURIComponent(token)}`)).status).toBe(400);
    });
  });

  describe("sessions", () => {
    it("logs in on another device; both sessions work; a wrong password is INVALID_CREDENTIALS", async () => {
      const account = freshAccount();
      const first = await register(node.url, account);
      const second = await login(node.url, account.email.toUpperCase(), account.password);
      expect(second.status).toBe(200);
      expect(second.body.user.id).toBe(first.user.id);
      expect(second.body.token).not.toBe(first.token);
      expect((await userdata(first.token)).status).toBe(200);
      expect((await userdata(second.body.token)).status).toBe(200);
      for (const [email, password] of [[account.email, "wrong password"], ["nobody@example.test", account.password], ["not an email", "whatever1"]] as const) {
        const wrong = await login(node.url, email, password);
        expect({ status: wrong.status, code: wrong.body.code }).toEqual({ status: 401, code: "INVALID_CREDENTIALS" });
      }
    });

    it("signs out one session, or every session; a signed-out token opens nothing", async () => {
      const account = freshAccount();
      const a = await register(node.url, account);
      const b = (await login(node.url, account.email, account.password)).body;
      const c = (await login(node.url, account.email, account.password)).body;
      expect((await call(node.url, "POST", "/auth/logout", { token: a.token })).status).toBe(200);
      expect((await userdata(a.token)).body.code).toBe("UNAUTHORIZED");
      expect((await userdata(b.token)).status).toBe(200);
      const everywhere = await call<{ count: number }>(node.url, "POST", "/auth/logout-all", { token: b.token });
      expect(everywhere.body.count).toBe(2);
      expect((await userdata(b.token)).status).toBe(401);
      expect((await userdata(c.token)).status).toBe(401);
    });

    it("renews a session: a fresh token for the same session, a full lifetime ahead", async () => {
      const { token, user } = await register(node.url, freshAccount());
      const renewed = await call<AuthAnswer>(node.url, "POST", "/auth/renew", { token });
      expect(renewed.status).toBe(200);
      expect(renewed.body.user.id).toBe(user.id);
      const claims = JSON.parse(Buffer.from(renewed.body.token.split(".")[1]!, "base64url").toString()) as { typ: string; exp: number; sid: string };
      expect(claims.typ).toBe("session");
      expect(claims.exp * 1000).toBeGreaterThan(Date.now() + 29 * 24 * 3_600_000);
    });

    it("keeps the JWT secret in the database: a restarted node accepts the tokens it gave", async () => {
      const { token } = await register(node.url, freshAccount());
      const [row] = await sql<{ secret: string }>("SELECT secret FROM auth_secrets WHERE name = 'jwt'");
      expect(row!.secret).toBe(node.accounts.secret);
      await leaveAll();
      await node.close();
      node = await start();
      expect(node.accounts.secret).toBe(row!.secret);
      expect((await userdata(token)).status).toBe(200);
    });
  });

  describe("passwords", () => {
    it("changes a password: the other sessions end, this one goes on, the old password no longer signs in", async () => {
      const account = freshAccount();
      const here = await register(node.url, account);
      const elsewhere = (await login(node.url, account.email, account.password)).body;
      const wrong = await call<AuthErrorBody>(node.url, "POST", "/auth/password", { token: here.token, body: { currentPassword: "not it at all", newPassword: "a new password" } });
      expect({ status: wrong.status, code: wrong.body.code }).toEqual({ status: 403, code: "INVALID_CREDENTIALS" });
      const short = await call<AuthErrorBody>(node.url, "POST", "/auth/password", { token: here.token, body: { currentPassword: account.password, newPassword: "short" } });
      expect(short.body.code).toBe("PASSWORD_TOO_SHORT");
      const changed = await call<AuthAnswer>(node.url, "POST", "/auth/password", { token: here.token, body: { currentPassword: account.password, newPassword: "a new password" } });
      expect(changed.status).toBe(200);
      expect((await userdata(here.token)).status).toBe(200);
      expect((await userdata(elsewhere.token)).status).toBe(401);
      expect((await login(node.url, account.email, account.password)).body.code).toBe("INVALID_CREDENTIALS");
      expect((await login(node.url, account.email, "a new password")).status).toBe(200);
    });

    it("resets a forgotten password through the mailed link, once; every session ends", async () => {
      const account = freshAccount();
      const { token } = await register(node.url, account);
      await mailbox.next(account.email); // the confirmation mail
      const asked = await call(node.url, "POST", "/auth/forgot-password", { body: { email: account.email } });
      expect(asked.status).toBe(200);
      const link = linkIn(await mailbox.next(account.email), `${PUBLIC_URL}/auth/reset-password?token=`);
      const resetToken = new URL(link).searchParams.get("token")!;
      // The reset token is for this one thing: no user data, no room.
      expect((await userdata(resetToken)).status).toBe(401);
      expect(await joinRefusal(signedInClient(node.url, resetToken).create("golf", { name: "Sneaky" }))).toMatch(/^UNAUTHORIZED/);
      // The page (ours: no script, under the node's CSP), then the form as a browser posts it.
      const page = await call<string>(node.url, "GET", new URL(link).pathname + new URL(link).search);
      expect(page.status).toBe(200);
      expect(page.body).toContain('action="/auth/reset-password"');
      expect(page.body).not.toContain("<script");
      expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
      const post = (password: string) =>
        fetch(`${node.url}/auth/reset-password`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ token: resetToken, password }).toString() });
      const tooShort = await post("short");
      expect(tooShort.status).toBe(400);
      expect(await tooShort.text()).toContain("at least 8 characters");
      const done = await post("my reset password");
      expect(done.status).toBe(200);
      expect(await done.text()).toContain("Your password is changed");
      expect((await userdata(token)).status).toBe(401);
      expect((await login(node.url, account.email, "my reset password")).status).toBe(200);
      // The link works once.
      expect((await post("yet another password")).status).toBe(400);
      const again = await call<AuthErrorBody>(node.url, "POST", "/auth/reset-password", { body: { token: resetToken, password: "yet another password" } });
      expect(again.body.code).toBe("BAD_LINK");
    });

    it("answers forgot-password the same whether or not the email has an account, and mails only an account", async () => {
      const account = freshAccount();
      await register(node.url, account);
      const known = await call(node.url, "POST", "/auth/forgot-password", { body: { email: account.email } });
      const unknown = await call(node.url, "POST", "/auth/forgot-password", { body: { email: "nobody-here@example.test" } });
      const malformed = await call(node.url, "POST", "/auth/forgot-password", { body: { email: "not an email" } });
      for (const answer of [unknown, malformed]) expect({ status: answer.status, body: answer.body }).toEqual({ status: known.status, body: known.body });
      await mailbox.next(account.email);
      expect(mailbox.mails.some((mail) => mail.to.includes("nobody-here@example.test"))).toBe(false);
    });
  });

  describe("joining with a session", () => {
    it("seats a signed-in player under their user id; from a second client, joining the code gives the seat back", async () => {
      const { token, user } = await register(node.url, freshAccount());
      const room = await createGame(token, "Player One");
      const state = await stateWhere(room, (s) => s.seats.some((seat) => seat.userId === user.id));
      const seat = state.seats.findIndex((s) => s.userId === user.id);
      const code = state.code;
      // Another device: a new client with the same account, no seat token.
      const other = await signedInClient(node.url, token).joinById(code.toLowerCase(), {});
      rooms.push(other);
      const welcome = await new Promise<{ seat: number; role: string; token: string }>((resolve) => other.onMessage("welcome", resolve));
      expect(welcome).toMatchObject({ seat, role: "player" });
      expect(welcome.token).not.toBe("");
      const after = await stateWhere(other, (s) => s.seats.filter((x) => x.kind === "human").length === 1);
      expect(after.seats[seat]!.userId).toBe(user.id);
      // A stranger signed in elsewhere takes a seat of their own.
      const stranger = await guest(node.url, "Stranger");
      const third = await signedInClient(node.url, stranger.token).joinById(code, { name: "Stranger" });
      rooms.push(third);
      const both = await stateWhere(third, (s) => s.seats.filter((x) => x.kind === "human").length === 2);
      expect(both.seats.map((x) => x.userId).sort()).toEqual(["", stranger.user.id, user.id].sort());
    });

    it("works with the SDK's own client.auth: a guest registers in place, signs in on a second client, which gets the seat by code", async () => {
      const first = new Client(node.url);
      const second = new Client(node.url);
      try {
        const visitor = await first.auth.signInAnonymously({ name: "Sdk Guest" });
        const account = freshAccount();
        const registered = await first.auth.registerWithEmailAndPassword(account.email, account.password, { username: account.username });
        expect(registered.user.id).toBe(visitor.user.id);
        const room = await first.create("golf", { name: "Sdk Player", private: true, seats: 3 });
        rooms.push(room);
        const seat = (await stateWhere(room, (s) => s.seats.some((x) => x.userId === visitor.user.id))).seats.findIndex((x) => x.userId === visitor.user.id);
        const signedIn = await second.auth.signInWithEmailAndPassword(account.email, account.password);
        expect(signedIn.user.id).toBe(visitor.user.id);
        expect((await second.auth.getUserData()).user.username).toBe(account.username);
        const again = await second.joinById(room.roomId, {});
        rooms.push(again);
        const welcome = await new Promise<{ seat: number; role: string }>((resolve) => again.onMessage("welcome", resolve));
        expect(welcome).toMatchObject({ seat, role: "player" });
      } finally {
        // The SDK keeps the token in a store shared by every client of this process.
        await first.auth.signOut();
        await second.auth.signOut();
      }
    });

    it("refuses a bad, expired or signed-out session with UNAUTHORIZED and a banned account with BANNED", async () => {
      const account = freshAccount();
      const { token, user } = await register(node.url, account);
      const host = await guest(node.url, "Host");
      const room = await createGame(host.token, "Host");
      const code = room.roomId;
      const join = (bearer: string) => joinRefusal(signedInClient(node.url, bearer).joinById(code, { name: "Tries" }));
      expect(await join("not-a-jwt")).toMatch(/^UNAUTHORIZED/);
      const [{ sid }] = [JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { sid: string }];
      expect(await join(signToken(node.accounts.secret, { typ: "session", sub: user.id, sid }, Date.now() - 1000))).toMatch(/^UNAUTHORIZED/);
      expect(await join(signToken("another secret entirely, 32 chars+", { typ: "session", sub: user.id, sid }, Date.now() + 60_000))).toMatch(/^UNAUTHORIZED/);
      // The session's own end has passed (the token's has not).
      const later = (await login(node.url, account.email, account.password)).body.token;
      await sql("UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE id = $1", [JSON.parse(Buffer.from(later.split(".")[1]!, "base64url").toString()).sid]);
      expect(await join(later)).toMatch(/^UNAUTHORIZED/);
      const confirmLink = linkIn(await mailbox.next(account.email), `${PUBLIC_URL}/auth/confirm-email?token=`);
      expect(await join(new URL(confirmLink).searchParams.get("token")!)).toMatch(/^UNAUTHORIZED/);
      await call(node.url, "POST", "/auth/logout", { token });
      expect(await join(token)).toMatch(/^UNAUTHORIZED/);
      // Banned: at sign-in and at join, with the reason and the end.
      const fresh = (await login(node.url, account.email, account.password)).body.token;
      const until = new Date(Date.now() + 86_400_000).toISOString();
      expect(await runAdminCommand(node.store.accounts, ["ban", account.username, "--reason", "rude at the table", "--until", until])).toMatch(/banned/);
      const refused = await join(fresh);
      expect(refused).toMatch(/^BANNED: .*rude at the table/);
      const signIn = await login(node.url, account.email, account.password);
      expect(signIn.status).toBe(403);
      expect(signIn.body).toMatchObject({ code: "BANNED", reason: "rude at the table", until });
      await runAdminCommand(node.store.accounts, ["unban", account.email]);
      const back = await login(node.url, account.email, account.password);
      expect(back.status).toBe(200);
      expect(await join(back.body.token)).toBe("joined");
      // Without a session nothing changes: the existing seat tokens are the way back.
      expect(await joinRefusal(signedInClient(node.url).joinById(code, { name: "Anonymous" }))).toBe("joined");
    });
  });

  describe("merging, deleting, admins", () => {
    it("merges a guest with games into an account at login: recorded, announced, the guest's session ends", async () => {
      const account = freshAccount();
      const { user: owner } = await register(node.url, account);
      const visitor = await guest(node.url, "Guesty");
      await createGame(visitor.token, "Guesty");
      expect((await userdata(visitor.token)).body.user.games).toBe(1);
      const merged: [string, string][] = [];
      const stop = node.accounts.onGuestMerged((from, into) => void merged.push([from, into]));
      try {
        const signIn = await login(node.url, account.email, account.password, visitor.token);
        expect(signIn.body.user.id).toBe(owner.id);
        const answer = await call<{ ok: boolean; count: number }>(node.url, "POST", "/auth/merge-guest", { token: signIn.body.token, body: { guestToken: visitor.token } });
        expect(answer.body).toEqual({ ok: true, count: 1 });
        expect(merged).toEqual([[visitor.user.id, owner.id]]);
        const rows = await sql<{ from_user_id: string; into_user_id: string }>("SELECT from_user_id, into_user_id FROM user_merges WHERE into_user_id = $1", [owner.id]);
        expect(rows).toEqual([{ from_user_id: visitor.user.id, into_user_id: owner.id }]);
        expect((await userdata(visitor.token)).status).toBe(401);
        const twice = await call<AuthErrorBody>(node.url, "POST", "/auth/merge-guest", { token: signIn.body.token, body: { guestToken: visitor.token } });
        expect(twice.status).toBe(400);
      } finally {
        stop();
      }
    });

    it("deletes an account: signed out, anonymous, its games kept", async () => {
      const account = freshAccount();
      const { token, user } = await register(node.url, account);
      const room = await createGame(token, "Leaving");
      const gameId = (await stateWhere(room, (s) => s.gameId !== "")).gameId;
      const wrong = await call<AuthErrorBody>(node.url, "POST", "/auth/delete-account", { token, body: { password: "not my password" } });
      expect(wrong.body.code).toBe("INVALID_CREDENTIALS");
      expect((await call(node.url, "POST", "/auth/delete-account", { token, body: { password: account.password } })).status).toBe(200);
      expect((await userdata(token)).status).toBe(401);
      expect((await login(node.url, account.email, account.password)).body.code).toBe("INVALID_CREDENTIALS");
      const [row] = await sql<{ name: string; email: string | null; username: string | null; password_hash: string | null }>("SELECT name, email, username, password_hash FROM users WHERE id = $1", [user.id]);
      expect(row).toEqual({ name: "Deleted player", email: null, username: null, password_hash: null });
      expect((await sql("SELECT 1 FROM games WHERE id = $1", [gameId])).length).toBe(1);
      // The username and email are free again.
      await register(node.url, account);
    });

    it("deletes guests who never played after 30 days, and keeps those with games", async () => {
      const idle = await guest(node.url, "Idle");
      const player = await guest(node.url, "Player");
      await createGame(player.token, "Player");
      await sql("UPDATE users SET created_at = now() - interval '31 days' WHERE id = ANY($1::uuid[])", [[idle.user.id, player.user.id]]);
      expect(await node.accounts.pruneGuests()).toBeGreaterThanOrEqual(1);
      expect((await userdata(idle.token)).status).toBe(401);
      expect((await userdata(player.token)).status).toBe(200);
    });

    // The embedded database takes one process at a time (the command needs the node stopped): the
    // shell command is checked on PostgreSQL; on PGlite the same actions are checked in process below.
    if (backend.postgres) it("bans from a shell: npm run admin -- ban <username> --reason R --until ISO", async () => {
      const account = freshAccount();
      await register(node.url, account);
      const until = new Date(Date.now() + 3_600_000).toISOString();
      const run = (args: string[]) =>
        new Promise<{ code: number | null; output: string }>((resolve) => {
          const child = spawn(process.execPath, ["--import", "tsx", "server/accounts/admin-cli.ts", ...args], { env: { ...process.env, DATABASE_URL: scratch!.url }, stdio: ["ignore", "pipe", "pipe"] });
          let output = "";
          child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
          child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
          child.on("exit", (code) => resolve({ code, output }));
        });
      const banned = await run(["ban", account.username, "--reason", "spam", "--until", until]);
      expect(banned).toMatchObject({ code: 0 });
      expect(banned.output).toContain("banned (spam)");
      expect((await login(node.url, account.email, account.password)).body).toMatchObject({ code: "BANNED", reason: "spam", until });
      const usage = await run(["explode", account.username]);
      expect(usage.code).toBe(2);
      expect(usage.output).toContain("usage: npm run admin");
    });

    it("makes admins by ADMIN_EMAILS or by the admin command", async () => {
      const boss = await register(node.url, { username: freshAccount().username, email: "boss@example.test", password: "the boss password" });
      expect(boss.user.admin).toBe(true);
      const account = freshAccount();
      const { token } = await register(node.url, account);
      await runAdminCommand(node.store.accounts, ["grant", account.email]);
      expect((await userdata(token)).body.user.admin).toBe(true);
      await runAdminCommand(node.store.accounts, ["ungrant", account.username]);
      expect((await userdata(token)).body.user.admin).toBe(false);
      const revoked = await runAdminCommand(node.store.accounts, ["revoke", account.username]);
      expect(revoked).toMatch(/1 sessions ended/);
      expect((await userdata(token)).status).toBe(401);
      await expect(runAdminCommand(node.store.accounts, ["ban"])).rejects.toThrow(/usage/);
      await expect(runAdminCommand(node.store.accounts, ["ban", "nobody-at-all"])).rejects.toThrow(/no account/);
      await expect(runAdminCommand(node.store.accounts, ["ban", account.username, "--until", "yesterday"])).rejects.toThrow(/--until/);
    });
  });
}
