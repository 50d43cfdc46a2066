// What stands between the network and the node: the client's address (X-Forwarded-For only from
// trusted proxies), a cap on open connections per address, the origin allow-list, the rate limits
// (shared through Redis in a cluster) and a raw request listener that nothing a client sends can
// make throw. Colyseus answers /matchmake itself, before express, so the checks that must cover
// it too live here, in front of every other request listener.
import type http from "node:http";
import type net from "node:net";
import { rateLimit, ipKeyGenerator, MemoryStore, type RateLimitRequestHandler, type Store } from "express-rate-limit";
import { RedisStore, type RedisReply } from "rate-limit-redis";
import type { Redis } from "ioredis";
import type express from "express";
import proxyaddr from "proxy-addr";
import type { Logger } from "pino";
import type { Limits } from "../limits.ts";

/** Decides whether the proxy at `address` (hop `i`, 0 = the socket's peer) is believed. */
export type TrustFn = (address: string, i: number) => boolean;

/** The same rule express applies for its `trust proxy` setting, so the raw listener and express agree. */
export function compileTrust(value: Limits["trustProxy"]): TrustFn {
  if (value === true) return () => true;
  if (value === false) return () => false;
  if (typeof value === "number") return (_address, i) => i < value;
  // A list of addresses, subnets or names ("loopback", "uniquelocal"); throws on a malformed one.
  return proxyaddr.compile(value.split(",").map((part) => part.trim()));
}

/** The client's address: the socket's peer, or the nearest untrusted X-Forwarded-For hop. */
export function clientAddress(req: http.IncomingMessage, trust: TrustFn): string {
  try {
    return proxyaddr(req as Parameters<typeof proxyaddr>[0], trust);
  } catch {
    return req.socket.remoteAddress ?? "unknown";
  }
}

