// Two nodes of one cluster, as processes of their own (`node --import tsx server/main.ts`), played by
// real SDK clients making real moves. Each test has its own redis-server on a spare port and its own
// scratch database on TEST_DATABASE_URL's server (the PostgreSQL outage test: its own PostgreSQL), so
// stopping things never touches the machine's shared services. Runs when the test runner found Redis
// and PostgreSQL (TEST_REDIS_URL, TEST_DATABASE_URL).
import pg from "pg";
import { afterEach, describe, expect, it, vi } from "vitest";
import { projectEvent, type GameEvent } from "../../shared/golf/index.ts";
import { scratchDatabase } from "../testing.ts";
import { LOCAL_METRICS_HEADERS } from "../limits.ts";
import { auditGame, Player, type Audit, type ExportLog } from "../../bench/lib/audit-player.ts";
import { NodeProcess, RedisServer, type NodeSettings } from "../../bench/lib/cluster.ts";
import { metricValue } from "../../bench/lib/prometheus.ts";
import { sleep, until } from "../../bench/lib/time.ts";
import { ThrowawayPostgres } from "../store/test/throwaway-postgres.ts";
import type { GolfExport } from "../../shared/protocol/index.ts";

/** Liveness bounds, not performance claims. */
const WAIT = { timeout: 45_000, interval: 50 };
const TEST_TIMEOUT = 150_000;
/** Every code an `error` may carry (docs/protocol.md). */
const ERROR_CODES = ["BAD_MESSAGE", "UNKNOWN_MESSAGE", "WRONG_PHASE", "NOT_YOUR_TURN", "ILLEGAL_MOVE", "NOT_HOST", "SPECTATOR", "RATE_LIMITED", "UNAVAILABLE"];
// CPUs move at once: a room's clock only ticks with a patch, so a short CPU delay becomes ~1 s.
// Public, so the live list (which never shows a private game) tells where each game runs.
const TABLE = { seats: 3, cpus: 1, holes: 2, turnSeconds: 0, cpuDelayMs: 0 };

