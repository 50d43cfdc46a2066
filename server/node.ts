// One node: the event store, the Colyseus server with the golf room, the HTTP API and the built
// client, and recovery of every unfinished game at start. `createNode` builds it without touching
// process-wide signal handlers, so tests can run one in-process.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { matchMaker, Server, type Presence } from "@colyseus/core";
import { RedisDriver } from "@colyseus/redis-driver";
import { RedisPresence } from "@colyseus/redis-presence";
import { WebSocketTransport } from "@colyseus/ws-transport";
import express from "express";
import helmet from "helmet";
import { Redis } from "ioredis";
import pino from "pino";
import WebSocket from "ws";
import { Cluster } from "./cluster/cluster.ts";
import { accountsConfigFromEnv, type AccountsConfig } from "./accounts/config.ts";
import { createMailer } from "./accounts/mailer.ts";
import { accountRoutes } from "./accounts/routes.ts";
import { AccountService } from "./accounts/service.ts";
import { createApiRouter } from "./http/api.ts";
import type { LiveGame } from "../shared/protocol/index.ts";
import { capConnections, compileTrust, guardRequests, limiterFactory } from "./http/guard.ts";
import { createMetrics, type NodeMetrics } from "./metrics.ts";
import { isJoinCode, normalizeCode } from "../shared/protocol/index.ts";
import { stampClientAddresses } from "./room/address.ts";
import { GAME_OVER, golfRoomFor } from "./room/GolfRoom.ts";
import type { RoomServices } from "./room/services.ts";
import { openStore, type Store } from "./store/index.ts";
import { freePort } from "./free-port.ts";
import { notifyingFinishes } from "./stats/finish-hook.ts";
import { startRecorder, type StatsRecorder } from "./stats/recorder.ts";
import { limitsFromEnv, type Limits } from "./limits.ts";

// Colyseus 0.18's reconnection needs a global WebSocket, which Node 20 lacks.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

export interface NodeOptions {
  port?: number;
  host?: string;
  /** How other nodes and clients reach this node (host:port); defaults to host:port. */
  publicAddress?: string;
  /** PostgreSQL; absent: embedded PGlite under dataDir. */
  databaseUrl?: string;
  /** Redis; nodes sharing it (and the database) form one cluster. Absent: one node, in-process presence. */
  redisUrl?: string;
  dataDir?: string;
  logLevel?: string;
  /** Default CPU pacing for new rooms (undefined: human-like). */
  cpuDelayMs?: number;
  holeIntervalMs?: number;
  reconnectSeconds?: number;
  /** The built client to serve (default dist/client). */
  clientDir?: string;
  /** Limits on abuse; each one not given comes from the environment (server/limits.ts). */
  limits?: Partial<Limits>;
  /** Tests: a fault proxy between the store and its database (StoreOptions.via). */
  databaseVia?: (databaseUrl: string) => Promise<string>;
  /** How long a created lobby waits for its creator to take the seat (tests shorten it). */
  unclaimedLobbyMs?: number;
  /**
   * How often the node looks for finished games whose result is not applied yet (ms, default 1000;
   * 0: never). It also looks at start (anything a crash left waiting) and after each game that
   * finishes on this node.
   */
  statsPollMs?: number;
  /** Account settings; each one not given comes from the environment (server/accounts/config.ts). */
  accounts?: Partial<AccountsConfig>;
}

export interface GolfNode {
  port: number;
  url: string;
  nodeId: string;
  store: Store;
  metrics: NodeMetrics;
  logger: pino.Logger;
  /** Applies finished games' results to the stats and ratings (docs/stats.md). */
  stats: StatsRecorder;
  /** Accounts: sessions, bans, and `onGuestMerged` for what keeps results per user. */
  accounts: AccountService;
  /** Stops taking games, lets in-flight actions commit, tells clients, closes everything. */
  close(): Promise<void>;
}

const CLIENT_ROUTES = ["/", "/watch", "/rules", "/leaderboard", "/u/:name", "/replay/*splat", "/r/*splat"];

