// The HTTP API against a real express app on an ephemeral port and a real store: embedded
// PGlite in a temporary directory, and PostgreSQL too when TEST_DATABASE_URL is set (in a scratch
// database of its own, dropped afterwards). Finished games are played by CPU players through the
// engine and written to the store as the room would write them.
import { randomUUID } from "node:crypto";
import { newJoinCode } from "../../shared/protocol/index.ts";
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express from "express";
import pg from "pg";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GameEvent, GameState } from "../../shared/golf/index.ts";
import { metricValue } from "../../bench/lib/prometheus.ts";
import { createMetrics } from "../metrics.ts";
import { openStore, type Store, type StoreOptions, type GolfExport } from "../store/index.ts";
import { limitsFromEnv, RELAXED_LIMITS } from "../limits.ts";
import { playedCpuGame } from "../testing.ts";
import { createApiRouter, IMPORT_LIMIT_BYTES } from "./api.ts";
import { AccountService } from "../accounts/service.ts";
import { accountsConfigFromEnv } from "../accounts/config.ts";
import { createMailer } from "../accounts/mailer.ts";
import type { LiveGame } from "../../shared/protocol/index.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
const METRICS_TOKEN = "test-metrics-token";

interface Backend {
  open(options: StoreOptions): Promise<Store>;
  cleanup(): Promise<void>;
}

