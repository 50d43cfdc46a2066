// The node's HTTP API (docs/protocol.md, HTTP): health, metrics, CPU personalities, live games, export,
// import and share links. One express Router, mounted at the app root by the node. Every answer of
// an /api route is JSON, errors included: `{ error: "<what went wrong>" }`.
import { timingSafeEqual } from "node:crypto";
import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import type { Logger } from "pino";
import { CPU_PROFILES } from "../../shared/golf/index.ts";
import { isGameId, shareRequestSchema, type CpuProfileInfo, type HealthBody, type ImportAnswer, type LiveGame, type ShareAnswer, type SharedGame } from "../../shared/protocol/index.ts";
import type { NodeMetrics } from "../metrics.ts";
import {
  BadExportError,
  NotFinishedError,
  StoreUnavailableError,
  UnknownGameError,
  type Store,
} from "../store/index.ts";
import { limitsFromEnv, type Limits } from "../limits.ts";
import { clientAddress, compileTrust, limiterFactory, type LimiterFactory } from "./guard.ts";
import { ImportBusyError, ImportQueue } from "./import-queue.ts";

export interface HttpDeps {
  store: Store;
  metrics: NodeMetrics;
  /** This node's PUBLIC_ADDRESS or host:port. */
  nodeId: string;
  /** Running games on all nodes (the room layer provides it). */
  liveGames(): Promise<LiveGame[]>;
  /** The other nodes this node sees (single node: []). */
  otherNodes(): Promise<string[]>;
  /** Presence/driver health (in-process presence: always true). */
  presenceOk(): Promise<boolean>;
  logger: Logger;
  /** How long /health waits for each dependency before calling it down (default 2000 ms). */
  healthTimeoutMs?: number;
  /** Limits on abuse (default: from the environment). */
  limits?: Limits;
  /** Makes the rate limiters (default: counted in this process). */
  limiter?: LimiterFactory;
}

/** The largest import body, as docs/protocol.md says: 1 MB. */
export const IMPORT_LIMIT_BYTES = 1024 * 1024;
const SHARE_LIMIT_BYTES = 16 * 1024;
const DEFAULT_HEALTH_TIMEOUT_MS = 2000;
// Share codes are 12 url-safe base64 characters; anything far from that cannot be one.
const SHARE_CODE = /^[A-Za-z0-9_-]{1,64}$/;