export async function createNode(options: NodeOptions = {}): Promise<GolfNode> {
  const logger = pino({ level: options.logLevel ?? process.env.LOG_LEVEL ?? "info" });
  const host = options.host ?? "0.0.0.0";
  // Port 0 picks a free port now, so the node knows its address before it listens.
  const port = options.port === 0 ? await freePort(host) : (options.port ?? 2567);
  const nodeId = options.publicAddress ?? `${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`;
  const store = await openStore({ databaseUrl: options.databaseUrl, dataDir: options.dataDir, logger, via: options.databaseVia });
  const metrics = createMetrics({ commitStats: () => store.log.commitStats });
  const clientDir = path.resolve(options.clientDir ?? "dist/client");
  const limits: Limits = { ...limitsFromEnv(), ...options.limits };
  // The JWT secret is loaded (or made and kept) before the auth routes are mounted.
  const accountsConfig: AccountsConfig = { ...accountsConfigFromEnv(port), ...options.accounts };
  const mailer = createMailer(accountsConfig, logger);
  const accounts = await AccountService.open(store.accounts, accountsConfig, mailer, logger);
  // Guests who never played are deleted after 30 days: swept at start and every 6 hours.
  const sweepGuests = () =>
    void accounts.pruneGuests().then(
      (count) => count > 0 && logger.info({ count }, "guests with no game deleted"),
      (error: unknown) => logger.warn({ err: error }, "guest sweep failed"),
    );
  const guestSweep = setInterval(sweepGuests, 6 * 3_600_000).unref();
  sweepGuests();

  const trust = compileTrust(limits.trustProxy);
  // Rate limits are counted in Redis when there is one, so every node of a cluster shares them.
  const limiterRedis = options.redisUrl ? new Redis(options.redisUrl, { maxRetriesPerRequest: 1 }) : undefined;
  limiterRedis?.on("error", (error) => logger.warn({ err: error.message }, "rate-limit redis"));
  const limiter = limiterFactory(trust, limiterRedis);

  // The node's own HTTP server, so its timeouts are set from the start: a request must arrive in
  // full within REQUEST_TIMEOUT_MS (headers within HEADERS_TIMEOUT_MS), else 408 and the
  // connection closes; the check runs every second.
  const requestTimeout = limits.requestTimeoutMs;
  const httpServer = http.createServer({
    requestTimeout,
    headersTimeout: requestTimeout > 0 ? Math.min(limits.headersTimeoutMs, requestTimeout) : limits.headersTimeoutMs,
    connectionsCheckingInterval: 1000,
  });
  capConnections(httpServer, limits.connectionsPerAddress, trust);
  const transport = new WebSocketTransport({ server: httpServer, maxPayload: 64 * 1024 });
  const cluster = options.redisUrl ? new Cluster({ redisUrl: options.redisUrl, nodeId, logger }) : undefined;
  // Results are applied after each finished game's commit here (the rooms' log tells), at start for
  // anything a crash left waiting, and by polling for games that ended elsewhere (recovery finishing
  // a game, a commit whose answer was lost). A lock in the store makes the nodes take turns.
  const stats = startRecorder({ results: store.results, logger, pollMs: options.statsPollMs ?? 1000 });
  const services: RoomServices = {
    cluster,
    rooms: new Map(),
    store: notifyingFinishes(store, (gameId) => stats.gameEnded(gameId)),
    metrics,
    logger,
    nodeId,
    accounts,
    recoverySecret: randomBytes(16).toString("hex"),
    holeIntervalMs: options.holeIntervalMs ?? 15_000,
    reconnectSeconds: options.reconnectSeconds ?? 60,
    lobbyIdleMs: 5 * 60_000,
    abandonAfterMs: 30 * 60_000,
    defaultCpuDelayMs: options.cpuDelayMs,
    limits,
    unclaimedLobbyMs: options.unclaimedLobbyMs,
  };

  // Running public games. A private game is listed by the matchmaker (its code must find it) but
  // never shown here: only its code finds it.
  const liveGames = async (): Promise<LiveGame[]> => {
    const listings = await matchMaker.query({ name: "golf" });
    return listings.flatMap((listing) => {
      const { private: isPrivate, ...game } = (listing.metadata ?? {}) as Omit<LiveGame, "code"> & { private?: boolean };
      if (isPrivate !== false || !game.gameId || game.phase === "lobby" || game.phase === "gameOver") return [];
      return [{ code: listing.roomId, ...game }];
    });
  };

  let api: ReturnType<typeof createApiRouter> | undefined;
  const redis = options.redisUrl ? { presence: new RedisPresence(options.redisUrl) as Presence, driver: new RedisDriver(options.redisUrl) } : {};
  const server = new Server({
    transport,
    ...redis,
    greet: false,
    gracefullyShutdown: false,
    publicAddress: options.publicAddress,
    express: (app) => {
      app.disable("x-powered-by");
      app.set("trust proxy", trust);
      app.use(helmet({ contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY } }));
      app.use(accountRoutes({ accounts, limits, limiter }));
      app.use(
        (api = createApiRouter({
          limits,
          limiter,
          store,
          accounts,
          metrics,
          nodeId,
          liveGames,
          otherNodes: async () => (cluster ? cluster.otherNodes() : []),
          presenceOk: async () => (cluster ? cluster.healthy() : true),
          logger,
        })),
      );
      if (existsSync(path.join(clientDir, "index.html"))) {
        app.use(express.static(clientDir, { index: false, maxAge: "1h" }));
        for (const route of CLIENT_ROUTES) app.get(route, (_req, res) => res.sendFile(path.join(clientDir, "index.html")));
      } else {
        app.get("/", (_req, res) => {
          res.type("text").send("Six-Card Golf server. The browser client is not built: run `npm run build:client`.");
        });
      }
    },
  });
  server.define("golf", golfRoomFor(services));

  await server.listen(port, host);
  // Joins wait until the games of this node are running again: a player who rejoins as soon as a
  // restarted node answers must find its game, not NOT_FOUND.
  let recoveryDone!: () => void;
  const recovering = new Promise<void>((resolve) => (recoveryDone = resolve));
  const colyseusListeners = httpServer.listeners("request") as RequestListener[];
  const pass: RequestListener = (req, res) => colyseusListeners.forEach((listener) => listener.call(httpServer, req, res));
  guardRequests(httpServer, {
    limits,
    trust,
    logger,
    joinLimiter: limiter({
      name: "joins",
      windowMs: 60_000,
      limit: limits.joinsPerMinute,
      what: "matchmaking requests",
      // The shape of Colyseus's own matchmaking errors, so the SDK rejects the join with this message.
      body: (message) => ({ code: RATE_LIMITED_CODE, error: `RATE_LIMITED: ${message}` }),
    }),
    next: preflightJoins(pass, recovering),
  });
  const metricsServer = limits.metricsPort > 0 ? await serveMetrics(metrics, limits.metricsPort) : undefined;
  // After the guard, so it runs first: every request carries the address the limits count.
  stampClientAddresses(httpServer, trust);
  const child = logger.child({ node: nodeId });

  // Recovered here, on the node that holds the game's lease (createRoom could pick another node).
  // A game whose log ends it is marked finished by the room's recover and not run (GAME_OVER):
  // false then.
  const recover = (gameId: string): Promise<boolean> =>
    matchMaker.handleCreateRoom("golf", { __recover: { gameId, secret: services.recoverySecret } }).then(
      () => true,
      async (error: unknown) => {
        if (!String((error as Error)?.message).includes(GAME_OVER)) throw error;
        child.info({ gameId }, "its log ends the game: finished, not recovered");
        await cluster?.release(gameId, false);
        return false;
      },
    );
  let recovered = 0;
  if (cluster) {
    // Each unfinished game runs on exactly one node: whoever holds its lease. Games whose node died
    // or drained are adopted by a live node.
    await cluster.start({
      candidates: async () => (await store.games.unfinished()).map((game) => ({ id: game.id, node: game.node })),
      adopt: async (gameId) => void (await recover(gameId)),
      lost: (gameId) => services.rooms.get(gameId)?.giveUp("another server is running this game now"),
    });
  } else {
    recovered = await recoverUnfinished(store, recover, child);
  }
  recoveryDone();
  stats.catchUp().catch((error: unknown) => child.warn({ err: error }, "results not applied at start; polling will try again"));
  accounts.onGuestMerged(() => stats.guestMerged());
  child.info({ port, recovered, database: options.databaseUrl ? "postgres" : "pglite", cluster: Boolean(cluster) }, "node listening");

  let closed = false;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    nodeId,
    store,
    metrics,
    logger: child,
    stats,
    accounts,
    async close() {
      if (closed) return;
      closed = true;
      // A draining node takes no games; its rooms commit what is in flight and hand their games over.
      await cluster?.drain();
      await server.gracefullyShutdown(false).catch((error) => child.warn({ err: error }, "shutdown"));
      await stats.close();
      await cluster?.stop();
      await new Promise((resolve) => (metricsServer ? metricsServer.close(resolve) : resolve(undefined)));
      limiterRedis?.disconnect();
      clearInterval(guestSweep);
      mailer.close();
      await api?.close();
      await store.close();
    },
  };
}

