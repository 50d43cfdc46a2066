// The one event store suite, run against every backend (PostgreSQL and embedded PGlite) by the
// *.test.ts files beside the store. A backend provides a database for the file; every test makes
// its own games, so tests never depend on each other's data.
import { createHash, randomUUID } from "node:crypto";
import { newJoinCode } from "../../../shared/protocol/index.ts";
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { pino } from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  BadExportError,
  CodeTakenError,
  CommitUnknownError,
  ConflictError,
  openStore,
  MigrationError,
  NotFinishedError,
  StoreUnavailableError,
  UnknownGameError,
  type Store,
  type StoreOptions,
  type GolfExport,
  type NewEvent,
  type SeatInfo,
} from "../index.ts";
import { readExport } from "../../../shared/protocol/index.ts";
import { DEFAULT_MIGRATIONS_DIR, migrate } from "../migrate.ts";
import { freePort } from "../../free-port.ts";
import { APPEND_STATEMENT, FaultProxy } from "./fault-proxy.ts";

export const silentLogger = pino({ level: "silent" });

/** A store whose database a test may take away and bring back. */
export interface OutageRig {
  store: Store;
  /** Keeps the next appends to this game in flight until stop() (PostgreSQL: holds its row lock). */
  hold(gameId: string): Promise<void>;
  /** Takes the database away, with the appends just issued still in flight. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface Backend {
  /** Opens a store on this file's database; again after a close, on the same data. */
  open(options: Partial<StoreOptions>): Promise<Store>;
  /** A new, empty database of its own (PostgreSQL only: PGlite has one database per directory). */
  freshDatabase?: () => Promise<string>;
  outage(suiteStore: Store): Promise<OutageRig>;
  cleanup(): Promise<void>;
}

const SEATS: SeatInfo[] = [
  { name: "Ann", kind: "human", profile: "" },
  { name: "Basil", kind: "cpu", profile: "cautious" },
  { name: "", kind: "empty", profile: "" },
];

