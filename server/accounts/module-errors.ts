// @colyseus/auth answers its errors as 401 `{ error: "<what>" }` (403 `{ error: "banned", reason,
// until }` for a ban, 400 `{ message, code: "VALIDATION_ERROR" }` for a body it refuses). Every
// /auth error of ours is `{ code, message }`: this middleware, put right before the module, holds
// the module's error answer and writes ours instead. Its successful answers pass untouched.
import type { RequestHandler, Response } from "express";
import type { AuthErrorBody } from "../../shared/protocol/index.ts";

/** The module's error strings, as ours. */
const KNOWN: Record<string, { status: number; code: AuthErrorBody["code"]; message: string }> = {
  invalid_credentials: { status: 401, code: "INVALID_CREDENTIALS", message: "wrong email or password" },
  email_malformed: { status: 401, code: "INVALID_CREDENTIALS", message: "wrong email or password" },
  email_already_in_use: { status: 409, code: "EMAIL_TAKEN", message: "an account with this email exists: sign in, or reset its password" },
  username_taken: { status: 409, code: "USERNAME_TAKEN", message: "that username is taken" },
};

export function translateModuleError(status: number, text: string): { status: number; body: AuthErrorBody } {
  let answer: { error?: unknown; message?: unknown; reason?: unknown; until?: unknown } = {};
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    // not JSON: answered as a plain failure below
  }
  const what = typeof answer.error === "string" ? answer.error : typeof answer.message === "string" ? answer.message : "";
  if (what === "banned") {
    const reason = typeof answer.reason === "string" ? answer.reason : null;
    const until = typeof answer.until === "string" ? answer.until : null;
    return { status: 403, body: { code: "BANNED", message: `this account is banned${reason ? `: ${reason}` : ""}${until ? ` (until ${until})` : ""}`, reason, until } };
  }
  const known = KNOWN[what];
  if (known) return { status: known.status, body: { code: known.code, message: known.message } };
  if (status === 400) return { status, body: { code: "BAD_REQUEST", message: what || "bad request" } };
  if (status >= 500) return { status, body: { code: "UNAVAILABLE", message: "internal error: the server could not answer this request" } };
  return { status, body: { code: "UNAUTHORIZED", message: what || "unauthorized" } };
}

export const moduleErrorsAsOurs: RequestHandler = (_req, res, next) => {
  const original = { writeHead: res.writeHead, write: res.write, end: res.end };
  let held: { status: number; chunks: Buffer[] } | null = null;
  const toBuffer = (chunk: unknown) => (typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
  res.writeHead = function (this: Response, status: number, ...rest: unknown[]) {
    if (status < 400) return original.writeHead.call(this, status, ...(rest as []));
    held = { status, chunks: [] };
    return this;
  } as Response["writeHead"];
  res.write = function (this: Response, chunk: unknown, ...rest: unknown[]) {
    if (!held) return original.write.call(this, chunk, ...(rest as [BufferEncoding]));
    held.chunks.push(toBuffer(chunk));
    return true;
  } as Response["write"];
  res.end = function (this: Response, chunk?: unknown, ...rest: unknown[]) {
    if (!held) return original.end.call(this, chunk, ...(rest as [BufferEncoding]));
    if (chunk !== undefined && typeof chunk !== "function") held.chunks.push(toBuffer(chunk));
    const { status, body } = translateModuleError(held.status, Buffer.concat(held.chunks).toString("utf8"));
    const text = JSON.stringify(body);
    this.removeHeader("content-length");
    this.setHeader("content-type", "application/json; charset=utf-8");
    this.setHeader("cache-control", "no-store");
    original.writeHead.call(this, status);
    return original.end.call(this, text, "utf8");
  } as Response["end"];
  next();
};