/** Every unfinished game in the store runs again, under its code, from its last committed event. */
async function recoverUnfinished(store: Store, recover: (gameId: string) => Promise<boolean>, logger: pino.Logger): Promise<number> {
  let recovered = 0;
  for (const game of await store.games.unfinished()) {
    try {
      if (await recover(game.id)) recovered++;
    } catch (error) {
      logger.error({ err: error, gameId: game.id, code: game.code }, "could not recover a game");
    }
  }
  return recovered;
}

type RequestListener = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** The `code` of a matchmaking answer refused for its rate (HTTP 429 too). */
const RATE_LIMITED_CODE = 429;

/**
 * What the built client may load: its own scripts and styles, images it draws into canvases (data:
 * and blob: URLs), and WebSockets to this or another node of the cluster (a room may live on
 * another node's PUBLIC_ADDRESS). No plugins, no framing by other sites.
 */
const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", "data:", "blob:"],
  fontSrc: ["'self'", "data:"],
  mediaSrc: ["'self'", "data:", "blob:"],
  connectSrc: ["'self'", "ws:", "wss:"],
  workerSrc: ["'self'", "blob:"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** /metrics without a token on 127.0.0.1:`port`, for a scraper on the same host. */
async function serveMetrics(metrics: NodeMetrics, port: number): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("only GET /metrics here");
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": metrics.registry.contentType }).end(text),
      () => res.writeHead(500, { "content-type": "text/plain" }).end("metrics unavailable"),
    );
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", () => resolve()));
  return server;
}

