// The reference room's server, as its own process (as the game's node is): the event store (the same
// module and database kind as the game: DATABASE_URL, or PGlite under DATA_DIR), Colyseus over
// WebSocket, GET /health. PORT and HOST as for the game's node. Started by bench/server.ts.
import http from "node:http";
import { Server } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import pino from "pino";
import { openStore } from "../../server/store/index.ts";
import { referenceRoom } from "./room.ts";

const logger = pino({ level: process.env.LOG_LEVEL ?? "warn" });
const store = await openStore({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR, logger });
const httpServer = http.createServer();
const server = new Server({
  transport: new WebSocketTransport({ server: httpServer, maxPayload: 64 * 1024 }),
  greet: false,
  gracefullyShutdown: false,
  express: (app) => {
    app.get("/health", (_req, res) => void res.send("ok"));
  },
});
server.define("reference", referenceRoom(store));
await server.listen(Number(process.env.PORT ?? 2568), process.env.HOST ?? "127.0.0.1");

async function stop(): Promise<void> {
  await server.gracefullyShutdown(false).catch(() => undefined);
  await store.close();
  process.exit(0);
}
process.once("SIGTERM", () => void stop());
process.once("SIGINT", () => void stop());