/** A JSON 429 with Retry-After, for a request that express never saw. */
export function tooMany(res: http.ServerResponse, retryAfterSeconds: number, body: Record<string, unknown>, extraHeaders: Record<string, string> = {}): void {
  if (res.headersSent) return void res.end();
  const text = JSON.stringify(body);
  res.writeHead(429, { ...extraHeaders, "content-type": "application/json", "retry-after": String(Math.max(1, Math.ceil(retryAfterSeconds))), "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function answerJson(res: http.ServerResponse, status: number, body: Record<string, unknown>): void {
  if (res.headersSent) return void res.end();
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
  res.end(text);
}

export interface LimiterFactory {
  /**
   * A limiter of `limit` hits per `windowMs` per address; `what` names it in the 429's error, `name` in
   * Redis. With `account`, per account instead: the key it gives (a request it gives none for is not counted).
   */
  (options: { name: string; windowMs: number; limit: number; what: string; body?: (message: string) => Record<string, unknown>; account?: (req: express.Request) => string | undefined }): RateLimitRequestHandler;
  /** Counts hits of any key in windows of `windowMs`: resolves to the hits of the current window, this one included. */
  counter(name: string, windowMs: number): (key: string) => Promise<number>;
}

/**
 * Rate limiters keyed by client address, counted in Redis when the node has one (every node of a
 * cluster then shares the counts), else in this process.
 */
export function limiterFactory(trust: TrustFn, redis: Redis | undefined): LimiterFactory {
  const storeFor = (name: string): Store =>
    redis ? new RedisStore({ prefix: `golf:rl:${name}:`, sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply> }) : new MemoryStore();
  const factory = ({ name, windowMs, limit, what, body, account }: Parameters<LimiterFactory>[0]) => {
    const store = storeFor(name);
    const whose = account ? "for this account" : "from your address";
    return rateLimit({
      windowMs,
      limit,
      store,
      standardHeaders: "draft-7",
      legacyHeaders: false,
      // Our key generator applies express's own trust rule (also outside express, for /matchmake).
      validate: false,
      // A limiter whose store is down lets requests through rather than taking the node down with it.
      passOnStoreError: true,
      keyGenerator: account ? (req) => account(req)! : (req) => ipKeyGenerator(clientAddress(req as unknown as http.IncomingMessage, trust)),
      skip: account ? (req) => account(req) === undefined : undefined,
      handler: (req, res) => {
        const reset = (req as unknown as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
        const seconds = reset ? (reset.getTime() - Date.now()) / 1000 : windowMs / 1000;
        const message = `too many ${what} ${whose}: at most ${limit} per ${describeWindow(windowMs)}; try again in ${Math.max(1, Math.ceil(seconds))} s`;
        tooMany(res as unknown as http.ServerResponse, seconds, body ? body(message) : { error: message });
      },
    });
  };
  factory.counter = (name: string, windowMs: number) => {
    const store = storeFor(name);
    // MemoryStore's timer must not keep a process alive; RedisStore loads its script here.
    void store.init?.({ windowMs } as never);
    return async (key: string) => (await store.increment(key)).totalHits;
  };
  return factory;
}

function describeWindow(ms: number): string {
  if (ms === 60_000) return "minute";
  if (ms === 3_600_000) return "hour";
  return `${Math.round(ms / 1000)} s`;
}

/** Whether `origin` may call the API and the matchmaker from a browser. */
export function originAllowed(req: http.IncomingMessage, origin: string, allowed: readonly string[], trust: TrustFn): boolean {
  if (allowed.includes(origin)) return true;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  // Same origin: the page came from this very host (as the client addressed it, or as a trusted
  // proxy says the client addressed it).
  const forwarded = req.headers["x-forwarded-host"];
  const viaProxy = typeof forwarded === "string" && trust(req.socket.remoteAddress ?? "", 0) ? forwarded.split(",")[0]!.trim() : undefined;
  return host === (viaProxy ?? req.headers.host);
}

export interface GuardOptions {
  limits: Limits;
  trust: TrustFn;
  logger: Logger;
  /** JOINS_PER_MINUTE in front of /matchmake. */
  joinLimiter: RateLimitRequestHandler;
  /** Runs after the guard's checks pass (the join-code preflight, then Colyseus and express). */
  next(req: http.IncomingMessage, res: http.ServerResponse): void;
}

/** The largest matchmaking body (join and create options): 16 kB. */
export const MATCHMAKE_BODY_LIMIT = 16 * 1024;

/** Whether a path's percent escapes decode (express and Colyseus would otherwise throw on it). */
function decodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

function validBase(req: http.IncomingMessage): boolean {
  const proto = req.headers["x-forwarded-proto"] ?? "http";
  try {
    new URL(`${String(proto)}://${req.headers.host}`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Takes over the server's request listeners: every request goes through the guard, and only then
 * through the listeners that were there before (Colyseus's router, express). Nothing thrown by a
 * listener while it handles a request escapes to the process.
 */
export function guardRequests(server: http.Server, options: GuardOptions): void {
  const { limits, trust, logger, joinLimiter } = options;
  server.removeAllListeners("request");
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    try {
      const url = req.url ?? "/";
      const path = url.split("?")[0]!;
      if (!url.startsWith("/") || !decodable(path)) {
        return answerJson(res, 400, { error: "the request path is malformed (a bad percent escape?)" });
      }
      // Colyseus builds a URL from these headers for the requests it answers, and a URL that does
      // not parse would reject a promise nobody awaits (which stops the process).
      if (!validBase(req)) return answerJson(res, 400, { error: "the Host or X-Forwarded-Proto header is malformed" });
      const api = path === "/api" || path.startsWith("/api/") || path === "/auth" || path.startsWith("/auth/") || path === "/metrics" || path === "/health";
      const matchmake = path.startsWith("/matchmake/");
      const origin = req.headers.origin;
      if ((api || matchmake) && origin !== undefined && !originAllowed(req, origin, limits.allowedOrigins, trust)) {
        return answerJson(res, 403, { error: `origin ${origin.slice(0, 100)} may not call this server (ALLOWED_ORIGINS)` });
      }
      if (matchmake && req.method === "POST") {
        // Only the matchmaker's own methods on the one room type: Colyseus answers anything else
        // with its error code as the HTTP status (520 for an unknown method).
        const route = /^\/matchmake\/(joinOrCreate|create|join|joinById|reconnect)\/([^/]+)/.exec(path);
        if (!route || (route[1] !== "joinById" && route[1] !== "reconnect" && route[2] !== "golf")) {
          return answerJson(res, 404, { code: 4210, error: `NOT_FOUND: no matchmaking route ${path.slice(0, 100)} (POST /matchmake/<create|join|joinOrCreate|joinById|reconnect>/golf)` });
        }
        // The matchmaker reads its body by Content-Type (FormData, text, ...) and answers 500 when
        // that fails: its bodies are JSON, read as JSON, never compressed.
        const encoding = req.headers["content-encoding"];
        if (encoding !== undefined && encoding !== "identity") return answerJson(res, 415, { error: "matchmaking bodies are JSON, not encoded" });
        // The matchmaker buffers a body whole: options are small, so a body must say its length and
        // keep under MATCHMAKE_BODY_LIMIT.
        const length = Number(req.headers["content-length"] ?? 0);
        if (req.headers["transfer-encoding"] !== undefined || !(length <= MATCHMAKE_BODY_LIMIT)) {
          return answerJson(res, 413, { error: `matchmaking bodies are JSON with a Content-Length of at most ${MATCHMAKE_BODY_LIMIT} bytes` });
        }
        req.headers["content-type"] = "application/json";
        Promise.resolve(joinLimiter(req as never, res as never, () => run(options.next, req, res, logger))).catch((error: unknown) => fail(res, error, logger));
        return;
      }
      run(options.next, req, res, logger);
    } catch (error) {
      fail(res, error, logger);
    }
  });
}

function run(next: GuardOptions["next"], req: http.IncomingMessage, res: http.ServerResponse, logger: Logger): void {
  try {
    next(req, res);
  } catch (error) {
    fail(res, error, logger);
  }
}

function fail(res: http.ServerResponse, error: unknown, logger: Logger): void {
  logger.error({ err: error }, "a request listener threw");
  if (!res.headersSent) answerJson(res, 500, { error: "internal error: the server could not answer this request" });
  else res.destroy();
}

/**
 * At most `perAddress` open connections (HTTP keep-alive and WebSocket alike) from one address; the
 * one over the cap is answered 429 and closed. Connections from a trusted proxy are not counted
 * here (their clients' addresses are only known from the requests).
 */
export function capConnections(server: http.Server, perAddress: number, trust: TrustFn): void {
  const open = new Map<string, number>();
  server.on("connection", (socket: net.Socket) => {
    const address = socket.remoteAddress ?? "unknown";
    if (trust(address, 0)) return;
    const count = (open.get(address) ?? 0) + 1;
    if (count > perAddress) {
      const body = JSON.stringify({ error: `too many open connections from your address: at most ${perAddress}` });
      socket.on("error", () => socket.destroy());
      socket.end(`HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nRetry-After: 5\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      return;
    }
    open.set(address, count);
    socket.once("close", () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
