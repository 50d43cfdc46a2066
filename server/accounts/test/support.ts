// Support for the account tests: a real SMTP server that keeps every mail it receives, the /auth
// routes called as a client calls them, and SDK clients that join with a session token.
import { Client, type Room } from "@colyseus/sdk";
import { SMTPServer } from "smtp-server";
import type { AuthAnswer, AuthErrorBody, SyncedState } from "../../../shared/protocol/index.ts";

export interface ReceivedMail {
  to: string[];
  raw: string;
  /** The body with quoted-printable soft breaks and escapes undone. */
  text: string;
}

/** An SMTP server on 127.0.0.1 (no TLS, no auth) that keeps what it receives. */
export async function startMailbox(): Promise<{ url: string; mails: ReceivedMail[]; next(to: string): Promise<ReceivedMail>; close(): Promise<void> }> {
  const mails: ReceivedMail[] = [];
  const waiting: { to: string; resolve(mail: ReceivedMail): void }[] = [];
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const mail = { to: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()), raw, text: decodeQuotedPrintable(raw) };
        mails.push(mail);
        for (const waiter of waiting.splice(0)) {
          if (mail.to.includes(waiter.to.toLowerCase())) waiter.resolve(mail);
          else waiting.push(waiter);
        }
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    next: (to) =>
      new Promise((resolve) => {
        const already = mails.find((mail) => mail.to.includes(to.toLowerCase()) && !taken.has(mail));
        if (already) {
          taken.add(already);
          return resolve(already);
        }
        waiting.push({ to, resolve: (mail) => (taken.add(mail), resolve(mail)) });
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
const taken = new WeakSet<ReceivedMail>();

function decodeQuotedPrintable(raw: string): string {
  return raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The first link in a mail that starts with `base`. */
export function linkIn(mail: ReceivedMail, base: string): string {
  const escaped = base.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const match = new RegExp(`${escaped}[^\\s"<>]+`).exec(mail.text);
  if (!match) throw new Error(`no link to ${base} in the mail:\n${mail.text}`);
  return match[0];
}

export interface Answer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** One /auth request with a JSON body (and a bearer token), as the SDK's client.auth sends it. */
export async function call<T = AuthAnswer & AuthErrorBody>(url: string, method: string, path: string, options: { body?: unknown; token?: string; headers?: Record<string, string> } = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${url}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), redirect: "manual" });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // an HTML page
  }
  return { status: response.status, body: body as T, headers: response.headers };
}

let counter = 0;
/** A username and email no other test (or earlier run on the same database) has. */
export function freshAccount(prefix = "p"): { username: string; email: string; password: string } {
  const id = `${prefix}${Date.now().toString(36).slice(-5)}${(counter++).toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`.slice(0, 20);
  return { username: id, email: `${id}@example.test`, password: "correct horse battery" };
}

export async function guest(url: string, name: string): Promise<AuthAnswer> {
  const answer = await call<AuthAnswer>(url, "POST", "/auth/anonymous", { body: { options: { name } } });
  if (answer.status !== 200) throw new Error(`anonymous sign-in: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

export async function register(url: string, account: ReturnType<typeof freshAccount>, guestToken?: string): Promise<AuthAnswer> {
  const answer = await call<AuthAnswer>(url, "POST", "/auth/register", { body: { email: account.email, password: account.password, options: { username: account.username } }, token: guestToken });
  if (answer.status !== 200) throw new Error(`register: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

export async function login(url: string, email: string, password: string, guestToken?: string): Promise<Answer<AuthAnswer & AuthErrorBody>> {
  return call(url, "POST", "/auth/login", { body: { email, password }, token: guestToken });
}

/** An SDK client signed in with `token` (as `client.auth` holds it after a sign-in). */
export function signedInClient(url: string, token?: string): Client {
  const client = new Client(url);
  if (token) client.auth.token = token;
  return client;
}

/** Waits until the room's synchronized state satisfies `check`. */
export async function stateWhere(room: Room, check: (state: SyncedState) => boolean, timeoutMs = 10_000): Promise<SyncedState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = (room.state as { toJSON(): unknown }).toJSON() as SyncedState;
    if (state?.seats && check(state)) return state;
    if (Date.now() > deadline) throw new Error(`the state never matched: ${JSON.stringify(state)?.slice(0, 400)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The message a join was refused with. */
export async function joinRefusal(join: Promise<unknown>): Promise<string> {
  try {
    const room = (await join) as Room;
    await room.leave().catch(() => undefined);
    return "joined";
  } catch (error) {
    return (error as Error).message;
  }
}