/** An error with the HTTP status and JSON body to answer it with. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export function createApiRouter(deps: HttpDeps): express.Router & { close(): Promise<void> } {
  const router = express.Router();
  const healthTimeoutMs = deps.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;
  const limits = deps.limits ?? limitsFromEnv();
  const trust = compileTrust(limits.trustProxy);
  const limiter = deps.limiter ?? limiterFactory(trust, undefined);
  const imports = new ImportQueue(limits.importQueue);
  const HOUR = 3_600_000;
  const perAddress = limiter({ name: "api", windowMs: 60_000, limit: limits.httpRequestsPerMinute, what: "API requests" });
  const importLimit = limiter({ name: "imports", windowMs: HOUR, limit: limits.importsPerHour, what: "imports" });
  const shareLimit = limiter({ name: "shares", windowMs: HOUR, limit: limits.sharesPerHour, what: "share links" });
  // A share's view counts once per address per hour.
  const views = limiter.counter("views", HOUR);

  router.get("/health", async (_req, res) => {
    // Each check has its own deadline, so a hung database or presence cannot hang the check.
    const [dbOk, presenceOk, nodes] = await Promise.all([
      settle(deps.store.ping(), healthTimeoutMs, false),
      settle(deps.presenceOk(), healthTimeoutMs, false),
      settle(deps.otherNodes(), healthTimeoutMs, null),
    ]);
    // The other nodes are learned through presence: not knowing them means presence is not working.
    const status = { db: dbOk ? "ok" : "down", presence: presenceOk && nodes !== null ? "ok" : "down" } as const;
    const body = { db: status.db, presence: status.presence, node: deps.nodeId, nodes: nodes ?? [] };
    const down = (Object.keys(status) as (keyof typeof status)[]).filter((name) => status[name] === "down");
    res.set("Cache-Control", "no-store");
    if (down.length === 0) res.json({ status: "ok", ...body } satisfies HealthBody);
    else res.status(503).json({ status: "unavailable", ...body, down } satisfies HealthBody);
  });

  // Not public: only with `Authorization: Bearer <METRICS_TOKEN>`; without a token set, only on
  // METRICS_PORT (served by the node on 127.0.0.1), so here it is not found.
  router.get("/metrics", async (req, res) => {
    if (!limits.metricsToken) throw new HttpError(404, "metrics are not served here (METRICS_PORT)");
    if (!bearerMatches(req.headers.authorization, limits.metricsToken)) {
      throw new HttpError(401, "metrics need Authorization: Bearer <METRICS_TOKEN>", {}, { "WWW-Authenticate": "Bearer" });
    }
    const text = await deps.metrics.registry.metrics();
    res.set("Content-Type", deps.metrics.registry.contentType).send(text);
  });

  router.use("/api", perAddress);

  router.get("/api/cpu-profiles", (_req, res) => {
    res.json(CPU_PROFILES.map(({ name, style, traits }): CpuProfileInfo => ({ name, style, traits })));
  });

  router.get("/api/games/live", async (_req, res) => {
    const games = await deps.liveGames();
    res.set("Cache-Control", "no-store").json(games satisfies LiveGame[]);
  });

  router.get("/api/games/:gameId/export", async (req, res) => {
    const gameId = gameIdParam(req);
    let doc;
    try {
      doc = await deps.store.exports.exportGame(gameId);
    } catch (err) {
      if (err instanceof NotFinishedError) {
        throw new HttpError(404, `game ${gameId} is not finished (it is ${err.status}): only a finished game can be exported`);
      }
      throw err;
    }
    // The day the game ended, for a file name that sorts and says when it was played.
    const day = (doc.game.endedAt ?? doc.game.createdAt).slice(0, 10);
    res.attachment(`golf-${doc.game.code}-${day}.json`).json(doc);
  });

  router.post("/api/games/import", importLimit, rawBody(IMPORT_LIMIT_BYTES, "1 MB"), async (req, res) => {
    // Parsed and replayed on the import worker, off the event loop; a refused import stores nothing.
    let checked;
    try {
      checked = await imports.check(req.body as Buffer);
    } catch (err) {
      if (err instanceof ImportBusyError) throw new HttpError(503, err.message, {}, { "Retry-After": "5" });
      throw err;
    }
    if (!checked.ok) throw new HttpError(400, checked.error, checked.seq === undefined ? {} : { seq: checked.seq });
    // The same game imported again gives back the game already imported.
    let existing = await deps.store.exports.findImport(checked.hash);
    let gameId = existing;
    if (!gameId) {
      try {
        gameId = await deps.store.exports.importGame(checked.doc, { hash: checked.hash });
      } catch (err) {
        // The same import, sent twice at once: the other one stored it (the hash is unique).
        existing = await deps.store.exports.findImport(checked.hash).catch(() => null);
        if (!existing) throw err;
        gameId = existing;
      }
    }
    if (!existing) deps.logger.info({ gameId, events: checked.doc.events.length }, "game imported");
    res
      .status(existing ? 200 : 201)
      .location(`/api/games/${gameId}/export`)
      .json({ gameId: gameId!, ...(existing ? { existing: true } : {}) } satisfies ImportAnswer);
  });

  router.post("/api/games/:gameId/share", shareLimit, jsonBody(SHARE_LIMIT_BYTES, "16 kB"), async (req, res) => {
    const gameId = gameIdParam(req);
    const parsed = shareRequestSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new HttpError(400, issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : `the body must be { title?, expiresDays? }: ${issue.message}`);
    }
    let share;
    try {
      share = await deps.store.shares.create(gameId, parsed.data);
    } catch (err) {
      // The game exists but cannot be shared yet: a conflict with its state, not a missing thing.
      if (err instanceof NotFinishedError) {
        throw new HttpError(409, `game ${gameId} is not finished (it is ${err.status}): only a finished game can be shared`);
      }
      throw err;
    }
    res.status(201).json({ code: share.code, url: `/r/${share.code}` } satisfies ShareAnswer);
  });

  router.get("/api/shares/:code", async (req, res) => {
    const code = String(req.params.code);
    // A view is counted once per address per hour.
    const first = SHARE_CODE.test(code) ? (await views(`${code}|${clientAddress(req, trust)}`)) === 1 : false;
    const share = SHARE_CODE.test(code) ? await deps.store.shares.resolve(code, { count: first }) : null;
    if (!share) throw new HttpError(404, `share link ${code} does not exist or has expired`);
    // Every view is counted, so no cache may answer in our place.
    res.set("Cache-Control", "no-store").json({ title: share.title, views: share.views, export: share.export } satisfies SharedGame);
  });

  // Anything else under /api is not an endpoint; other paths are left to the rest of the app.
  router.use("/api", (req, _res, next) => {
    next(new HttpError(404, `no such endpoint: ${req.method} ${req.originalUrl}`));
  });

  router.use(errorHandler(deps.logger));
  return Object.assign(router, { close: () => imports.close() });
}

/** Whether an Authorization header carries exactly `Bearer <token>` (compared in constant time). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header ?? "");
  const wanted = Buffer.from(`Bearer ${token}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** The body as bytes, whatever its Content-Type, up to `limitBytes` (413 above). */
