// What players see when the database misbehaves under a real node, with real faults: a TCP proxy
// between the node and its database (server/store/test/fault-proxy.ts) cuts a statement's answer,
// drops a statement, or refuses connections. Checked over real sockets with SDK bots, on PostgreSQL
// (a scratch database on TEST_DATABASE_URL) when it is set and on embedded PGlite.
// Also: game records that cannot drift from the log, tokens that name players, and settings that
// survive recovery, each across a restart of the node on the same database.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { GolfExport } from "../../shared/protocol/index.ts";
import type { NodeOptions } from "../node.ts";
import { APPEND_STATEMENT, FaultProxy } from "../store/test/fault-proxy.ts";
import { scratchDatabase, startTestNode, type TestNode } from "../testing.ts";
import { Bot, type Reply } from "./support.ts";

const WAIT = { timeout: 30_000, interval: 20 };

interface Database {
  name: string;
  options: Pick<NodeOptions, "databaseUrl" | "dataDir"> & { postgres?: boolean };
  drop(): Promise<void>;
}

const backends: { name: string; open(): Promise<Database> }[] = [
  ...(process.env.TEST_DATABASE_URL
    ? [
        {
          name: "PostgreSQL",
          async open(): Promise<Database> {
            const scratch = await scratchDatabase(process.env.TEST_DATABASE_URL!, "golf_faults");
            return { name: "PostgreSQL", options: { databaseUrl: scratch.url }, drop: scratch.drop };
          },
        },
      ]
    : []),
  {
    name: "embedded PGlite",
    async open(): Promise<Database> {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), "golf-faults-"));
      return { name: "PGlite", options: { dataDir, postgres: false }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
    },
  },
];

/** A node on `database`, reaching it through a fault proxy. */
async function startNode(database: Database, options: NodeOptions = {}): Promise<{ node: TestNode; proxy: FaultProxy; close(): Promise<void> }> {
  let proxy: FaultProxy | undefined;
  const node = await startTestNode({
    ...database.options,
    ...options,
    databaseVia: async (url) => {
      proxy = await FaultProxy.start(url);
      return proxy.urlFor(url);
    },
  });
  return {
    node,
    proxy: proxy!,
    async close() {
      await node.close();
      await proxy!.close();
    },
  };
}

function initialFlips(bot: Bot): number[] {
  const wanted = (JSON.parse(bot.state.rules) as { initialFlips: number }).initialFlips;
  return Array.from({ length: wanted }, (_, position) => position);
}

/** Ann and one CPU at a table of two, one hole, no turn timer, started; the CPU's flips are done. */
async function startedTable(url: string, options: Record<string, unknown> = {}): Promise<Bot> {
  const ann = await Bot.create(url, { name: "Ann", seats: 2, cpus: 1, holes: 1, turnSeconds: 0, cpuDelayMs: 0, ...options }, { autoplay: false });
  ann.room.reconnection.enabled = false;
  expect(await ann.act("start")).toMatchObject({ ok: true });
  await ann.until(() => ann.state.phase === "initialFlip" && ann.state.seats[1]!.cards.some((slot) => slot.faceUp), WAIT.timeout, "the CPU's flips");
  return ann;
}

async function exportStatus(url: string, gameId: string): Promise<number> {
  return (await fetch(`${url}/api/games/${gameId}/export`)).status;
}

async function playToTheEnd(bot: Bot): Promise<void> {
  bot.startPlaying();
  await bot.until(() => bot.state.phase === "gameOver", 60_000, "the end of the game");
}

