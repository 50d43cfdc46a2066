// The node's HTTP API (docs/protocol.md, HTTP): health, metrics, CPU personalities, live games, export,
// import and share links. One express Router, mounted at the app root by the node. Every answer of
// an /api route is JSON, errors included: `{ error: "<what went wrong>" }`.
import { timingSafeEqual } from "node:crypto";
import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import type { Logger } from "pino";
import { CPU_PROFILES } from "../../shared/golf/index.ts";
import { isGameId, shareRequestSchema, type CpuProfileInfo, type HealthBody, type ImportAnswer, type LiveGame, type ShareAnswer, type SharedGame } from "../../shared/protocol/index.ts";
import type { NodeMetrics } from "../metrics.ts";
import { NotFinishedError, type Store } from "../store/index.ts";
import type { AccountService } from "../accounts/service.ts";
import { limitsFromEnv, type Limits } from "../limits.ts";
import { clientAddress, compileTrust, limiterFactory, type LimiterFactory } from "./guard.ts";
import { ImportBusyError, ImportQueue } from "./import-queue.ts";
import { errorHandler, HttpError } from "./errors.ts";
import { createPlayersRouter } from "./players.ts";
import { checkReplayAccess, importedNote } from "./replay-access.ts";
import { requireViewer } from "./viewer.ts";

export interface HttpDeps {
  store: Store;
  /** Checks session tokens (who may see a private game's replay, who imports, who asks for /api/me). */
  accounts: AccountService;
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

  router.use(createPlayersRouter({ store: deps.store, accounts: deps.accounts }));

  router.get("/api/games/:gameId/export", async (req, res) => {
    const gameId = gameIdParam(req);
    // A private game's replay is its players' and the admins' only (401/403 for anyone else).
    const record = await checkReplayAccess(req, deps, gameId, "this private game's replay");
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
    if (record.private) res.set("Cache-Control", "private, no-store");
    res.attachment(`golf-${doc.game.code}-${day}.json`).json(await importedNote(deps.store, record, doc));
  });

  router.post("/api/games/import", importLimit, rawBody(IMPORT_LIMIT_BYTES, "1 MB"), async (req, res) => {
    // An import belongs to its importer: it needs a session (checked before the body is looked at).
    const importer = await requireViewer(req, deps.accounts, "importing a game");
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
    // The same game imported again by the same user gives back the game already imported.
    const importedBy = importer.user.id;
    let existing = await deps.store.exports.findImport(checked.hash, importedBy);
    let gameId = existing;
    if (!gameId) {
      try {
        gameId = await deps.store.exports.importGame(checked.doc, { hash: checked.hash, importedBy });
      } catch (err) {
        // The same import, sent twice at once: the other one stored it (hash and importer are unique).
        existing = await deps.store.exports.findImport(checked.hash, importedBy).catch(() => null);
        if (!existing) throw err;
        gameId = existing;
      }
    }
    if (!existing) deps.logger.info({ gameId, importedBy, events: checked.doc.events.length }, "game imported");
    res
      .status(existing ? 200 : 201)
      .location(`/api/games/${gameId}/export`)
      .json({ gameId: gameId!, ...(existing ? { existing: true } : {}) } satisfies ImportAnswer);
  });

  router.post("/api/games/:gameId/share", shareLimit, jsonBody(SHARE_LIMIT_BYTES, "16 kB"), async (req, res) => {
    const gameId = gameIdParam(req);
    // Only those who may see a private game's replay may share it.
    await checkReplayAccess(req, deps, gameId, "sharing this private game");
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
    // Looked at first without counting: a private game's link refused to this viewer counts nothing.
    let share = SHARE_CODE.test(code) ? await deps.store.shares.resolve(code, { count: false }) : null;
    if (!share) throw new HttpError(404, `share link ${code} does not exist or has expired`);
    const record = await checkReplayAccess(req, deps, share.export.game.id, "this private game's share link");
    const first = (await views(`${code}|${clientAddress(req, trust)}`)) === 1;
    if (first) share = (await deps.store.shares.resolve(code, { count: true })) ?? share;
    // Every view is counted, so no cache may answer in our place.
    res.set("Cache-Control", "no-store").json({ title: share.title, views: share.views, export: await importedNote(deps.store, record, share.export) } satisfies SharedGame);
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