function rawBody(limitBytes: number, limitText: string): RequestHandler {
  const read = express.raw({ limit: limitBytes, type: () => true });
  return (req, res, next) => {
    read(req, res, (err?: unknown) => {
      if (err === undefined) {
        if (!Buffer.isBuffer(req.body)) req.body = Buffer.alloc(0);
        return next();
      }
      if ((err as { type?: string }).type === "entity.too.large") return next(new HttpError(413, `the body is larger than the limit of ${limitText}`));
      next(err);
    });
  };
}

function gameIdParam(req: Request): string {
  const gameId = String(req.params.gameId);
  if (!isGameId(gameId)) throw new HttpError(400, `${JSON.stringify(gameId)} is not a game id (a UUID)`);
  return gameId;
}

/**
 * A JSON body parser for one route, whatever the Content-Type (a file upload may not say JSON),
 * whose errors name the limit in words.
 */
function jsonBody(limitBytes: number, limitText: string): RequestHandler {
  const parse = express.json({ limit: limitBytes, type: () => true });
  return (req, res, next) => {
    parse(req, res, (err?: unknown) => {
      if (err === undefined) return next();
      const type = (err as { type?: string }).type;
      if (type === "entity.too.large") return next(new HttpError(413, `the body is larger than the limit of ${limitText}`));
      if (type === "entity.parse.failed") return next(new HttpError(400, `the body is not valid JSON: ${(err as Error).message}`));
      next(err);
    });
  };
}

/** Resolves to the promise's value, or to `fallback` if it fails or takes longer than `ms`. */
function settle<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(fallback);
      },
    );
  });
}

/** Turns every error of the API into a JSON answer; only the unexpected ones are logged with their stack. */
function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      // Too late to answer with an error: let express end the connection.
      next(err);
      return;
    }
    const { status, body } = errorAnswer(err);
    if (err instanceof HttpError) res.set(err.headers);
    if (status === 503) logger.warn({ method: req.method, path: req.originalUrl, err: (err as Error).message }, "HTTP request failed: database unavailable");
    else if (status >= 500) logger.error({ method: req.method, path: req.originalUrl, err }, "unexpected error in the HTTP API");
    res.status(status).json(body);
  };
}

function errorAnswer(err: unknown): { status: number; body: Record<string, unknown> } {
  if (err instanceof HttpError) return { status: err.status, body: { error: err.message, ...err.extra } };
  if (err instanceof UnknownGameError) return { status: 404, body: { error: `no game with id ${err.gameId}` } };
  if (err instanceof NotFinishedError) return { status: 404, body: { error: err.message } };
  if (err instanceof BadExportError) return { status: 400, body: { error: err.message } };
  if (err instanceof StoreUnavailableError) return { status: 503, body: { error: "the database is unavailable: nothing was changed, try again later" } };
  // Errors of express and its body parsers that carry a client status (a path that does not
  // decode, a bad charset or encoding, an aborted body, ...): the client's mistake, said as such.
  const status = (err as { status?: unknown }).status;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return { status, body: { error: err instanceof Error ? err.message : "bad request" } };
  }
  return { status: 500, body: { error: "internal error: the server could not answer this request" } };
}