function ev(type: string, seat: number | null = 0, data: unknown = { card: "7H" }): NewEvent {
  return { type, seat, data };
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Defines the suite's tests inside the caller's describe(). */
export function eventStoreSuite(makeBackend: () => Promise<Backend>): void {
  let backend: Backend;
  let store: Store;
  // Share links expire by the store's clock: tests move it forward instead of waiting.
  let clockSkewMs = 0;
  // Every store of the suite reaches its database through a fault proxy (transparent until armed).
  const proxies: FaultProxy[] = [];
  const via = async (url: string) => {
    const proxy = await FaultProxy.start(url);
    proxies.push(proxy);
    return proxy.urlFor(url);
  };
  const options: Partial<StoreOptions> = { logger: silentLogger, clock: () => Date.now() + clockSkewMs, via };

  beforeAll(async () => {
    backend = await makeBackend();
    store = await backend.open(options);
  });

  afterAll(async () => {
    await store?.close();
    await backend?.cleanup();
    for (const proxy of proxies) await proxy.close();
  });

  async function newGame(onStore: Store = store): Promise<string> {
    const id = randomUUID();
    await onStore.games.create({ id, code: newJoinCode(), private: false, rules: { jokers: true }, holes: 9, decks: null, seats: SEATS });
    return id;
  }

  async function finishedGame(): Promise<string> {
    const id = await newGame();
    await store.log.append(id, [{ type: "dealt", seat: null, data: { hole: 1 }, at: 1_000_000 }], 0);
    await store.log.append(id, [{ type: "drew", seat: 0, data: { from: "deck" }, at: 1_000_250 }], 1);
    await store.log.append(id, [{ type: "ended", seat: null, data: { totals: [12, 30] }, at: 1_002_000 }], 2);
    await store.games.finish(id, { status: "finished", totals: [12, 30], winners: [0] });
    return id;
  }

  it("appends and loads a game's log", async () => {
    const id = await newGame();
    expect((await store.log.load(id)).game).toMatchObject({ id, status: "lobby", lastSeq: 0, imported: false });
    expect((await store.log.load(id)).events).toEqual([]);

    const first = await store.log.append(id, [ev("dealt", null, { hole: 1, deck: [3, 1, 2] }), ev("drew", 0)], 0);
    expect(first.map((event) => event.seq)).toEqual([1, 2]);
    const second = await store.log.append(id, [{ type: "swapped", seat: 1, data: { slot: 4 }, at: 1_700_000_000_123 }], 2);
    expect(second).toEqual([{ seq: 3, type: "swapped", seat: 1, data: { slot: 4 }, at: 1_700_000_000_123 }]);

    // An id in upper case names the same game; times are kept to the millisecond.
    const third = await store.log.append(id.toUpperCase(), [{ type: "knocked", seat: 0, data: null, at: 1_700_000_000_456.7 }], 3);
    expect(third).toEqual([{ seq: 4, type: "knocked", seat: 0, data: null, at: 1_700_000_000_457 }]);

    const { game, events } = await store.log.load(id);
    expect(game.lastSeq).toBe(4);
    expect(events).toEqual([...first, ...second, ...third]);
    expect((await store.log.loadSince(id, 1)).map((event) => event.seq)).toEqual([2, 3, 4]);
    expect(await store.log.loadSince(id, 4)).toEqual([]);
    expect(await store.log.append(id, [], 4)).toEqual([]);
  });

  it("refuses a duplicate or out-of-order append with ConflictError and writes nothing of it", async () => {
    const id = await newGame();
    await store.log.append(id, [ev("dealt")], 0);

    const duplicate = await store.log.append(id, [ev("again"), ev("and again")], 0).catch((err: unknown) => err);
    expect(duplicate).toBeInstanceOf(ConflictError);
    expect(duplicate).toMatchObject({ gameId: id, expectedSeq: 0, actualSeq: 1 });
    expect((duplicate as Error).message).toContain(id);

    await expect(store.log.append(id.toUpperCase(), [ev("again")], 0)).rejects.toBeInstanceOf(ConflictError);
    const gap = await store.log.append(id, [ev("later")], 5).catch((err: unknown) => err);
    expect(gap).toMatchObject({ name: "ConflictError", expectedSeq: 5, actualSeq: 1 });

    expect((await store.log.load(id)).events.map((event) => event.type)).toEqual(["dealt"]);
  });

  it("refuses appends, loads and updates of an unknown game with UnknownGameError", async () => {
    const unknown = randomUUID();
    await expect(store.log.append(unknown, [ev("dealt")], 0)).rejects.toBeInstanceOf(UnknownGameError);
    await expect(store.log.append("not-a-uuid", [ev("dealt")], 0)).rejects.toBeInstanceOf(UnknownGameError);
    await expect(store.log.load(unknown)).rejects.toBeInstanceOf(UnknownGameError);
    await expect(store.log.loadSince(unknown, 0)).rejects.toBeInstanceOf(UnknownGameError);
    await expect(store.games.update(unknown, { status: "running" })).rejects.toBeInstanceOf(UnknownGameError);
    await expect(store.games.finish(unknown, { status: "abandoned" })).rejects.toBeInstanceOf(UnknownGameError);
    await expect(store.tokens.setSeatToken(unknown, 0, sha256("t"))).rejects.toBeInstanceOf(UnknownGameError);
  });

  it("lets exactly one of concurrent appends to a game win each seq", async () => {
    const id = await newGame();
    // Ten writers at once, all expecting an empty log.
    const firstRound = await Promise.allSettled(Array.from({ length: 10 }, (_, w) => store.log.append(id, [ev(`writer ${w}`)], 0)));
    expect(firstRound.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    for (const result of firstRound) {
      if (result.status === "rejected") expect(result.reason).toMatchObject({ name: "ConflictError", expectedSeq: 0, actualSeq: 1 });
    }

    // Then eight writers race until the log holds 60 events, each retrying from the seq it is told.
    const wins = new Array<number>(8).fill(0);
    await Promise.all(
      wins.map(async (_, w) => {
        let seq = 1;
        while (seq < 60) {
          try {
            const [stored] = await store.log.append(id, [ev(`racer ${w}`)], seq);
            wins[w]!++;
            seq = stored!.seq;
          } catch (err) {
            if (!(err instanceof ConflictError)) throw err;
            seq = err.actualSeq;
          }
        }
      }),
    );
    const { game, events } = await store.log.load(id);
    expect(events.map((event) => event.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
    expect(game.lastSeq).toBe(events.length);
    expect(events.length).toBeGreaterThanOrEqual(60);
    expect(1 + wins.reduce((a, b) => a + b)).toBe(events.length);
    wins.forEach((count, w) => expect(events.filter((event) => event.type === `racer ${w}`)).toHaveLength(count));
  });

  it("fails only the conflicting appends of a group commit; the rest of the batch commits", async () => {
    const [good, behind, alsoGood] = [await newGame(), await newGame(), await newGame()];
    const before = store.log.commitStats.batches;
    // Issued in one turn of the event loop, so they travel in one batch.
    const results = await Promise.allSettled([
      store.log.append(good, [ev("dealt"), ev("drew")], 0),
      store.log.append(behind, [ev("dealt")], 4),
      store.log.append(randomUUID(), [ev("dealt")], 0),
      store.log.append(alsoGood, [ev("dealt")], 0),
    ]);
    expect(store.log.commitStats.batches - before).toBe(1);
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "rejected", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ name: "ConflictError", expectedSeq: 4, actualSeq: 0 });
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(UnknownGameError);
    expect((await store.log.load(good)).events).toHaveLength(2);
    expect((await store.log.load(behind)).events).toHaveLength(0);
    expect((await store.log.load(alsoGood)).events).toHaveLength(1);
  });

  it("commits a game's appends queued together, each continuing the one before, in one batch", async () => {
    const id = await newGame();
    const other = await newGame();
    const before = store.log.commitStats;
    // As a room sends a move decided on top of one still committing (both players' initial flips).
    const [first, second, third, neighbour] = await Promise.all([
      store.log.append(id, [ev("flipped", 0), ev("flipped", 0)], 0),
      store.log.append(id, [ev("flipped", 1)], 2),
      store.log.append(id, [ev("drew", 1)], 3),
      store.log.append(other, [ev("dealt", null)], 0),
    ]);
    // Each caller gets its own events back.
    expect(first.map((event) => event.seq)).toEqual([1, 2]);
    expect(second.map((event) => [event.seq, event.seat])).toEqual([[3, 1]]);
    expect(third.map((event) => [event.seq, event.type])).toEqual([[4, "drew"]]);
    expect(neighbour.map((event) => event.seq)).toEqual([1]);
    const after = store.log.commitStats;
    expect(after.batches - before.batches).toBe(1);
    expect(after.appends - before.appends).toBe(4);
    expect((await store.log.load(id)).events.map((event) => [event.seq, event.type, event.seat])).toEqual([
      [1, "flipped", 0],
      [2, "flipped", 0],
      [3, "flipped", 1],
      [4, "drew", 1],
    ]);
  });

  it("fails an append that continues a refused one with it, and keeps a game's other queued appends apart", async () => {
    const id = await newGame();
    await store.log.append(id, [ev("dealt", null)], 0);
    const results = await Promise.allSettled([
      // Expects seq 0, but seq 1 is taken: refused. The next was built on top of it: refused too.
      store.log.append(id, [ev("late")], 0),
      store.log.append(id, [ev("built on late")], 1),
      // Not a continuation (seq 5 of nothing): waits for a batch of its own, and is refused there.
      store.log.append(id, [ev("gap")], 5),
    ]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ name: "ConflictError", expectedSeq: 0, actualSeq: 1 });
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ name: "ConflictError", expectedSeq: 0, actualSeq: 1 });
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ name: "ConflictError", expectedSeq: 5, actualSeq: 1 });
    expect((await store.log.load(id)).events.map((event) => event.type)).toEqual(["dealt"]);
  });

  it("never lets a game's append overtake an earlier one left for the next batch", async () => {
    const [id, other] = [await newGame(), await newGame()];
    // Batches hold at most 500 events (the default): after `other`'s event the 500 of `id` must wait
    // for the next batch, and so must the append that continues them, though it would fit.
    const many = Array.from({ length: 500 }, (_, n) => ev("moved", 0, { n }));
    const before = store.log.commitStats.batches;
    const results = await Promise.all([store.log.append(other, [ev("dealt")], 0), store.log.append(id, many, 0), store.log.append(id, [ev("last")], 500)]);
    expect(results.map((events) => [events[0]!.seq, events.length])).toEqual([[1, 1], [1, 500], [501, 1]]);
    // `other`; the 500; the last one (which cannot join 500 events either).
    expect(store.log.commitStats.batches - before).toBe(3);
    const { events } = await store.log.load(id);
    expect(events.map((event) => event.seq)).toEqual(Array.from({ length: 501 }, (_, n) => n + 1));
    expect(events.at(-1)!.type).toBe("last");
  });

  it("refuses events PostgreSQL could not store before they join a batch, without failing their neighbours", async () => {
    const id = await newGame();
    const neighbour = await newGame();
    const results = await Promise.allSettled([
      store.log.append(id, [ev("bad seat", -1)], 0),
      store.log.append(id, [ev("nul", 0, { name: "a\u0000b" })], 0),
      store.log.append(id, [ev("bigint", 0, { n: 1n })], 0),
      store.log.append(id, [ev("", 0)], 0),
      store.log.append(neighbour, [ev("fine")], 0),
    ]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected", "rejected", "rejected", "fulfilled"]);
    for (const result of results.slice(0, 4)) expect((result as PromiseRejectedResult).reason).toBeInstanceOf(RangeError);
    expect((await store.log.load(id)).events).toEqual([]);
  });

  it("group-commits many games appending at once in few round trips", async () => {
    const games = await Promise.all(Array.from({ length: 50 }, () => newGame()));
    const perGame = 20;
    const before = store.log.commitStats;
    await Promise.all(
      games.map(async (id, g) => {
        for (let seq = 0; seq < perGame; seq++) await store.log.append(id, [ev("moved", g % 3, { game: g, seq })], seq);
      }),
    );
    const after = store.log.commitStats;
    const appends = games.length * perGame;
    expect(after.appends - before.appends).toBe(appends);
    // Each round of 50 appends shares a batch; one round trip per append would be 1000 batches.
    expect(after.batches - before.batches).toBeLessThan(appends / 5);
    for (const [g, id] of games.entries()) {
      const { events } = await store.log.load(id);
      expect(events.map((event) => (event.data as { seq: number }).seq)).toEqual(Array.from({ length: perGame }, (_, i) => i));
      expect(events.every((event) => (event.data as { game: number }).game === g)).toBe(true);
    }
  });

  it("loses no committed event when the store restarts", async () => {
    const games = await Promise.all(Array.from({ length: 5 }, () => newGame()));
    const committed = await Promise.all(games.map((id, g) => store.log.append(id, [ev("dealt", null, { g }), ev("drew", 1)], 0)));
    // Appends still in flight when close() is called: close waits for their commit.
    const inFlight = games.map((id) => store.log.append(id, [ev("discarded", 1)], 2));
    await store.close();
    const lastAppends = await Promise.all(inFlight);

    store = await backend.open(options);
    for (const [g, id] of games.entries()) {
      const { game, events } = await store.log.load(id);
      expect(events).toEqual([...committed[g]!, ...lastAppends[g]!]);
      expect(game.lastSeq).toBe(3);
    }
    const unfinished = (await store.games.unfinished()).map((game) => game.id);
    expect(unfinished).toEqual(expect.arrayContaining(games));
  });

  it("keeps join codes unique among unfinished games only", async () => {
    const code = newJoinCode();
    const first = randomUUID();
    await store.games.create({ id: first, code, private: true, rules: {}, holes: 3, decks: 1, seats: SEATS, node: "node-a" });
    const again = { id: randomUUID(), code: code.toLowerCase(), private: false, rules: {}, holes: 9, decks: null, seats: SEATS };
    const taken = await store.games.create(again).catch((err: unknown) => err);
    expect(taken).toBeInstanceOf(CodeTakenError);
    expect(taken).toMatchObject({ code });
    expect((await store.games.byCode(code.toLowerCase()))?.id).toBe(first);

    await store.games.update(first, { status: "running" });
    await expect(store.games.create(again)).rejects.toBeInstanceOf(CodeTakenError);
    await store.games.finish(first, { status: "abandoned" });
    // Finished games keep their code without blocking it.
    await store.games.create(again);
    expect((await store.games.byCode(code))?.id).toBe(again.id);
  });

  it("updates a game, finishes it and lists only unfinished games", async () => {
    const id = await newGame();
    const other = await newGame();
    await store.games.update(id, {
      status: "running",
      rules: { jokers: false, lucky: true },
      holes: 18,
      decks: 2,
      private: true,
      node: "node-b",
      seats: [SEATS[0]!, { name: "Cleo", kind: "human", profile: "" }],
    });
    const running = await store.games.get(id);
    expect(running).toMatchObject({ status: "running", rules: { jokers: false, lucky: true }, holes: 18, decks: 2, private: true, node: "node-b" });
    expect(running.seats.map((seat) => seat.name)).toEqual(["Ann", "Cleo"]);
    let unfinished = (await store.games.unfinished()).map((game) => game.id);
    expect(unfinished).toEqual(expect.arrayContaining([id, other]));

    await store.games.finish(id, { status: "finished", totals: [4, 17], winners: [0] });
    const finished = await store.games.get(id);
    expect(finished).toMatchObject({ status: "finished", totals: [4, 17], winners: [0] });
    expect(finished.endedAt).toBeGreaterThanOrEqual(finished.createdAt);
    unfinished = (await store.games.unfinished()).map((game) => game.id);
    expect(unfinished).toContain(other);
    expect(unfinished).not.toContain(id);
  });

  it("stores seat tokens hashed beside the game", async () => {
    const id = await newGame();
    await store.tokens.setSeatToken(id, 0, sha256("token zero"));
    await store.tokens.setSeatToken(id, 1, sha256("token one"));
    expect(await store.tokens.seatForToken(id, sha256("token one"))).toBe(1);
    expect(await store.tokens.seatForToken(id, sha256("nobody"))).toBeNull();
    // A new token for a seat replaces the old one.
    await store.tokens.setSeatToken(id, 1, sha256("token one, again"));
    expect(await store.tokens.seatForToken(id, sha256("token one"))).toBeNull();
    expect(await store.tokens.seatTokens(id)).toEqual([
      { seat: 0, tokenHash: sha256("token zero") },
      { seat: 1, tokenHash: sha256("token one, again") },
    ]);
    await store.tokens.clearSeatToken(id, 0);
    expect((await store.tokens.seatTokens(id)).map((token) => token.seat)).toEqual([1]);
    expect((await store.log.load(id)).events).toEqual([]);
  });

  it("keeps player tokens hashed beside the game: a token names a player, not a seat", async () => {
    const id = await newGame();
    await store.tokens.setPlayerToken(id, "player-ann", sha256("ann"));
    await store.tokens.setPlayerToken(id, "player-cat", sha256("cat"));
    expect(await store.tokens.playerForToken(id, sha256("cat"))).toBe("player-cat");
    expect(await store.tokens.playerForToken(id, sha256("nobody"))).toBeNull();
    await store.tokens.clearPlayerTokens(id, "player-cat");
    expect(await store.tokens.playerForToken(id, sha256("cat"))).toBeNull();
    expect(await store.tokens.playerForToken(id, sha256("ann"))).toBe("player-ann");
    await expect(store.tokens.setPlayerToken(randomUUID(), "p", sha256("x"))).rejects.toBeInstanceOf(UnknownGameError);
  });

  it("commits a record patch with its events, and not without them", async () => {
    const id = await newGame();
    const seats: SeatInfo[] = [{ name: "Ann", kind: "human", profile: "" }, { name: "Basil", kind: "cpu", profile: "Basil" }];
    // In one batch with an ordinary append of another game.
    const other = await newGame();
    await Promise.all([store.log.append(id, [ev("started", null, { order: [0, 1] })], 0, { status: "running", seats, decks: 1 }), store.log.append(other, [ev("drew")], 0)]);
    expect(await store.games.get(id)).toMatchObject({ status: "running", seats, decks: 1, endedAt: null });
    expect((await store.games.get(other)).status).toBe("lobby");
    // A refused append changes nothing of the record.
    await expect(store.log.append(id, [ev("gameEnded", null, {})], 0, { status: "finished", totals: [1, 2], winners: [0] })).rejects.toBeInstanceOf(ConflictError);
    expect((await store.games.get(id)).status).toBe("running");
    await store.log.append(id, [ev("gameEnded", null, { totals: [1, 2], winners: [0] })], 1, { status: "finished", totals: [1, 2], winners: [0] });
    // The export answers as soon as the append has resolved: nothing is written after it.
    const doc = await store.exports.exportGame(id);
    expect(doc.game).toMatchObject({ totals: [1, 2], winners: [0] });
    expect(doc.game.endedAt).not.toBeNull();
    expect(await store.games.byCode((await store.games.get(id)).code)).toBeNull();
  });

  it("settles an append whose answer was lost from the log: committed, or not", async () => {
    const proxy = proxies.at(-1)!;
    const id = await newGame();
    await store.log.append(id, [ev("dealt")], 0);
    // The statement reaches the database and commits; its answer is lost.
    const cut = proxy.cutAfter(...APPEND_STATEMENT);
    const drew = ev("drew", 0, { source: "deck", card: { rank: "7", suit: "H" } });
    const lost = await store.log.append(id, [drew], 1).catch((e: unknown) => e);
    await cut;
    expect(lost).toBeInstanceOf(CommitUnknownError);
    expect(await store.log.appendOutcome(id, 1, [drew])).toEqual({ committed: true, lastSeq: 2 });
    // The same seq with other contents is not this append.
    expect(await store.log.appendOutcome(id, 1, [ev("drew", 0, { source: "deck", card: { rank: "8", suit: "H" } })])).toEqual({ committed: false, lastSeq: 2 });
    // The statement never reaches the database.
    const drop = proxy.dropOn(...APPEND_STATEMENT);
    const swapped = ev("swapped", 0, { position: 1 });
    const dropped = await store.log.append(id, [swapped], 2).catch((e: unknown) => e);
    await drop;
    expect(dropped).toBeInstanceOf(CommitUnknownError);
    expect(await store.log.appendOutcome(id, 2, [swapped])).toEqual({ committed: false, lastSeq: 2 });
    expect((await store.log.load(id)).events.map((e) => e.type)).toEqual(["dealt", "drew"]);
  });

  it("exports a finished game and imports it back as a new game", async () => {
    const running = await newGame();
    await expect(store.exports.exportGame(running)).rejects.toBeInstanceOf(NotFinishedError);
    await expect(store.exports.exportGame(randomUUID())).rejects.toBeInstanceOf(UnknownGameError);

    const id = await finishedGame();
    const doc = await store.exports.exportGame(id);
    expect(doc).toMatchObject({ format: "golf-game", version: 1, game: { id, holes: 9, decks: null, totals: [12, 30], winners: [0] } });
    expect(doc.game.seats).toEqual(SEATS);
    expect(doc.events.map((event) => [event.seq, event.type, event.at])).toEqual([
      [1, "dealt", 0],
      [2, "drew", 250],
      [3, "ended", 2000],
    ]);

    // Through JSON, as it travels over HTTP.
    const importedId = await store.exports.importGame(JSON.parse(JSON.stringify(doc)) as GolfExport);
    expect(importedId).not.toBe(id);
    const imported = await store.games.get(importedId);
    expect(imported).toMatchObject({ status: "finished", imported: true, lastSeq: 3 });
    expect(imported.code).toMatch(/^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{5}$/);
    expect(imported.code).not.toBe(doc.game.code);
    expect((await store.games.unfinished()).map((game) => game.id)).not.toContain(importedId);

    const again = await store.exports.exportGame(importedId);
    expect({ ...again, game: { ...again.game, id, code: doc.game.code } }).toEqual(doc);
  });

  it("refuses a malformed export with BadExportError naming the problem", async () => {
    const doc = await store.exports.exportGame(await finishedGame());
    const broken = (change: (copy: any) => void): GolfExport => {
      const copy = JSON.parse(JSON.stringify(doc));
      change(copy);
      return copy;
    };
    const problems: [GolfExport, string][] = [
      [broken((d) => (d.format = "chess-game")), "format"],
      [broken((d) => (d.version = 2)), "version"],
      [broken((d) => delete d.game.rules), "game.rules"],
      [broken((d) => (d.game.createdAt = "yesterday")), "game.createdAt"],
      [broken((d) => (d.events = [])), "events"],
      [broken((d) => (d.events[1].seq = 7)), "events.1.seq"],
      [broken((d) => delete d.events[2].data), "events.2.data"],
      [broken((d) => (d.events[0].data = { text: "a\u0000" })), "events.0"],
      [null as unknown as GolfExport, "the document"],
    ];
    // The shape is checked before the store (readExport, once per import); the store refuses the
    // data it cannot write.
    for (const [bad, where] of problems) {
      const read = readExport(bad);
      if (!read.ok) {
        expect(read.error).toContain(where);
        continue;
      }
      const err = await store.exports.importGame(read.doc).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BadExportError);
      expect((err as Error).message).toContain(where);
    }
  });

  it("creates share links that count views and expire", async () => {
    await expect(store.shares.create(await newGame())).rejects.toBeInstanceOf(NotFinishedError);
    const id = await finishedGame();
    await expect(store.shares.create(id, { expiresDays: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(store.shares.create(id, { expiresDays: 366 })).rejects.toBeInstanceOf(RangeError);

    const share = await store.shares.create(id, { title: "A close finish", expiresDays: 2 });
    expect(share.code).toMatch(/^[A-Za-z0-9_-]{8,}$/);
    const first = await store.shares.resolve(share.code);
    expect(first).toMatchObject({ title: "A close finish", views: 1, export: { game: { id } } });
    // Views are counted atomically.
    const views = await Promise.all(Array.from({ length: 5 }, () => store.shares.resolve(share.code)));
    expect(views.map((view) => view!.views).sort()).toEqual([2, 3, 4, 5, 6]);

    const untitled = await store.shares.create(id);
    expect((await store.shares.resolve(untitled.code))?.title).toContain("Ann");
    expect(await store.shares.resolve("no-such-code")).toBeNull();

    try {
      clockSkewMs = 2 * 24 * 60 * 60 * 1000 + 1000;
      expect(await store.shares.resolve(share.code)).toBeNull();
      expect(await store.shares.resolve(untitled.code)).not.toBeNull();
    } finally {
      clockSkewMs = 0;
    }
  });

  it("applies migrations once: a second run finds nothing to do", async () => {
    expect(await migrate(store.connectionString, { logger: silentLogger })).toEqual([]);
    if (!backend.freshDatabase) return;
    // Two nodes starting at once on an empty database: the advisory lock lets one migrate.
    const url = await backend.freshDatabase();
    const stores = await Promise.all([1, 2].map(() => openStore({ databaseUrl: url, logger: silentLogger })));
    const id = await newGame(stores[1]!);
    expect(await stores[0]!.log.append(id, [ev("dealt")], 0)).toHaveLength(1);
    await Promise.all(stores.map((s) => s.close()));
  });

  it("reports a failing migration with MigrationError naming it, and applies none of it", async () => {
    const realMigrations = readdirSync(DEFAULT_MIGRATIONS_DIR).filter((name) => name.endsWith(".sql")).sort();
    const dir = mkdtempSync(join(tmpdir(), "golf-migrations-"));
    try {
      // Every real migration (all applied already), then a broken one after them.
      for (const name of realMigrations) copyFileSync(join(DEFAULT_MIGRATIONS_DIR, name), join(dir, name));
      writeFileSync(join(dir, "9999_broken.sql"), "-- Up Migration\nCREATE TABLE golf_half_done (id int);\nCREATE TABLE golf_broken (;\n");
      const err = await openStore({ databaseUrl: store.connectionString, migrationsDir: dir, logger: silentLogger }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(MigrationError);
      expect((err as Error).message).toContain("9999_broken");
      expect((err as Error).message).toContain("syntax error");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const client = new pg.Client({ connectionString: store.connectionString });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT to_regclass('golf_half_done') AS half, (SELECT count(*)::int FROM pgmigrations) AS applied");
      expect(rows[0]).toEqual({ half: null, applied: realMigrations.length });
    } finally {
      await client.end();
    }
  });

  it("says clearly when the database cannot be reached", async () => {
    const port = await freePort();
    const err = await openStore({ databaseUrl: `postgres://postgres@127.0.0.1:${port}/postgres`, logger: silentLogger }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect((err as Error).message).toMatch(/cannot reach the database.*ECONNREFUSED/);
  });

  it("fails the appends in flight when the database goes away, and works again once it is back", async () => {
    const rig = await backend.outage(store);
    try {
      const s = rig.store;
      const [a, b] = [await newGame(s), await newGame(s)];
      await s.log.append(a, [ev("dealt")], 0);
      await s.log.append(b, [ev("dealt")], 0);

      await rig.hold(a);
      const inFlight = Promise.allSettled([s.log.append(a, [ev("drew"), ev("swapped")], 1), s.log.append(b, [ev("drew")], 1)]);
      await rig.stop();
      for (const result of await inFlight) {
        expect(result.status).toBe("rejected");
        expect((result as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError);
        expect((result as PromiseRejectedResult).reason.message).toMatch(/database unavailable/);
      }
      // While it is down, every operation says so.
      await expect(s.log.append(a, [ev("drew")], 1)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(s.log.load(a)).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(await s.ping()).toBe(false);

      await rig.start();
      expect(await s.ping()).toBe(true);
      // Nothing of the interrupted appends was stored, not even a part.
      expect((await s.log.load(a)).events.map((event) => event.type)).toEqual(["dealt"]);
      expect((await s.log.load(b)).events.map((event) => event.type)).toEqual(["dealt"]);
      expect((await s.log.append(a, [ev("drew"), ev("swapped")], 1)).map((event) => event.seq)).toEqual([2, 3]);
      expect((await s.log.append(b, [ev("drew")], 1)).map((event) => event.seq)).toEqual([2]);
      expect((await s.log.load(a)).game.lastSeq).toBe(3);
    } finally {
      await rig.close();
    }
  });
}
