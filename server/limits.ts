// Every limit on abuse, in one place, read from the environment (strict by default). A node takes
// them from `NodeOptions.limits`, else from the environment, else these defaults. The benchmarks
// and the load test, which send thousands of clients from one address, raise them for the nodes
// they start (RELAXED_LIMITS_ENV). docs/security.md lists each limit and what it guards.
import proxyaddr from "proxy-addr";
import { z } from "zod";

const count = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

const limitsSchema = z.object({
  /** Requests per minute per address to /api routes (reads: exports, shares, live games). */
  HTTP_REQUESTS_PER_MINUTE: count(120),
  /** Imports per hour per address. */
  IMPORTS_PER_HOUR: count(20),
  /** Imports waiting for the import checker (a worker thread) before the next is answered 503. */
  IMPORT_QUEUE: count(4),
  /** Share links created per hour per address. */
  SHARES_PER_HOUR: count(30),
  /** Requests per minute per address to the account routes under /auth. */
  AUTH_REQUESTS_PER_MINUTE: count(30),
  /** Sign-ins, registrations, password resets and changes, confirmations per hour per account (by email or user). */
  AUTH_ATTEMPTS_PER_HOUR: count(20),
  /** Guest accounts made per hour per address (POST /auth/anonymous). */
  GUESTS_PER_HOUR: count(20),
  /** Matchmaking requests (create, join, joinById, joinOrCreate) per minute per address. */
  JOINS_PER_MINUTE: count(30),
  /** Rooms one address may hold open at once (lobbies and running games it created). */
  ROOMS_PER_ADDRESS: count(3),
  /** Open TCP connections (HTTP and WebSocket) per address. */
  CONNECTIONS_PER_ADDRESS: count(32),
  /** Game messages per second per client before they are answered RATE_LIMITED (the contract asks >= 30). */
  MESSAGES_PER_SECOND: count(40),
  /** Messages per second per client past which the client is disconnected (a flood). */
  FLOOD_MESSAGES_PER_SECOND: count(200),
  /** Longest a request may take to arrive in full, headers and body (ms). */
  REQUEST_TIMEOUT_MS: count(15_000),
  /** Longest the headers of a request may take to arrive (ms). */
  HEADERS_TIMEOUT_MS: count(10_000),
  /**
   * Which proxies to believe for the client's address (X-Forwarded-For): unset or "false" trusts
   * none; otherwise express's `trust proxy` setting (a hop count, "loopback", a list of addresses).
   */
  TRUST_PROXY: z.string().default("false"),
  /** Origins allowed to call the API and matchmaker from a browser, comma-separated (default: same origin only). */
  ALLOWED_ORIGINS: z.string().default(""),
  /** Bearer token that opens /metrics; without it /metrics answers only on METRICS_PORT. */
  METRICS_TOKEN: z.string().default(""),
  /** A separate port, bound to 127.0.0.1, that serves /metrics with no token (0: none). */
  METRICS_PORT: count(0),
});

export type LimitsEnv = z.infer<typeof limitsSchema>;

export interface Limits {
  httpRequestsPerMinute: number;
  importsPerHour: number;
  importQueue: number;
  sharesPerHour: number;
  joinsPerMinute: number;
  authRequestsPerMinute: number;
  authAttemptsPerHour: number;
  guestsPerHour: number;
  roomsPerAddress: number;
  connectionsPerAddress: number;
  messagesPerSecond: number;
  floodMessagesPerSecond: number;
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  /** express's `trust proxy` value: false, a hop count, or an address list. */
  trustProxy: boolean | number | string;
  /** Exact origins (scheme://host[:port]) allowed cross-origin; empty: same origin only. */
  allowedOrigins: string[];
  metricsToken: string;
  metricsPort: number;
}

/** Thrown with a message naming the variable when a limit in the environment is malformed. */
export class LimitsError extends Error {}