describe.each(backends)("database faults under a live node ($name)", ({ open }) => {
  let database: Database;
  beforeAll(async () => {
    database = await open();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("finding 3: a move whose commit answer is lost is answered as done, and the game goes on on its node", { timeout: 120_000 }, async () => {
    const { node, proxy, close } = await startNode(database);
    try {
      const ann = await startedTable(node.url);
      const cut = proxy.cutAfter(...APPEND_STATEMENT);
      const reply = await ann.act("flipInitial", { positions: initialFlips(ann) });
      await cut;
      // The database holds the move: the player is told it was made, with its rid.
      expect(reply).toMatchObject({ ok: true, event: { type: "flippedInitial", seat: 0 } });
      await playToTheEnd(ann);
      expect(ann.closes).toEqual([]);
      expect(ann.errors).toEqual([]);
      const doc = (await (await fetch(`${node.url}/api/games/${ann.welcome!.gameId}/export`)).json()) as GolfExport;
      expect(doc.events.map((e) => e.seq)).toEqual(doc.events.map((_, i) => i + 1));
      expect(doc.events.filter((e) => e.type === "flippedInitial" && e.seat === 0)).toHaveLength(1);
    } finally {
      await close();
    }
  });

  it("finding 3: while the outcome cannot be read the game holds, and the move is settled once the database answers", { timeout: 120_000 }, async () => {
    const { node, proxy, close } = await startNode(database);
    try {
      const ann = await startedTable(node.url);
      // The answer is lost, and then the database stays away.
      proxy.refuseAfterFault = true;
      const cut = proxy.cutAfter(...APPEND_STATEMENT);
      const flip = ann.act("flipInitial", { positions: initialFlips(ann) });
      await cut;
      await vi.waitFor(() => expect(proxy.refused).toBeGreaterThan(0), WAIT);
      // The game holds: an action now is answered UNAVAILABLE, nothing changed.
      const meanwhile: Reply = await ann.act("draw", { source: "deck" });
      expect(meanwhile).toMatchObject({ ok: false, error: { code: "UNAVAILABLE" } });
      proxy.accept();
      expect(await flip).toMatchObject({ ok: true, event: { type: "flippedInitial", seat: 0 } });
      await playToTheEnd(ann);
      expect(ann.closes).toEqual([]);
    } finally {
      await close();
    }
  });

  it("finding 3: a move whose statement never reached the database is answered UNAVAILABLE, and its retry is made", { timeout: 120_000 }, async () => {
    const { node, proxy, close } = await startNode(database);
    try {
      const ann = await startedTable(node.url);
      const drop = proxy.dropOn(...APPEND_STATEMENT);
      const reply = await ann.act("flipInitial", { positions: initialFlips(ann) });
      await drop;
      expect(reply).toMatchObject({ ok: false, error: { code: "UNAVAILABLE", message: expect.stringMatching(/nothing was changed/) } });
      expect(await ann.act("flipInitial", { positions: initialFlips(ann) })).toMatchObject({ ok: true, event: { type: "flippedInitial", seat: 0 } });
      await playToTheEnd(ann);
      expect(ann.closes).toEqual([]);
    } finally {
      await close();
    }
  });

  it("finding 3: a move decided on top of an unconfirmed one waits for it, and both are answered as done", { timeout: 120_000 }, async () => {
    const { node, proxy, close } = await startNode(database);
    try {
      const ann = await Bot.create(node.url, { name: "Ann", seats: 2, cpus: 0, holes: 1, turnSeconds: 0 }, { autoplay: false });
      const bob = await Bot.joinById(node.url, ann.code, { name: "Bob" }, { autoplay: false });
      for (const bot of [ann, bob]) bot.room.reconnection.enabled = false;
      expect(await ann.act("start")).toMatchObject({ ok: true });
      await bob.until(() => bob.state.phase === "initialFlip", WAIT.timeout, "the start");
      // Ann's flip is held on the wire; Bob's is decided on top of it meanwhile.
      proxy.stall();
      const cut = proxy.cutAfter(...APPEND_STATEMENT);
      const annFlip = ann.act("flipInitial", { positions: initialFlips(ann) });
      await vi.waitFor(() => expect(proxy.stalledCount).toBeGreaterThan(0), WAIT);
      const bobFlip = bob.act("flipInitial", { positions: initialFlips(bob) });
      // Bob's next message is answered after his flip was taken: the flip is in the pipeline.
      expect(await bob.act("flip", { position: "x" })).toMatchObject({ ok: false, error: { code: "BAD_MESSAGE" } });
      // Ann's statement reaches the database, its answer is lost.
      proxy.resume();
      await cut;
      const [annReply, bobReply] = await Promise.all([annFlip, bobFlip]);
      expect(annReply).toMatchObject({ ok: true, event: { type: "flippedInitial", seat: 0 } });
      expect(bobReply).toMatchObject({ ok: true, event: { type: "flippedInitial", seat: 1 } });
      expect((bobReply as { event: { seq: number } }).event.seq).toBeGreaterThan((annReply as { event: { seq: number } }).event.seq);
      for (const bot of [ann, bob]) bot.startPlaying();
      await Promise.all([ann, bob].map((bot) => bot.until(() => bot.state.phase === "gameOver", 60_000, "the end of the game")));
      expect([...ann.closes, ...bob.closes]).toEqual([]);
    } finally {
      await close();
    }
  });

  it("finding 3: a node never gives up a game no other node holds: after a conflict it adopts the log's events and goes on", { timeout: 120_000 }, async () => {
    const { node, close } = await startNode(database);
    try {
      const ann = await startedTable(node.url);
      const { gameId } = ann.welcome!;
      // An event this room did not write (what an unconfirmed commit that ran late looks like).
      const { lastSeq } = await node.store.games.get(gameId);
      await node.store.log.append(gameId, [{ type: "hostChanged", seat: 0, data: {} }], lastSeq);
      const refused = await ann.act("flipInitial", { positions: initialFlips(ann) });
      expect(refused).toMatchObject({ ok: false, error: { code: "UNAVAILABLE" } });
      // The room catches up: the players get the event, and the retry is made.
      await ann.until(() => ann.events.some((e) => e.seq === lastSeq + 1 && e.type === "hostChanged"), WAIT.timeout, "the missed event");
      expect(await ann.act("flipInitial", { positions: initialFlips(ann) })).toMatchObject({ ok: true, event: { type: "flippedInitial", seq: lastSeq + 2 } });
      await playToTheEnd(ann);
      expect(ann.closes).toEqual([]);
    } finally {
      await close();
    }
  });

  it("findings 5 and 13: once gameEnded is committed the game is finished: export at once, the code free, even when later writes fail", { timeout: 120_000 }, async () => {
    let running = await startNode(database);
    let ann: Bot | undefined;
    try {
      ann = await startedTable(running.node.url);
      const { gameId, code } = ann.welcome!;
      // Before the fix the end was written afterwards by a statement of its own: lose it.
      void running.proxy.dropOn("ended_at = COALESCE(ended_at");
      await playToTheEnd(ann);
      await ann.until(() => ann!.events.some((e) => e.type === "gameEnded"), WAIT.timeout, "gameEnded");
      // One request, no waiting loop: a client that saw the end finds the finished game.
      expect(await exportStatus(running.node.url, gameId)).toBe(200);
      expect(await running.node.store.games.byCode(code)).toBeNull();

      // A record that drifted anyway (written by an older version): the log decides at recovery.
      const client = new pg.Client({ connectionString: running.node.store.connectionString });
      await client.connect();
      await client.query("UPDATE games SET status = 'running', ended_at = NULL WHERE id = $1", [gameId]);
      await client.end();
      await ann.leave();
      await running.close();
      running = await startNode(database);
      expect(await exportStatus(running.node.url, gameId)).toBe(200);
      expect(await running.node.store.games.byCode(code)).toBeNull();
      const joined = await Bot.joinById(running.node.url, code, { name: "Zed" }).then(
        () => "joined",
        (error: Error) => error.message,
      );
      expect(joined).toMatch(/^NOT_FOUND/);
    } finally {
      await ann?.leave();
      await running.close();
    }
  });

  it("finding 4: a token names its player: with no renumbering write to lose, every token opens its own seat after a restart", { timeout: 120_000 }, async () => {
    let running = await startNode(database);
    try {
      const url = running.node.url;
      const ann = await Bot.create(url, { name: "Ann", seats: 4, cpus: 0, holes: 1, turnSeconds: 0, private: true }, { autoplay: false });
      const code = ann.code;
      const ben = await Bot.joinById(url, code, { name: "Ben" }, { autoplay: false });
      const cy = await Bot.joinById(url, code, { name: "Cy" }, { autoplay: false });
      const dee = await Bot.joinById(url, code, { name: "Dee" }, { autoplay: false });
      for (const bot of [ann, ben, cy, dee]) bot.room.reconnection.enabled = false;
      expect([ann.seat, ben.seat, cy.seat, dee.seat]).toEqual([0, 1, 2, 3]);
      await ben.leave();
      await ann.until(() => ann.state.seats[1]?.kind === "empty", WAIT.timeout, "Ben's seat to be freed");
      // The write that moved seat-indexed tokens at the start (lost here, before the fix) does not exist.
      void running.proxy.dropOn("DELETE FROM seat_tokens");
      expect(await ann.act("start")).toMatchObject({ ok: true, event: { type: "started", data: { order: [0, 2, 3] } } });
      await ann.until(() => ann.state.phase === "initialFlip", WAIT.timeout, "the start");
      const seated = ann.events.filter((e) => e.type === "seatTaken");
      const tokens = { ann: ann.token, cy: cy.token, dee: dee.token };
      for (const bot of [ann, cy, dee]) await bot.leave();
      await running.close();

      running = await startNode(database);
      const back = async (name: string, token: string) => {
        const bot = await Bot.joinById(running.node.url, code, { name, token }, { autoplay: false });
        bot.room.reconnection.enabled = false;
        return bot;
      };
      const cyAgain = await back("Cy", tokens.cy);
      const deeAgain = await back("Dee", tokens.dee);
      const annAgain = await back("Ann", tokens.ann);
      expect([annAgain.welcome!.seat, cyAgain.welcome!.seat, deeAgain.welcome!.seat]).toEqual([0, 1, 2]);
      expect(annAgain.state.seats.map((seat) => seat.name)).toEqual(["Ann", "Cy", "Dee"]);
      // Each one plays its own seat: the one whose turn it is draws, as that seat; the others are told it is not their turn.
      await annAgain.until(() => annAgain.state.seats.every((seat) => seat.connected && !seat.away), WAIT.timeout, "everyone back");
      for (const bot of [annAgain, cyAgain, deeAgain]) {
        const reply = await bot.act("draw", { source: "deck" });
        // (A stand-in CPU may have drawn for the seat before its player was back.)
        if (bot.welcome!.seat === bot.state.turn) expect(reply.ok ? reply.event.seat : reply.error.code, JSON.stringify(reply)).toBe(reply.ok ? bot.welcome!.seat : "ILLEGAL_MOVE");
        else expect(reply, JSON.stringify(reply)).toMatchObject({ ok: false, error: { code: "NOT_YOUR_TURN" } });
      }
      // A token of a player who left the lobby opens nothing.
      const benAgain = await Bot.joinById(running.node.url, code, { name: "Ben", token: ben.token }, { autoplay: false }).then(
        () => "joined",
        (error: Error) => error.message,
      );
      expect(benAgain).toMatch(/^BAD_TOKEN/);
      // Player ids are public (they are not credentials): every seat shows one in its seatTaken event.
      expect(seated.map((e) => typeof e.data.playerId === "string" && e.data.playerId.length > 0)).toEqual([true, true, true, true]);
      for (const bot of [annAgain, cyAgain, deeAgain]) await bot.leave();
    } finally {
      await running.close();
    }
  });

  it("finding 14: a recovered game keeps its settings: its CPUs keep the game's cpuDelayMs, not the node's", { timeout: 120_000 }, async () => {
    let running = await startNode(database);
    try {
      const ann = await startedTable(running.node.url, { cpuDelayMs: 0 });
      const { code } = ann.welcome!;
      const token = ann.token;
      await ann.leave();
      await running.close();
      // The next node's own default pace is far slower than the game's.
      running = await startNode(database, { cpuDelayMs: 3_600_000 });
      const annAgain = await Bot.joinById(running.node.url, code, { name: "Ann", token }, { autoplay: false });
      annAgain.room.reconnection.enabled = false;
      const before = annAgain.events.length;
      annAgain.startPlaying();
      // The CPU moves after the restart at the game's pace (at once), not the node's hour.
      await annAgain.until(() => annAgain.events.slice(before).some((e) => e.seat === 1 && e.type !== "awayChanged"), 20_000, "a CPU move after the restart");
      await annAgain.leave();
    } finally {
      await running.close();
    }
  });
});
