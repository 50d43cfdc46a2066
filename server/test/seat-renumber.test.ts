// Seats close up at the start, and seat tokens follow their players across a server restart. A table of
// three where the middle seat was freed in the lobby starts with two seats: the player of seat 2 plays
// seat 1. After kill -9 and a restart on the same database, that player's token must give back seat 1
// (a token names a player id, recorded in the log, not a seat index: nothing has to move it).
// PostgreSQL (a scratch database on TEST_DATABASE_URL) when it is set, and embedded PGlite, as in
// recovery.test.ts. The server runs as its own process (`npm start`'s entry point), as there; both
// files take those helpers from node-process.ts.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { freePort } from "../free-port.ts";
import { databaseBackends, gameIsLive, startServerProcess, WAIT, type Database, type ServerProcess } from "./node-process.ts";
import type { EventMessage, Welcome } from "../../shared/protocol/index.ts";
import { Bot } from "./support.ts";

const backends = databaseBackends("renumber");

// --- helpers ---------------------------------------------------------------------------------------

/** A seated client that never plays by itself, and whose SDK does not reconnect behind the test's back. */
function scripted(bot: Bot): Bot {
  bot.room.reconnection.enabled = false;
  return bot;
}

/** The `welcome` exactly as the server sent it (Bot.welcome follows the seat through `started`). */
function sentWelcome(bot: Bot): Welcome {
  const welcome = bot.messages.find((m) => m.type === "welcome");
  expect(welcome, `${bot.name} got a welcome`).toBeDefined();
  return welcome!.message as Welcome;
}

function lastSeq(bot: Bot): number {
  return Math.max(0, ...bot.events.map((e) => e.seq));
}

async function accepted(bot: Bot, type: string, payload: Record<string, unknown> = {}): Promise<EventMessage> {
  const reply = await bot.act(type, payload);
  expect(reply, `${bot.name}'s ${type} is accepted`).toMatchObject({ ok: true });
  return (reply as { ok: true; event: EventMessage }).event;
}

function initialFlips(bot: Bot): number[] {
  const wanted = (JSON.parse(bot.state.rules) as { initialFlips: number }).initialFlips;
  return Array.from({ length: wanted }, (_, position) => position);
}

// --- the test --------------------------------------------------------------------------------------

