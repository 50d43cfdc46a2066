// One node: the event store, the Colyseus server with the golf room, the HTTP API and the built
// client, and recovery of every unfinished game at start. `createNode` builds it without touching
// process-wide signal handlers, so tests can run one in-process.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import type http from "node:http";
import path from "node:path";
import { matchMaker, Server, type Presence } from "@colyseus/core";
import { RedisDriver } from "@colyseus/redis-driver";
import { RedisPresence } from "@colyseus/redis-presence";
import { WebSocketTransport } from "@colyseus/ws-transport";
import express from "express";
import pino from "pino";
import WebSocket from "ws";
import { Cluster } from "./cluster/cluster.ts";
import { createApiRouter, type LiveGame } from "./http/api.ts";
import { createMetrics, type NodeMetrics } from "./metrics.ts";
import { isJoinCode, normalizeCode } from "./room/codes.ts";
import { stampClientAddresses } from "./room/address.ts";
import { GAME_OVER, GolfRoom, setRoomServices, type RoomServices } from "./room/GolfRoom.ts";
import { EventStore } from "./store/index.ts";
import { freePort } from "./free-port.ts";
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
  /** Tests: a fault proxy between the store and its database (EventStoreOptions.via). */
  databaseVia?: (databaseUrl: string) => Promise<string>;
  /** How long a created lobby waits for its creator to take the seat (tests shorten it). */
  unclaimedLobbyMs?: number;
}

export interface GolfNode {
  port: number;
  url: string;
  nodeId: string;
  store: EventStore;
  metrics: NodeMetrics;
  logger: pino.Logger;
  /** Stops taking games, lets in-flight actions commit, tells clients, closes everything. */
  close(): Promise<void>;
}

const CLIENT_ROUTES = ["/", "/watch", "/rules", "/replay/*splat", "/r/*splat"];

export async function createNode(options: NodeOptions = {}): Promise<GolfNode> {
  const logger = pino({ level: options.logLevel ?? process.env.LOG_LEVEL ?? "info" });
  const host = options.host ?? "0.0.0.0";
  // Port 0 picks a free port now, so the node knows its address before it listens.
  const port = options.port === 0 ? await freePort(host) : (options.port ?? 2567);
  const nodeId = options.publicAddress ?? `${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`;
  const store = await EventStore.open({ databaseUrl: options.databaseUrl, dataDir: options.dataDir, logger, via: options.databaseVia });
  const metrics = createMetrics({ commitStats: () => store.commitStats });
  const clientDir = path.resolve(options.clientDir ?? "dist/client");
  const limits: Limits = { ...limitsFromEnv(), ...options.limits };

  const transport = new WebSocketTransport({ maxPayload: 64 * 1024 });
  const cluster = options.redisUrl ? new Cluster({ redisUrl: options.redisUrl, nodeId, logger }) : undefined;
  const services: RoomServices = {
    cluster,
    rooms: new Map(),
    store,
    metrics,
    logger,
    nodeId,
    recoverySecret: randomBytes(16).toString("hex"),
    holeIntervalMs: options.holeIntervalMs ?? 15_000,
    reconnectSeconds: options.reconnectSeconds ?? 60,
    lobbyIdleMs: 5 * 60_000,
    abandonAfterMs: 30 * 60_000,
    defaultCpuDelayMs: options.cpuDelayMs,
    limits,
    unclaimedLobbyMs: options.unclaimedLobbyMs,
  };
  setRoomServices(services);

  const liveGames = async (): Promise<LiveGame[]> => {
    const listings = await matchMaker.query({ name: "golf" });
    return listings
      .map((listing) => ({ code: listing.roomId, ...(listing.metadata as Omit<LiveGame, "code">) }))
      .filter((game) => game.gameId && game.phase !== "lobby" && game.phase !== "gameOver");
  };

  const redis = options.redisUrl ? { presence: new RedisPresence(options.redisUrl) as Presence, driver: new RedisDriver(options.redisUrl) } : {};
  const server = new Server({
    transport,
    ...redis,
    greet: false,
    gracefullyShutdown: false,
    publicAddress: options.publicAddress,
    express: (app) => {
      app.disable("x-powered-by");
      app.use(
        createApiRouter({
          store,
          metrics,
          nodeId,
          liveGames,
          otherNodes: async () => (cluster ? cluster.otherNodes() : []),
          presenceOk: async () => (cluster ? cluster.healthy() : true),
          logger,
        }),
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
  server.define("golf", GolfRoom);

  await server.listen(port, host);
  // Joins wait until the games of this node are running again: a player who rejoins as soon as a
  // restarted node answers must find its game, not NOT_FOUND.
  let recoveryDone!: () => void;
  const recovering = new Promise<void>((resolve) => (recoveryDone = resolve));
  preflightJoins(transport.server as http.Server, recovering);
  // After preflightJoins, so it runs first: every request carries the address the limits count.
  stampClientAddresses(transport.server as http.Server, limits.trustProxy);
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
      candidates: async () => (await store.unfinished()).map((game) => ({ id: game.id, node: game.node })),
      adopt: async (gameId) => void (await recover(gameId)),
      lost: (gameId) => services.rooms.get(gameId)?.giveUp("another server is running this game now"),
    });
  } else {
    recovered = await recoverUnfinished(store, recover, child);
  }
  recoveryDone();
  child.info({ port, recovered, database: options.databaseUrl ? "postgres" : "pglite", cluster: Boolean(cluster) }, "node listening");

  let closed = false;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    nodeId,
    store,
    metrics,
    logger: child,
    async close() {
      if (closed) return;
      closed = true;
      // A draining node takes no games; its rooms commit what is in flight and hand their games over.
      await cluster?.drain();
      await server.gracefullyShutdown(false).catch((error) => child.warn({ err: error }, "shutdown"));
      await cluster?.stop();
      await store.close();
      setRoomServices(null);
    },
  };
}