/**
 * Join codes are accepted in any letter case, and an unknown code fails with NOT_FOUND. Colyseus
 * answers /matchmake/* itself, before express, so this sits in front of its request listener.
 */
function preflightJoins(pass: RequestListener, recovering: Promise<void>): RequestListener {
  return (req, res) => {
    const match = req.method === "POST" ? /^\/matchmake\/joinById\/([^/?]+)(.*)$/.exec(req.url ?? "") : null;
    if (!match) return pass(req, res);
    let code: string;
    try {
      code = normalizeCode(decodeURIComponent(match[1]!));
    } catch {
      code = "";
    }
    const notFound = () => {
      if (res.headersSent) return void res.end();
      // The guard let this origin through: it may read the answer.
      const origin = req.headers.origin;
      res.writeHead(404, { "content-type": "application/json", ...(origin ? { "access-control-allow-origin": origin, vary: "Origin" } : {}) });
      res.end(JSON.stringify({ code: 4212, error: `NOT_FOUND: no game with code ${JSON.stringify(code.slice(0, 10))}` }));
    };
    if (!isJoinCode(code)) return notFound();
    req.url = `/matchmake/joinById/${code}${match[2]}`;
    recovering
      .then(() => matchMaker.getRoomById(code))
      .then(
        (room) => (room ? pass(req, res) : notFound()),
        () => notFound(),
      )
      .catch(() => res.destroy());
  };
}