describe.each(backends)("seats closed up at the start, then a restart ($name)", ({ open }) => {
  let database: Database;
  let server: ServerProcess | null = null;
  const bots: Bot[] = [];
  beforeAll(async () => {
    database = await open();
  });
  afterEach(async () => {
    for (const bot of bots.splice(0)) bot.stopPlaying();
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill("SIGKILL");
      await server.exited;
    }
    server = null;
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("the player moved from seat 2 to seat 1 rejoins seat 1 by token after kill -9, the host seat 0, and play goes on", { timeout: 240_000 }, async () => {
    const port = await freePort();
    server = await startServerProcess(port, database.location);

    // A table of three (public: gameIsLive reads the live list), no CPUs: Ann (host, seat 0), Ben (seat 1), Cy (seat 2).
    const ann = scripted(await Bot.create(server.url, { name: "Ann", seats: 3, cpus: 0, holes: 2, turnSeconds: 0 }, { autoplay: false }));
    bots.push(ann);
    const code = ann.code;
    const ben = scripted(await Bot.joinById(server.url, code, { name: "Ben" }, { autoplay: false }));
    bots.push(ben);
    const cy = scripted(await Bot.joinById(server.url, code, { name: "Cy" }, { autoplay: false }));
    bots.push(cy);
    expect([sentWelcome(ann), sentWelcome(ben), sentWelcome(cy)].map((w) => [w.seat, w.role])).toEqual([
      [0, "player"],
      [1, "player"],
      [2, "player"],
    ]);
    expect(new Set([ann.token, ben.token, cy.token]).size).toBe(3);
    await ann.until(() => ann.state.seats.map((s) => s.kind).join() === "human,human,human", WAIT.timeout, "three humans seated");

    // The middle player leaves the lobby: seat 1 is free, seats 0 and 2 are taken.
    await ben.leave();
    await ann.until(() => ann.state.seats[1]?.kind === "empty", WAIT.timeout, "seat 1 to be freed");
    expect(ann.state.seats.map((s) => [s.name, s.kind])).toEqual([
      ["Ann", "human"],
      ["", "empty"],
      ["Cy", "human"],
    ]);

    // The host starts: the empty seat is dropped and Cy's seat 2 becomes seat 1.
    const started = await accepted(ann, "start");
    expect(started.type).toBe("started");
    expect((started.data as { order: number[] }).order).toEqual([0, 2]);
    for (const bot of [ann, cy]) {
      await bot.until(() => bot.state.phase === "initialFlip", WAIT.timeout, "the game to start");
      expect(bot.state.seats.map((s) => [s.name, s.kind])).toEqual([
        ["Ann", "human"],
        ["Cy", "human"],
      ]);
    }
    expect(cy.seat).toBe(1);
    expect(ann.seat).toBe(0);

    // Cy plays as seat 1 before the crash: its initial flips, seen as its own face-up cards.
    const flipped = await accepted(cy, "flipInitial", { positions: initialFlips(cy) });
    expect(flipped.seat).toBe(1);
    await cy.until(() => initialFlips(cy).every((position) => cy.state.seats[1]!.cards[position]!.faceUp), WAIT.timeout, "Cy's flips to show");
    const cyCards = cy.state.seats[1]!.cards.map((slot) => ({ ...slot }));
    expect(cyCards.filter((slot) => slot.faceUp && slot.rank !== "")).toHaveLength(initialFlips(cy).length);

    // The record says "running" as soon as `started` is committed (one statement writes both):
    // the public export endpoint names the status of an unfinished game.
    await vi.waitFor(async () => {
      const response = await fetch(`${server!.url}/api/games/${ann.welcome!.gameId}/export`);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: string }).error).toMatch(/\(it is running\)/);
    }, WAIT);

    // kill -9, then a new process on the same database.
    const seenBefore = { ann: lastSeq(ann), cy: lastSeq(cy) };
    const tokens = { ann: ann.token, cy: cy.token };
    server.child.kill("SIGKILL");
    expect((await server.exited).signal).toBe("SIGKILL");
    await vi.waitFor(() => expect(ann.closes.length).toBeGreaterThan(0), WAIT);
    await vi.waitFor(() => expect(cy.closes.length).toBeGreaterThan(0), WAIT);
    server = await startServerProcess(port, database.location);
    await gameIsLive(server.url, code);

    // Cy's token gives back seat 1, with Cy's name and Cy's cards.
    const cyAgain = scripted(await Bot.joinById(server.url, code, { name: "Cy", token: tokens.cy, sinceSeq: seenBefore.cy }, { autoplay: false }));
    bots.push(cyAgain);
    expect(sentWelcome(cyAgain)).toMatchObject({ code, gameId: ann.welcome!.gameId, seat: 1, role: "player", token: tokens.cy });
    expect(cyAgain.state.phase).toBe("initialFlip");
    expect(cyAgain.state.seats.map((s) => [s.name, s.kind])).toEqual([
      ["Ann", "human"],
      ["Cy", "human"],
    ]);
    expect(cyAgain.state.seats[1]!.cards.map((slot) => ({ ...slot }))).toEqual(cyCards);
    await cyAgain.until(() => cyAgain.state.seats[1]!.connected, WAIT.timeout, "Cy's seat to show connected");

    // The host's token gives back seat 0.
    const annAgain = scripted(await Bot.joinById(server.url, code, { name: "Ann", token: tokens.ann, sinceSeq: seenBefore.ann }, { autoplay: false }));
    bots.push(annAgain);
    expect(sentWelcome(annAgain)).toMatchObject({ code, seat: 0, role: "player", token: tokens.ann });
    expect(annAgain.state.seats[0]).toMatchObject({ name: "Ann", kind: "human", host: true });
    expect(annAgain.state.seats[1]!.cards.map((slot) => ({ ...slot }))).toEqual(cyCards);

    // Play goes on: Ann's initial flips are accepted as seat 0's, then whoever is to act draws.
    const annFlipped = await accepted(annAgain, "flipInitial", { positions: initialFlips(annAgain) });
    expect(annFlipped).toMatchObject({ type: "flippedInitial", seat: 0 });
    await annAgain.until(() => annAgain.state.phase === "playing", WAIT.timeout, "the first turn");
    const turn = annAgain.state.turn;
    expect([0, 1]).toContain(turn);
    const [actor, other] = turn === 0 ? [annAgain, cyAgain] : [cyAgain, annAgain];
    const drew = await accepted(actor, "draw", { source: "deck" });
    expect(drew).toMatchObject({ type: "drew", seat: turn });
    // The drawn card shows in the drawer's own seat only: each view is attached to the right seat.
    await actor.until(() => (actor.state.seats[turn]!.drawn?.rank ?? "") !== "", WAIT.timeout, "the drawn card in the drawer's view");
    await other.until(() => other.state.drawnFrom === "deck", WAIT.timeout, "the draw in the other player's view");
    expect(other.state.seats[turn]!.drawn?.rank ?? "").toBe("");
    expect([...annAgain.errors, ...cyAgain.errors]).toEqual([]);
  });
});