/** Every unfinished game in the store runs again, under its code, from its last committed event. */
async function recoverUnfinished(store: EventStore, recover: (gameId: string) => Promise<boolean>, logger: pino.Logger): Promise<number> {
  let recovered = 0;
  for (const game of await store.unfinished()) {
    try {
      if (await recover(game.id)) recovered++;
    } catch (error) {
      logger.error({ err: error, gameId: game.id, code: game.code }, "could not recover a game");
    }
  }
  return recovered;
}

/**
 * Join codes are accepted in any letter case, and an unknown code fails with NOT_FOUND. Colyseus
 * answers /matchmake/* itself, before express, so this sits in front of its request listener.
 */
function preflightJoins(httpServer: http.Server, recovering: Promise<void>): void {
  const listeners = httpServer.listeners("request") as ((req: http.IncomingMessage, res: http.ServerResponse) => void)[];
  httpServer.removeAllListeners("request");
  httpServer.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const match = req.method === "POST" ? /^\/matchmake\/joinById\/([^/?]+)(.*)$/.exec(req.url ?? "") : null;
    const pass = () => listeners.forEach((listener) => listener.call(httpServer, req, res));
    if (!match) return pass();
    const code = normalizeCode(decodeURIComponent(match[1]!));
    const notFound = () => {
      res.writeHead(404, { "content-type": "application/json", "access-control-allow-origin": req.headers.origin ?? "*", "access-control-allow-credentials": "true" });
      res.end(JSON.stringify({ code: 4212, error: `NOT_FOUND: no game with code ${code.slice(0, 10)}` }));
    };
    if (!isJoinCode(code)) return notFound();
    req.url = `/matchmake/joinById/${code}${match[2]}`;
    recovering.then(() => matchMaker.getRoomById(code)).then(
      (room) => (room ? pass() : notFound()),
      () => notFound(),
    );
  });
}