/** The limits from `env` (default process.env). */
export function limitsFromEnv(env: Record<string, string | undefined> = process.env): Limits {
  const present = Object.fromEntries(Object.keys(limitsSchema.shape).flatMap((key) => (env[key] !== undefined && env[key] !== "" ? [[key, env[key]]] : [])));
  const parsed = limitsSchema.safeParse(present);
  if (!parsed.success) throw new LimitsError(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; "));
  const e = parsed.data;
  return {
    httpRequestsPerMinute: e.HTTP_REQUESTS_PER_MINUTE,
    importsPerHour: e.IMPORTS_PER_HOUR,
    importQueue: e.IMPORT_QUEUE,
    sharesPerHour: e.SHARES_PER_HOUR,
    joinsPerMinute: e.JOINS_PER_MINUTE,
    authRequestsPerMinute: e.AUTH_REQUESTS_PER_MINUTE,
    authAttemptsPerHour: e.AUTH_ATTEMPTS_PER_HOUR,
    guestsPerHour: e.GUESTS_PER_HOUR,
    roomsPerAddress: e.ROOMS_PER_ADDRESS,
    connectionsPerAddress: e.CONNECTIONS_PER_ADDRESS,
    messagesPerSecond: e.MESSAGES_PER_SECOND,
    floodMessagesPerSecond: e.FLOOD_MESSAGES_PER_SECOND,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    headersTimeoutMs: e.HEADERS_TIMEOUT_MS,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    allowedOrigins: e.ALLOWED_ORIGINS.split(",").map((origin) => origin.trim()).filter(Boolean),
    metricsToken: e.METRICS_TOKEN,
    metricsPort: e.METRICS_PORT,
  };
}

function parseTrustProxy(value: string): boolean | number | string {
  const text = value.trim();
  if (text === "" || text === "false" || text === "0") return false;
  if (text === "true") return true;
  if (/^\d+$/.test(text)) return Number(text);
  try {
    proxyaddr.compile(text.split(",").map((part) => part.trim()));
  } catch (error) {
    throw new LimitsError(`TRUST_PROXY: ${(error as Error).message} (a hop count, true, or addresses, subnets and names such as loopback)`);
  }
  return text;
}

/**
 * The /metrics token of the nodes that benchmarks, the load test and tests start on this machine
 * (they read /metrics to measure); never a production setting.
 */
export const LOCAL_METRICS_TOKEN = "local-bench-metrics";

/** The header that opens /metrics on such a node. */
export const LOCAL_METRICS_HEADERS = { authorization: `Bearer ${LOCAL_METRICS_TOKEN}` };

/**
 * What the benchmarks and the load test give the nodes they start: thousands of clients from one
 * address, each as fast as it can. The per-client message limit stays the product's.
 */
export const RELAXED_LIMITS_ENV: Record<string, string> = {
  HTTP_REQUESTS_PER_MINUTE: "1000000",
  IMPORTS_PER_HOUR: "1000000",
  SHARES_PER_HOUR: "1000000",
  JOINS_PER_MINUTE: "1000000",
  AUTH_REQUESTS_PER_MINUTE: "1000000",
  AUTH_ATTEMPTS_PER_HOUR: "1000000",
  GUESTS_PER_HOUR: "1000000",
  ROOMS_PER_ADDRESS: "1000000",
  CONNECTIONS_PER_ADDRESS: "1000000",
  METRICS_TOKEN: LOCAL_METRICS_TOKEN,
};

/** The same, as `Limits` overrides for a node started in-process (tests). */
export const RELAXED_LIMITS: Partial<Limits> = {
  httpRequestsPerMinute: 1_000_000,
  importsPerHour: 1_000_000,
  sharesPerHour: 1_000_000,
  joinsPerMinute: 1_000_000,
  authRequestsPerMinute: 1_000_000,
  authAttemptsPerHour: 1_000_000,
  guestsPerHour: 1_000_000,
  roomsPerAddress: 1_000_000,
  connectionsPerAddress: 1_000_000,
  metricsToken: LOCAL_METRICS_TOKEN,
};