describe("HTTP API on PGlite", () => {
  apiSuite({
    embedded: true,
    async backend() {
      const dataDir = mkdtempSync(join(tmpdir(), "golf-http-"));
      return {
        open: (options) => openStore({ ...options, dataDir }),
        async cleanup() {
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)("HTTP API on PostgreSQL", () => {
  apiSuite({
    embedded: false,
    async backend() {
      const adminUrl = process.env.TEST_DATABASE_URL!;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      const name = `golf_http_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return {
        open: (options) => openStore({ ...options, databaseUrl: url.toString() }),
        async cleanup() {
          await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await admin.end();
        },
      };
    },
  });
});

/** Plays a whole game of CPU players through the engine (two holes unless told): its log and its final state. */
function playCpuGame(seed: number, options: { seats?: number; holes?: number } = {}): { events: GameEvent[]; state: GameState } {
  return playedCpuGame(seed, { seats: options.seats, holes: options.holes ?? 2 });
}

function apiSuite(setup: { embedded: boolean; backend: () => Promise<Backend> }) {
  let backend: Backend;
  let store: Store;
  let server: Server;
  let base: string;
  // The store's clock: tests move it forward to expire share links.
  let now = Date.now();
  const metrics = createMetrics({ defaults: false, commitStats: () => store.log.commitStats });
  const logLines: string[] = [];
  const live: LiveGame[] = [{ code: "ABCDE", gameId: randomUUID(), phase: "playing", hole: 2, holes: 9, players: 4, spectators: 1, node: "node-a:2567" }];
  // What the room layer answers; tests change these to stand for its failures.
  let liveGames = async (): Promise<LiveGame[]> => live;
  let presenceOk = async (): Promise<boolean> => true;
  // Imports need a session: every request of these tests carries a guest's (docs/http.md).
  let sessionToken = "";
  const importerName = "Importer";

  beforeAll(async () => {
    backend = await setup.backend();
    const logger = pino({ level: "silent" });
    store = await backend.open({ logger, clock: () => now });
    const config = accountsConfigFromEnv(0, {});
    const accounts = await AccountService.open(store.accounts, config, createMailer(config, logger), logger);
    sessionToken = await accounts.startSession(await store.accounts.createGuest(randomUUID(), importerName));
    const app = express();
    app.use(
      createApiRouter({
        store,
        accounts,
        metrics,
        nodeId: "node-a:2567",
        liveGames: () => liveGames(),
        otherNodes: async () => ["node-b:2568"],
        presenceOk: () => presenceOk(),
        // Records what the API logs, to check that an unexpected error is logged with its stack.
        logger: pino({ level: "warn" }, { write: (line: string) => void logLines.push(line) }),
        healthTimeoutMs: 200,
        // Metrics behind a token; the client's address from X-Forwarded-For of the local proxy.
        limits: { ...limitsFromEnv({}), ...RELAXED_LIMITS, metricsToken: METRICS_TOKEN, trustProxy: "loopback" },
      }),
    );
    await new Promise<void>((resolve) => {
      server = app.listen(0, "127.0.0.1", () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await store?.close();
    await backend?.cleanup();
  });

  /** Writes a played game to the store as the room does: created, its events, then its result. */
  async function storeFinishedGame(seed: number, options: { seats?: number; holes?: number } = {}) {
    const { events, state } = playCpuGame(seed, options);
    const id = randomUUID();
    await store.games.create({
      id,
      code: newJoinCode(),
      private: false,
      rules: { ...state.rules },
      holes: state.holes,
      decks: state.decksChoice,
      seats: state.seats.map((seat) => ({ name: seat.name, kind: seat.kind, profile: seat.profile })),
    });
    await store.games.update(id, { status: "running" });
    // One second between events, from the store's clock.
    await store.log.append(id, events.map((event, i) => ({ ...event, at: now + i * 1000 })), 0);
    await store.games.finish(id, { status: "finished", totals: state.seats.map((seat) => seat.total), winners: [...state.winners] });
    return { id, events, state };
  }

  async function storeRunningGame() {
    const { events, state } = playCpuGame(99);
    const id = randomUUID();
    await store.games.create({ id, code: newJoinCode(), private: false, rules: { ...state.rules }, holes: state.holes, decks: null, seats: [] });
    await store.games.update(id, { status: "running" });
    await store.log.append(id, events.slice(0, 12), 0);
    return id;
  }

  const get = (path: string, headers: Record<string, string> = {}) => fetch(base + path, { headers });
  const post = (path: string, body: unknown, headers: Record<string, string> = { "content-type": "application/json" }) =>
    fetch(base + path, { method: "POST", headers: { authorization: `Bearer ${sessionToken}`, ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });

  async function exportOf(gameId: string): Promise<GolfExport> {
    const res = await get(`/api/games/${gameId}/export`);
    expect(res.status).toBe(200);
    return (await res.json()) as GolfExport;
  }

  async function expectImportRefused(doc: unknown, status: number, error: RegExp, seq?: number) {
    const res = await post("/api/games/import", doc);
    const body = (await res.json()) as { error: string; seq?: number };
    expect(res.status, body.error).toBe(status);
    expect(body.error).toMatch(error);
    if (seq !== undefined) expect(body.seq).toBe(seq);
    return body;
  }

  it("lists the eight CPU personalities", async () => {
    const res = await get("/api/cpu-profiles");
    expect(res.status).toBe(200);
    const profiles = (await res.json()) as { name: string; style: string; traits: Record<string, number> }[];
    expect(profiles).toHaveLength(8);
    expect(profiles.map((profile) => profile.name)).toContain("Sofia");
    for (const profile of profiles) {
      expect(Object.keys(profile).sort()).toEqual(["name", "style", "traits"]);
      expect(Object.keys(profile.traits).sort()).toEqual(["aggression", "pairHope", "swapThreshold", "unpredictability"]);
    }
  });

  it("lists the live games the room layer reports", async () => {
    const res = await get("/api/games/live");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(live);
  });

  it("answers 500 with a JSON error and logs the stack when something unexpected fails", async () => {
    liveGames = async () => {
      throw new Error("presence exploded");
    };
    try {
      const res = await get("/api/games/live");
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: expect.stringMatching(/internal error/) });
      const logged = logLines.map((line) => JSON.parse(line) as { msg: string; err?: { stack?: string } }).find((entry) => entry.msg === "unexpected error in the HTTP API");
      expect(logged?.err?.stack).toMatch(/presence exploded/);
    } finally {
      liveGames = async () => live;
    }
    // The server is still there.
    expect((await get("/api/games/live")).status).toBe(200);
  });

  it("serves Prometheus metrics from the node's registry", async () => {
    metrics.actions.inc({ type: "draw", outcome: "ok" });
    const res = await get("/metrics", { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(metrics.registry.contentType);
    const text = await res.text();
    expect(text).toContain("golf_actions_total");
    expect(text).toContain('golf_actions_total{type="draw",outcome="ok"} 1');
  });

  it("counts the store's commit batches and the appends they carried in the metrics", async () => {
    const counters = async () => {
      const text = await (await get("/metrics", { authorization: `Bearer ${METRICS_TOKEN}` })).text();
      return { batches: metricValue(text, "golf_event_commit_batches_total"), appends: metricValue(text, "golf_event_commit_appends_total") };
    };
    const before = await counters();
    expect(before.batches).toBeGreaterThanOrEqual(0);
    await storeRunningGame();
    const after = await counters();
    // One append of the game's first events: one batch of its own (nothing else is appending).
    expect(after).toEqual({ batches: before.batches + 1, appends: before.appends + 1 });
  });

  it("reports health: ok with the other nodes, 503 naming presence when it hangs", async () => {
    const ok = await get("/health");
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: "ok", db: "ok", presence: "ok", node: "node-a:2567", nodes: ["node-b:2568"] });

    presenceOk = () => new Promise<boolean>(() => undefined); // never answers
    try {
      const hung = await get("/health");
      expect(hung.status).toBe(503);
      expect(await hung.json()).toEqual({ status: "unavailable", db: "ok", presence: "down", node: "node-a:2567", nodes: ["node-b:2568"], down: ["presence"] });
    } finally {
      presenceOk = async () => true;
    }
  });

  it("exports a finished game as a download that imports back to the same log", async () => {
    const { id, events, state } = await storeFinishedGame(1);
    const game = await store.games.get(id);
    const res = await get(`/api/games/${id}/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const day = new Date(game.endedAt!).toISOString().slice(0, 10);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename=golf-${game.code}-${day}.json`);
    const doc = (await res.json()) as GolfExport;
    expect(doc).toEqual(await store.exports.exportGame(id));
    expect(doc.events).toHaveLength(events.length);
    expect(doc.game.totals).toEqual(state.seats.map((seat) => seat.total));

    const imported = await post("/api/games/import", doc);
    expect(imported.status).toBe(201);
    const { gameId } = (await imported.json()) as { gameId: string };
    expect(gameId).not.toBe(id);
    expect(imported.headers.get("location")).toBe(`/api/games/${gameId}/export`);

    const again = await exportOf(gameId);
    expect(again.events).toEqual(doc.events);
    const { id: _id, code: _code, ...header } = doc.game;
    const { id: newId, code: _newCode, imported: note, ...newHeader } = again.game;
    expect(newId).toBe(gameId);
    expect(newHeader).toEqual(header);
    // It says it was imported, and by whom.
    expect(note).toEqual({ by: { id: expect.any(String), name: importerName } });
  });

  it("imports whatever the Content-Type, and a body of just under 1 MB", async () => {
    const { id } = await storeFinishedGame(2);
    const text = JSON.stringify(await exportOf(id));
    // Padding with whitespace keeps the document valid and brings it to the limit exactly.
    const padded = text + " ".repeat(IMPORT_LIMIT_BYTES - Buffer.byteLength(text));
    const res = await post("/api/games/import", padded, { "content-type": "text/plain" });
    expect(res.status).toBe(201);
  });

  it("refuses a body over 1 MB with 413", async () => {
    const { id } = await storeFinishedGame(3);
    const text = JSON.stringify(await exportOf(id));
    const padded = text + " ".repeat(IMPORT_LIMIT_BYTES - Buffer.byteLength(text) + 1);
    await expectImportRefused(padded, 413, /larger than the limit of 1 MB/);
  });

  it("refuses a tampered event, naming its seq", async () => {
    const { id } = await storeFinishedGame(4);
    const doc = await exportOf(id);
    const drew = doc.events.find((event) => event.type === "drew" && (event.data as { source: string }).source === "deck")!;
    const card = (drew.data as { card: { rank: string; suit: string } }).card;
    card.rank = card.rank === "K" ? "Q" : "K";
    await expectImportRefused(doc, 400, new RegExp(`^event ${drew.seq} \\(drew\\): drew does not match`), drew.seq);
  });

  it("refuses an event removed and the rest renumbered, naming where the log goes wrong", async () => {
    const { id } = await storeFinishedGame(5);
    const doc = await exportOf(id);
    const swapIndex = doc.events.findIndex((event) => event.type === "swapped");
    doc.events.splice(swapIndex, 1);
    doc.events.forEach((event, i) => (event.seq = i + 1));
    await expectImportRefused(doc, 400, new RegExp(`^event ${swapIndex + 1} \\(`), swapIndex + 1);
  });

  it("refuses a gap in the seqs", async () => {
    const { id } = await storeFinishedGame(6);
    const doc = await exportOf(id);
    doc.events.splice(10, 1); // seq 11 is missing: the event at position 10 has seq 12
    await expectImportRefused(doc, 400, /events\.10\.seq: expected 11, found 12/);
  });

  it("refuses documents of the wrong shape and bodies that are not JSON", async () => {
    const { id } = await storeFinishedGame(7);
    const doc = await exportOf(id);
    await expectImportRefused({ ...doc, format: "chess-game" }, 400, /^bad export: format/);
    await expectImportRefused({ ...doc, events: [] }, 400, /^bad export: events/);
    await expectImportRefused({ format: "golf-game", version: 1 }, 400, /^bad export: game/);
    await expectImportRefused([1, 2, 3], 400, /^bad export/);
    await expectImportRefused("{ not json", 400, /not valid JSON/);
    await expectImportRefused("", 400, /^send the export/);
  });

  it("refuses malformed event data the engine cannot even read, naming the event", async () => {
    const { id } = await storeFinishedGame(8);
    const doc = await exportOf(id);
    const seatTaken = doc.events.find((event) => event.type === "seatTaken")!;
    seatTaken.data = null;
    await expectImportRefused(doc, 400, new RegExp(`^event ${seatTaken.seq} \\(seatTaken\\): its data is malformed`), seatTaken.seq);
    doc.events[0]!.data = "settings";
    await expectImportRefused(doc, 400, /^event 1 \(created\): its data must be the game's settings/, 1);
  });

  it("refuses unknown rules and extra fields in the created event", async () => {
    const { id } = await storeFinishedGame(9);
    const doc = await exportOf(id);
    const settings = doc.events[0]!.data as Record<string, unknown>;
    settings.note = "hello";
    await expectImportRefused(doc, 400, /^event 1 \(created\): does not match/, 1);
    delete settings.note;
    const rules = settings.rules as Record<string, unknown>;
    rules.houseSpecial = true;
    await expectImportRefused(doc, 400, /^event 1 \(created\): rules: .*houseSpecial/, 1);
    delete rules.houseSpecial;
    rules.flipMode = "sometimes";
    await expectImportRefused(doc, 400, /^event 1 \(created\): rules\.flipMode: /, 1);
    rules.flipMode = "never";
    doc.events[0]!.seat = 0;
    await expectImportRefused(doc, 400, /^event 1 \(created\): does not match/, 1);
  });

  it("refuses totals or winners that are not the replayed result", async () => {
    const { id } = await storeFinishedGame(10);
    const doc = await exportOf(id);
    const totals = [...doc.game.totals];
    doc.game.totals = totals.map((total) => total - 5);
    await expectImportRefused(doc, 400, /^game\.totals .* does not match the replayed log/);
    doc.game.totals = totals;
    doc.game.winners = [0, 1, 2].filter((seat) => !doc.game.winners.includes(seat));
    await expectImportRefused(doc, 400, /^game\.winners .* does not match the replayed log/);
  });

  it("refuses a log that stops before the game is over", async () => {
    const { id } = await storeFinishedGame(11);
    const doc = await exportOf(id);
    doc.events = doc.events.slice(0, 30);
    await expectImportRefused(doc, 400, /^the log ends at event 30 .* still in phase/);
  });

  it("answers 404 for the export of a running or unknown game, 400 for an id that is not a uuid", async () => {
    const running = await storeRunningGame();
    const res = await get(`/api/games/${running}/export`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: expect.stringMatching(/not finished \(it is running\)/) });

    const unknown = await get(`/api/games/${randomUUID()}/export`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toMatch(/^no game with id/);

    const bad = await get("/api/games/not-a-game/export");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/is not a game id/);
  });

  it("creates share links, counts their views and lets them expire", async () => {
    const { id } = await storeFinishedGame(12);
    const created = await post(`/api/games/${id}/share`, { title: "  Friday night  ", expiresDays: 1 });
    expect(created.status).toBe(201);
    const { code, url } = (await created.json()) as { code: string; url: string };
    expect(url).toBe(`/r/${code}`);

    // A view counts once per address (here, per forwarded address) per hour: a reload does not count.
    for (const [views, address] of [[1, "203.0.113.1"], [2, "203.0.113.2"], [2, "203.0.113.2"]] as const) {
      const res = await get(`/api/shares/${code}`, { "x-forwarded-for": address });
      expect(res.status).toBe(200);
      const share = (await res.json()) as { title: string; views: number; export: GolfExport };
      expect(share.title).toBe("Friday night");
      expect(share.views).toBe(views);
      expect(share.export).toEqual(await store.exports.exportGame(id));
    }

    // A body is optional: the default title and expiry.
    const plain = await fetch(`${base}/api/games/${id}/share`, { method: "POST" });
    expect(plain.status).toBe(201);
    const plainCode = ((await plain.json()) as { code: string }).code;
    expect(((await (await get(`/api/shares/${plainCode}`)).json()) as { title: string }).title).toMatch(/^Six-Card Golf: /);

    now += DAY_MS + 1;
    const expired = await get(`/api/shares/${code}`);
    expect(expired.status).toBe(404);
    expect(((await expired.json()) as { error: string }).error).toMatch(/does not exist or has expired/);
    // The 30-day link still works.
    expect((await get(`/api/shares/${plainCode}`)).status).toBe(200);
  });

  it("refuses bad share requests and unknown share codes", async () => {
    const { id } = await storeFinishedGame(13);
    const cases: [unknown, RegExp][] = [
      [{ title: "" }, /^title: title must be 1-80 characters/],
      [{ title: "x".repeat(81) }, /^title: title must be 1-80 characters/],
      [{ title: 42 }, /^title: title must be a string/],
      [{ title: "a\u0007b" }, /control characters/],
      [{ expiresDays: 0 }, /^expiresDays: expiresDays must be 1-365/],
      [{ expiresDays: 366 }, /^expiresDays: expiresDays must be 1-365/],
      [{ expiresDays: 1.5 }, /whole number/],
      [{ expiresDays: "7" }, /must be a number/],
      [{ expireDays: 7 }, /expireDays/],
      [[], /the body must be/],
    ];
    for (const [body, error] of cases) {
      const res = await post(`/api/games/${id}/share`, body);
      const answer = (await res.json()) as { error: string };
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(answer.error).toMatch(error);
    }
    expect((await post(`/api/games/${id}/share`, "{ nope")).status).toBe(400);
    expect((await post(`/api/games/${randomUUID()}/share`, {})).status).toBe(404);
    expect((await post("/api/games/nope/share", {})).status).toBe(400);
    const running = await post(`/api/games/${await storeRunningGame()}/share`, {});
    expect(running.status).toBe(409);
    expect(((await running.json()) as { error: string }).error).toMatch(/not finished/);

    for (const code of ["AAAAAAAAAAAA", "no such code!", "x".repeat(100)]) {
      const res = await get(`/api/shares/${encodeURIComponent(code)}`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: string }).error).toMatch(/does not exist or has expired/);
    }
  });

  it("answers unknown /api paths with a JSON 404", async () => {
    for (const [method, path] of [
      ["GET", "/api/nothing"],
      ["GET", "/api/games/import"],
      ["DELETE", "/api/games/live"],
    ]) {
      const res = await fetch(base + path!, { method });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: `no such endpoint: ${method} ${path}` });
    }
  });

  // Only the embedded database can be stopped and restarted by the test itself.
  if (setup.embedded) it("answers 503 while the database is unreachable, and recovers", async () => {
    const { id } = await storeFinishedGame(14);
    await store.embedded!.stopServer();
    try {
      const res = await get(`/api/games/${id}/export`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: expect.stringMatching(/database is unavailable/) });
      const health = await get("/health");
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ status: "unavailable", db: "down", presence: "ok", down: ["db"] });
    } finally {
      await store.embedded!.startServer();
    }
    expect((await get(`/api/games/${id}/export`)).status).toBe(200);
    expect((await get("/health")).status).toBe(200);
  });

  // Last: it closes the store.
  it("reports the database down once the store is closed", async () => {
    await store.close();
    const res = await get("/health");
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "unavailable", db: "down", presence: "ok", node: "node-a:2567", nodes: ["node-b:2568"], down: ["db"] });
  });
}