describe.skipIf(!process.env.TEST_REDIS_URL || !process.env.TEST_DATABASE_URL)("a cluster of two nodes", () => {
  /** Undone in reverse order after each test: players leave, nodes die, Redis stops, databases go. */
  let teardown: (() => Promise<unknown>)[] = [];
  let nodes: NodeProcess[] = [];
  afterEach(async (context) => {
    if (context.task.result?.state === "fail") {
      for (const node of nodes) console.log(`--- output of node ${node.id} (last 3000 characters) ---\n${node.output().slice(-3000)}`);
    }
    for (const undo of teardown.reverse()) await undo().catch((error) => console.warn(`teardown: ${(error as Error).message}`));
    teardown = [];
    nodes = [];
  });

  async function redisServer(): Promise<RedisServer> {
    const redis = await RedisServer.start();
    teardown.push(() => redis.stop("SIGKILL"));
    return redis;
  }
  async function database(): Promise<string> {
    const scratch = await scratchDatabase(process.env.TEST_DATABASE_URL!, "golf_cluster");
    teardown.push(() => scratch.drop());
    return scratch.url;
  }
  async function startNode(settings: NodeSettings): Promise<NodeProcess> {
    const node = await NodeProcess.start(settings);
    nodes.push(node);
    teardown.push(() => node.kill("SIGKILL"));
    return node;
  }
  function player(url: string, name: string, thinkMs = 30): Player {
    const p = new Player(url, name, { thinkMs });
    teardown.push(() => p.leave());
    return p;
  }

  /** A started game: Ann creates it through `host`, Ben joins by code (lower case) through `joinVia`, Ann starts it. */
  async function table(host: NodeProcess, joinVia: NodeProcess, suffix: string, options: Record<string, unknown> = {}, thinkMs = 30): Promise<[Player, Player]> {
    const ann = player(host.url, `Ann${suffix}`, thinkMs);
    const ben = player(joinVia.url, `Ben${suffix}`, thinkMs);
    await ann.create({ ...TABLE, ...options });
    await ben.join(ann.code.toLowerCase());
    expect([ann.role, ben.role, ben.gameId]).toEqual(["player", "player", ann.gameId]);
    const started = await ann.act("start");
    expect(started.ok, JSON.stringify(started)).toBe(true);
    return [ann, ben];
  }

  async function finish(players: Player[]): Promise<void> {
    for (const p of players) p.play();
    await vi.waitFor(() => expect(players.map((p) => p.phase)).toEqual(players.map(() => "gameOver")), { timeout: 90_000, interval: 50 });
  }

  async function exportFrom(node: NodeProcess, gameId: string): Promise<GolfExport> {
    return until(() => node.exportOf(gameId), 30_000, `the export of ${gameId}`);
  }

  function expectClean(audit: Audit): void {
    expect(audit.problems).toEqual([]);
    expect(audit).toMatchObject({ contiguous: true, lostMoves: 0, duplicatedMoves: 0, seenMismatches: 0, conflicts: 0, missedByClients: 0 });
    expect(audit.acknowledged).toBeGreaterThan(0);
  }

  /** Waits until `node` lists every game of `gameIds` as running on `on`; resolves with the listing. */
  async function listedOn(node: NodeProcess, gameIds: string[], on: string) {
    return vi.waitFor(async () => {
      const live = await node.live();
      for (const gameId of gameIds) expect(live.filter((game) => game.gameId === gameId).map((game) => game.node)).toEqual([on]);
      return live;
    }, WAIT);
  }

  it(
    "a client on A creates, a client on B joins by code into the same game, spectators watch through either node, and it plays to the end",
    async () => {
      const redis = await redisServer();
      const databaseUrl = await database();
      const [a, b] = await Promise.all([startNode({ databaseUrl, redisUrl: redis.url }), startNode({ databaseUrl, redisUrl: redis.url })]);

      // Each node sees the other.
      for (const [self, other] of [
        [a, b],
        [b, a],
      ] as const) {
        await vi.waitFor(async () => {
          const health = await self.health();
          expect(health.status).toBe(200);
          expect(health.body).toMatchObject({ status: "ok", db: "ok", presence: "ok", node: self.id });
          expect(health.body.nodes).toContain(other.id);
        }, WAIT);
      }

      const ann = player(a.url, "Ann");
      await ann.create(TABLE);
      // Ben joins through the other node, with the code in lower case: the same room, the same game.
      const ben = player(b.url, "Ben");
      await ben.join(ann.code.toLowerCase());
      expect(ann.welcome).toMatchObject({ role: "player", seat: 0 });
      expect(ben.welcome).toMatchObject({ role: "player", gameId: ann.gameId, code: ann.code });
      expect(ben.welcome!.seat).not.toBe(ann.welcome!.seat);
      expect(ben.room!.roomId).toBe(ann.room!.roomId);
      expect(ben.welcome!.token).not.toBe("");
      await vi.waitFor(() => expect(ann.state.seats.filter((seat) => seat.kind === "human").map((seat) => seat.name).sort()).toEqual(["Ann", "Ben"]), WAIT);

      // A spectator through node B, in the lobby: no seat, not a player.
      const sid = player(b.url, "Sid");
      await sid.spectate(ann.code.toLowerCase());
      expect(sid.welcome).toMatchObject({ role: "spectator", seat: -1, token: "", gameId: ann.gameId });
      await vi.waitFor(() => expect(ann.state.spectators).toBe(1), WAIT);
      expect(ann.state.seats.filter((seat) => seat.kind !== "empty")).toHaveLength(3);

      expect((await ann.act("start")).ok).toBe(true);
      // Someone joining a running game through node A becomes a spectator.
      const eve = player(a.url, "Eve");
      await eve.join(ann.code.toLowerCase());
      expect(eve.welcome).toMatchObject({ role: "spectator", seat: -1, token: "" });
      await vi.waitFor(() => expect(ben.state.spectators).toBe(2), WAIT);

      // Both nodes list the running game, hosted by one of them, with its players and spectators.
      const listings = await Promise.all(
        [a, b].map((node) =>
          vi.waitFor(async () => {
            const games = (await node.live()).filter((game) => game.gameId === ann.gameId);
            expect(games).toHaveLength(1);
            expect(games[0]).toMatchObject({ code: ann.code, players: 3, spectators: 2, holes: 2 });
            expect(["initialFlip", "playing", "finalTurn", "holeOver"]).toContain(games[0]!.phase);
            return games[0]!;
          }, WAIT),
        ),
      );
      expect([a.id, b.id]).toContain(listings[0]!.node);
      expect(listings[1]!.node).toBe(listings[0]!.node);

      await finish([ann, ben]);
      await vi.waitFor(() => expect([sid.phase, eve.phase]).toEqual(["gameOver", "gameOver"]), WAIT);
      const doc = await exportFrom(b, ann.gameId);
      expectClean(auditGame(doc, [ann, ben], [sid, eve]));
      expect(ann.closes).toEqual([]);
      expect(ben.closes).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it(
    "a game whose creation is slow runs in one room: its own node does not adopt it as an orphan meanwhile",
    async () => {
      const redis = await redisServer();
      const databaseUrl = await database();
      const a = await startNode({ databaseUrl, redisUrl: redis.url });
      // Hold the game's first event back for more than two cluster ticks (1 s each): the game is in the
      // store, unfinished, with no lease yet. (Reads of the log are not blocked, only appends.)
      const blocker = new pg.Client({ connectionString: databaseUrl });
      await blocker.connect();
      teardown.push(() => blocker.end());
      await blocker.query("BEGIN");
      await blocker.query("LOCK TABLE game_events IN EXCLUSIVE MODE");
      const ann = player(a.url, "Ann");
      const creating = ann.create({ ...TABLE, seats: 2, cpus: 0, holes: 1 }).then(
        () => "created",
        (error: Error & { code?: number }) => `${error.name} ${error.code} ${error.message}`,
      );
      await sleep(2500);
      await blocker.query("COMMIT");
      expect(await creating).toBe("created");
      const ben = player(a.url, "Ben");
      await ben.join(ann.code);
      expect((await ann.act("start")).ok).toBe(true);
      await vi.waitFor(async () => expect((await a.live()).filter((game) => game.gameId === ann.gameId)).toHaveLength(1), WAIT);
      // One game, one room on the node.
      const metrics = await (await fetch(`${a.url}/metrics`, { headers: LOCAL_METRICS_HEADERS })).text();
      expect(metricValue(metrics, "golf_rooms")).toBe(1);
      await finish([ann, ben]);
      expect([...ann.errors, ...ben.errors]).toEqual([]);
      expectClean(auditGame(await exportFrom(a, ann.gameId), [ann, ben]));
    },
    TEST_TIMEOUT,
  );

  it(
    "kill -9 of the node running three games: each comes back on the other node from its last committed event, players rejoin and finish, nothing lost or doubled",
    async () => {
      const redis = await redisServer();
      const databaseUrl = await database();
      // Node A alone first, so every game is set up on A; then B joins the cluster.
      const a = await startNode({ databaseUrl, redisUrl: redis.url });
      const tables: [Player, Player][] = [];
      for (const suffix of ["1", "2", "3"]) tables.push(await table(a, a, suffix));
      const b = await startNode({ databaseUrl, redisUrl: redis.url });
      const gameIds = tables.map(([ann]) => ann.gameId);
      await listedOn(b, gameIds, a.id);
      const players = tables.flat();

      for (const p of players) p.play();
      await vi.waitFor(() => {
        for (const [ann, ben] of tables) expect(ann.acks.length + ben.acks.length).toBeGreaterThanOrEqual(8);
      }, WAIT);
      // Killed while moves are in flight.
      const killedAt = Date.now();
      const exit = await a.kill("SIGKILL");
      expect(exit.signal).toBe("SIGKILL");
      await vi.waitFor(() => expect(players.filter((p) => p.connected)).toEqual([]), WAIT);
      for (const p of players) p.pause();
      const ackedBefore = players.map((p) => Math.max(0, ...p.ackedSeqs));

      await listedOn(b, gameIds, b.id);
      console.log(`kill -9: ${gameIds.length} games running on the other node after ${((Date.now() - killedAt) / 1000).toFixed(1)} s`);
      expect(b.isRunning).toBe(true);

      // Players take their seats back through the surviving node, with every event they missed.
      for (const p of players) {
        const seat = p.mySeat();
        const token = p.token;
        await p.rejoinWhenBack(b.url);
        expect(p.welcome).toMatchObject({ role: "player", seat, token });
      }
      // From the last committed event: at least everything that was acknowledged.
      players.forEach((p, index) => expect(p.state.lastSeq).toBeGreaterThanOrEqual(ackedBefore[index]!));
      await vi.waitFor(() => {
        for (const p of players) expect(p.lastSeen).toBe(p.state.lastSeq);
      }, WAIT);

      await finish(players);
      for (const [ann, ben] of tables) {
        const doc = await exportFrom(b, ann.gameId);
        const audit = auditGame(doc, [ann, ben]);
        expectClean(audit);
        expect(ann.acks.filter((ack) => ack.connection === 1).length + ben.acks.filter((ack) => ack.connection === 1).length).toBeGreaterThanOrEqual(8);
      }
    },
    TEST_TIMEOUT,
  );

  it(
    "SIGTERM drain: the node exits 0, its clients are told, the game runs on the other node at once (hand-off), players rejoin and finish",
    async () => {
      const redis = await redisServer();
      const databaseUrl = await database();
      const a = await startNode({ databaseUrl, redisUrl: redis.url });
      const [ann, ben] = await table(a, a, "");
      const b = await startNode({ databaseUrl, redisUrl: redis.url });
      const sid = player(b.url, "Sid");
      await sid.spectate(ann.code);
      await listedOn(b, [ann.gameId], a.id);

      const players = [ann, ben];
      for (const p of players) p.play();
      await vi.waitFor(() => expect(ann.acks.length + ben.acks.length).toBeGreaterThanOrEqual(8), WAIT);

      const drainedAt = Date.now();
      const exit = await a.kill("SIGTERM");
      expect(exit).toEqual({ code: 0, signal: null });
      // Handed off, not left to expire: the drained node no longer holds the game's lease.
      expect(await redis.command("GET", `golf:lease:${ann.gameId}`)).not.toBe(a.id);

      for (const p of [ann, ben, sid]) {
        await vi.waitFor(() => expect(p.connected).toBe(false), WAIT);
        expect(p.closes).toEqual([4001]);
        const notice = p.errors.find((error) => error.code === "UNAVAILABLE" && error.rid === undefined);
        expect(notice?.message).toMatch(/moving to another server: rejoin with your token/);
      }
      for (const p of players) p.pause();

      await listedOn(b, [ann.gameId], b.id);
      const seconds = (Date.now() - drainedAt) / 1000;
      console.log(`drain: the game runs on the other node ${seconds.toFixed(1)} s after SIGTERM`);

      for (const p of [ann, ben, sid]) await p.rejoinWhenBack(b.url);
      expect(ann.welcome).toMatchObject({ role: "player" });
      expect(sid.welcome).toMatchObject({ role: "spectator", seat: -1 });
      await finish(players);
      await vi.waitFor(() => expect(sid.phase).toBe("gameOver"), WAIT);
      expectClean(auditGame(await exportFrom(b, ann.gameId), players, [sid]));
    },
    TEST_TIMEOUT,
  );

  it(
    "Redis restarts mid-game: moves go on or fail with a clear error, no game is lost, each still runs on exactly one node and is joinable by code",
    async () => {
      const redis = await redisServer();
      const databaseUrl = await database();
      const a = await startNode({ databaseUrl, redisUrl: redis.url });
      // Enough holes that the games are still running once Redis is back.
      const first = await table(a, a, "1", { holes: 9 }, 50);
      const b = await startNode({ databaseUrl, redisUrl: redis.url });
      const second = await table(b, b, "2", { holes: 9 }, 50);
      const tables = [first, second];
      const players = tables.flat();
      const gameIds = tables.map(([ann]) => ann.gameId);
      const before = await vi.waitFor(async () => {
        const live = await a.live();
        for (const gameId of gameIds) expect(live.filter((game) => game.gameId === gameId)).toHaveLength(1);
        return new Map(live.map((game) => [game.gameId, game.node]));
      }, WAIT);

      for (const p of players) p.play();
      await vi.waitFor(() => {
        for (const [ann, ben] of tables) expect(ann.acks.length + ben.acks.length).toBeGreaterThanOrEqual(6);
      }, WAIT);

      // Redis goes away for a few seconds while the games are played.
      const errorsBefore = players.map((p) => p.errors.length);
      const acksBefore = players.map((p) => p.acks.length);
      await redis.stop();
      await sleep(3000);
      const acksDuringOutage = players.reduce((sum, p, index) => sum + p.acks.length - acksBefore[index]!, 0);
      console.log(`Redis outage: ${acksDuringOutage} moves acknowledged meanwhile`);
      await redis.start();
      const outageErrors = players.flatMap((p, index) => p.errors.slice(errorsBefore[index]));
      for (const error of outageErrors) expect(ERROR_CODES).toContain(error.code);
      // Nothing crashed and nobody was cut off.
      expect(a.isRunning && b.isRunning).toBe(true);
      expect(players.filter((p) => !p.connected).map((p) => p.name)).toEqual([]);
      // Hold the games still while the cluster settles (CPUs stop at a human's turn).
      for (const p of players) p.pause();

      // The cluster comes back by itself.
      for (const [self, other] of [
        [a, b],
        [b, a],
      ] as const) {
        await vi.waitFor(async () => {
          const health = await self.health();
          expect(health.status).toBe(200);
          expect(health.body.nodes).toContain(other.id);
        }, WAIT);
      }
      // Rooms re-register their listings; every unfinished game is hosted by exactly one node, the
      // same one both nodes name, the one holding its lease.
      const unfinished = tables.filter(([ann]) => ann.phase !== "gameOver");
      expect(unfinished.length).toBeGreaterThan(0);
      for (const [ann] of unfinished) {
        const hosts = await Promise.all(
          [a, b].map((node) =>
            vi.waitFor(async () => {
              const games = (await node.live()).filter((game) => game.gameId === ann.gameId);
              expect(games).toHaveLength(1);
              return games[0]!.node;
            }, WAIT),
          ),
        );
        expect(hosts[1]).toBe(hosts[0]);
        expect(await redis.command("GET", `golf:lease:${ann.gameId}`)).toBe(hosts[0]);
        if (hosts[0] !== before.get(ann.gameId)) console.log(`Redis restart: game ${ann.code} moved from ${before.get(ann.gameId)} to ${hosts[0]}`);
        // Joinable by code through either node.
        for (const node of [a, b]) {
          const watcher = player(node.url, `Watcher${node.port}`);
          await watcher.spectate(ann.code.toLowerCase());
          expect(watcher.welcome).toMatchObject({ role: "spectator", gameId: ann.gameId });
          await watcher.leave();
        }
      }
      // A player whose game changed hosts is told; it rejoins like after a drain.
      for (const p of players) if (!p.connected && p.phase !== "gameOver") await p.rejoinWhenBack(a.url);

      await finish(players);
      for (const [ann, ben] of tables) expectClean(auditGame(await exportFrom(a, ann.gameId), [ann, ben]));
    },
    TEST_TIMEOUT,
  );

  it(
    "PostgreSQL goes away for a while: actions fail with UNAVAILABLE (a move sent behind one still committing too), nothing changes; when it returns play goes on and nothing committed is lost",
    async () => {
      const postgres = await ThrowawayPostgres.create();
      teardown.push(() => postgres.destroy());
      const redis = await redisServer();
      const databaseUrl = postgres.url;
      const a = await startNode({ databaseUrl, redisUrl: redis.url });
      const b = await startNode({ databaseUrl, redisUrl: redis.url });
      const [ann, ben] = await table(a, b, "", { seats: 2, cpus: 0, holes: 2 });
      const players = [ann, ben];
      const host = await vi.waitFor(async () => {
        const games = (await b.live()).filter((game) => game.gameId === ann.gameId);
        expect(games).toHaveLength(1);
        return games[0]!.node;
      }, WAIT);

      for (const p of players) p.play();
      await vi.waitFor(() => expect(ann.acks.length + ben.acks.length).toBeGreaterThanOrEqual(6), WAIT);
      for (const p of players) p.pause();
      await Promise.all(players.map((p) => p.idle()));
      await vi.waitFor(() => expect(["playing", "finalTurn"]).toContain(ann.phase), WAIT);
      // The outage starts at the beginning of a turn, so that a draw and a swap can be sent back to back.
      let mover: Player | undefined;
      for (let step = 0; step < 10 && !mover; step++) {
        const next = await vi.waitFor(() => {
          const found = players.find((p) => p.nextMove() !== null);
          expect(found).toBeDefined();
          return found!;
        }, WAIT);
        const move = next.nextMove()!;
        if (move.type === "draw" && (next.phase === "playing" || next.phase === "finalTurn")) mover = next;
        else expect((await next.act(move.type, move.payload)).ok).toBe(true);
        await Promise.all(players.map((p) => vi.waitFor(() => expect(p.state.lastSeq).toBe(next.state.lastSeq), WAIT)));
      }
      if (!mover) throw new Error("no player came to the start of a turn in 10 moves");
      const lastSeq = ann.state.lastSeq;

      await postgres.stop();
      const hostNode = host === a.id ? a : b;
      // While it is down every attempt is refused with UNAVAILABLE, and nothing changes.
      for (let attempt = 0; attempt < 3; attempt++) {
        const move = mover.nextMove()!;
        const reply = await mover.act(move.type, move.payload);
        expect(reply.ok).toBe(false);
        if (!reply.ok) {
          expect(reply.error.code).toBe("UNAVAILABLE");
          expect(reply.error.message).toMatch(/database/i);
        }
        await sleep(300);
      }
      // A move sent behind one still committing (decided on top of it) fails with it: both are
      // answered, neither changed anything. One write, so the node reads both before the first fails.
      const [draw, swap] = await mover.actTogether([
        { type: "draw", payload: { source: "deck" } },
        { type: "swap", payload: { position: 0 } },
      ]);
      for (const reply of [draw, swap]) {
        expect(reply.ok).toBe(false);
        if (!reply.ok) expect(reply.error.code).toBe("UNAVAILABLE");
      }
      if (!swap.ok) expect(swap.error.message).toMatch(/a move before this one was not saved/);
      await sleep(300);
      expect(mover.state.lastSeq).toBe(lastSeq);
      expect(mover.nextMove()?.type).toBe("draw");
      await vi.waitFor(async () => {
        const health = await hostNode.health();
        expect(health.status).toBe(503);
        expect(health.body.db).toBe("down");
      }, WAIT);
      expect(a.isRunning && b.isRunning).toBe(true);
      expect(players.every((p) => p.connected)).toBe(true);

      await postgres.start();
      // The node reconnects by itself: the same move goes through.
      await vi.waitFor(
        async () => {
          const move = mover.nextMove()!;
          const reply = await mover.act(move.type, move.payload);
          expect(reply.ok).toBe(true);
        },
        { timeout: 45_000, interval: 500 },
      );
      for (const node of [a, b]) await vi.waitFor(async () => expect((await node.health()).status).toBe(200), WAIT);
      expect((await b.live()).find((game) => game.gameId === ann.gameId)?.node).toBe(host);

      await finish(players);
      const audit = auditGame(await exportFrom(a, ann.gameId), players);
      expectClean(audit);
      // The refused attempts left nothing behind.
      expect(mover.errors.filter((error) => error.code === "UNAVAILABLE").length).toBeGreaterThanOrEqual(3);
    },
    TEST_TIMEOUT,
  );
});

// The audit the tests above rely on must catch what it claims to catch.
describe("auditGame", () => {
  const card = (rank: string) => ({ rank, suit: "hearts" });
  const moves = [
    { type: "drew", seat: 0, data: { source: "deck", card: card("5") } },
    { type: "swapped", seat: 0, data: { position: 0, card: card("5"), replaced: card("9") } },
    { type: "drew", seat: 1, data: { source: "deck", card: card("K") } },
    { type: "discarded", seat: 1, data: { card: card("K") } },
    { type: "drew", seat: 0, data: { source: "discard", card: card("K") } },
    { type: "swapped", seat: 0, data: { position: 1, card: card("K"), replaced: card("Q") } },
  ];
  function exportOf(events: { type: string; seat: number | null; data: unknown }[]): ExportLog {
    return {
      format: "golf-game",
      version: 1,
      game: { id: "g", code: "ABCDE", seats: [{ name: "Ann", kind: "human", profile: "" }, { name: "Bot", kind: "cpu", profile: "Marcus" }], totals: [], winners: [] },
      events: [{ type: "created", seat: null, data: { tableSize: 2 } }, ...events].map((e, index) => ({ seq: index + 1, at: index, ...e })),
    };
  }
  /** Ann (seat 0) saw seqs 1..7 and had her four moves acknowledged (two on each connection). */
  function ann(): Player {
    const p = new Player("http://127.0.0.1:9", "Ann");
    for (const e of exportOf(moves).events) {
      const shown = projectEvent({ type: e.type, ...(e.seat === null ? {} : { seat: e.seat }), data: e.data } as GameEvent, 0);
      p.seen.set(e.seq, { seq: e.seq, type: shown.type, seat: shown.seat, data: shown.data });
    }
    p.acks.push({ rid: "a1", action: "draw", seqs: [2], connection: 1 }, { rid: "a2", action: "swap", seqs: [3], connection: 1 });
    p.acks.push({ rid: "a3", action: "draw", seqs: [6], connection: 2 }, { rid: "a4", action: "swap", seqs: [7], connection: 2 });
    return p;
  }

  it("passes a log that holds every acknowledged move once", () => {
    const audit = auditGame(exportOf(moves), [ann()]);
    expect(audit).toMatchObject({ contiguous: true, acknowledged: 4, lostMoves: 0, duplicatedMoves: 0, seenMismatches: 0, missedByClients: 0, problems: [] });
  });

  it("counts acknowledged moves missing from the log, or different there", () => {
    expect(auditGame(exportOf(moves.slice(0, 4)), [ann()]).lostMoves).toBe(2);
    const changed = moves.map((e, index) => (index === 5 ? { ...e, data: { ...e.data, position: 2 } } : e));
    expect(auditGame(exportOf(changed), [ann()]).lostMoves).toBe(1);
  });

  it("counts moves of a human seat its player never made, allowing one per action cut off in flight", () => {
    const doubled = [...moves, moves[4]!, moves[5]!];
    const player = ann();
    player.seen.set(8, { seq: 8, type: "drew", seat: 0, data: moves[4]!.data });
    player.seen.set(9, { seq: 9, type: "swapped", seat: 0, data: moves[5]!.data });
    expect(auditGame(exportOf(doubled), [player]).duplicatedMoves).toBe(2);
    player.unanswered.push({ rid: "a5", action: "draw" });
    expect(auditGame(exportOf(doubled), [player]).duplicatedMoves).toBe(1);
  });

  it("notices a gap in the log and events a client never saw", () => {
    const doc = exportOf(moves);
    doc.events.splice(3, 1);
    expect(auditGame(doc, [ann()]).contiguous).toBe(false);
    const player = ann();
    player.seen.delete(4);
    expect(auditGame(exportOf(moves), [player]).missedByClients).toBe(1);
  });
});
