// One client or one address must not make the server hold or compute unbounded things (issue 15:
// findings 8, 9, 11, 12): every option checked before a room exists, rooms per address, lobbies
// nobody took, one next game per finished game, floods cut off, each frame decoded once, names that
// cannot impersonate. Real nodes, real sockets, raw HTTP for matchmaking.
import { addExtension } from "msgpackr";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { scratchDatabase, startTestNode, type TestNode } from "../testing.ts";
import { Bot, sleep } from "./support.ts";

/** The close code of a client cut off for flooding (docs/server.md). */
const FLOOD_CLOSE_CODE = 4029;

// Room services are one per process: each describe runs its own node, one after the other.
type NodeOptions = Parameters<typeof startTestNode>[0] & { unclaimedLobbyMs?: number };
const bots: Bot[] = [];

async function leaveAll(): Promise<void> {
  for (const bot of bots.splice(0)) {
    bot.stopPlaying();
    if (bot.room?.connection.isOpen) await bot.room.leave().catch(() => undefined);
  }
}

/** A node for the tests of one describe. */
function nodeFor(options: NodeOptions): () => TestNode {
  let node: TestNode | undefined;
  beforeAll(async () => {
    node = await startTestNode(options);
  });
  afterAll(async () => {
    await leaveAll();
    await node?.close();
  });
  return () => node!;
}

interface Matchmade {
  status: number;
  body: { roomId?: string; sessionId?: string; error?: string };
}

/** A matchmaking request as a browser or a script sends it. */
async function matchmake(url: string, method: string, options: unknown, forwardedFor?: string, target = "golf"): Promise<Matchmade> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (forwardedFor) headers["x-forwarded-for"] = forwardedFor;
  const response = await fetch(`${url}/matchmake/${method}/${target}`, { method: "POST", headers, body: JSON.stringify(options) });
  return { status: response.status, body: (await response.json()) as Matchmade["body"] };
}

async function roomsGauge(node: TestNode): Promise<number> {
  return (await node.metrics.rooms.get()).values[0]?.value ?? 0;
}

async function unfinishedCount(node: TestNode): Promise<number> {
  return (await node.store.games.unfinished()).length;
}

describe("creating rooms (finding 8, 12)", () => {
  // Three rooms per address, addresses from X-Forwarded-For (the test's "clients" sit behind a proxy on loopback).
  const node = nodeFor({ limits: { roomsPerAddress: 3, trustProxy: "loopback" }, unclaimedLobbyMs: 3000 });

  it("checks a create's name before any room or game exists", async () => {
    const strict = node();
    const before = await unfinishedCount(strict);
    for (const name of ["Alice\u200b", "\u202eecilA", "\u0301".repeat(19), "   "]) {
      const answer = await matchmake(strict.url, "create", { name }, "198.51.100.1");
      expect(answer.status, JSON.stringify(answer)).toBe(400);
      expect(answer.body.error).toMatch(/^BAD_OPTIONS/);
    }
    const bad = await matchmake(strict.url, "create", { name: "Ann", seats: 2, cpus: 3 }, "198.51.100.1");
    expect(bad.body.error).toMatch(/^BAD_OPTIONS/);
    expect(await unfinishedCount(strict)).toBe(before);
  });

  it("lets one address hold ROOMS_PER_ADDRESS open rooms, counted by its proxied address; lobbies nobody took go away and give the place back", async () => {
    const strict = node();
    const address = "198.51.100.7";
    const answers: Matchmade[] = [];
    for (let i = 0; i < 5; i++) answers.push(await matchmake(strict.url, "create", { name: `Spam${i}`, private: true }, address));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429, 429]);
    expect(answers[3]!.body.error).toMatch(/^RATE_LIMITED/);
    // Another address is not held back by this one.
    const other = await matchmake(strict.url, "create", { name: "Other", private: true }, "198.51.100.8");
    expect(other.status).toBe(200);

    // Nobody took those seats: abandoned (recorded so) and closed, and the address may create again.
    const codes = [...answers.slice(0, 3), other].map((answer) => answer.body.roomId!);
    const ids = await Promise.all(codes.map(async (code) => (await strict.store.games.byCode(code))!.id));
    await vi.waitFor(
      async () => {
        for (const id of ids) expect((await strict.store.games.get(id)).status, id).toBe("abandoned");
      },
      { timeout: 30_000, interval: 200 },
    );
    await vi.waitFor(async () => expect((await matchmake(strict.url, "joinById", { spectate: true }, address, codes[0])).body.error).toMatch(/^NOT_FOUND/), { timeout: 10_000, interval: 200 });
    const again = await matchmake(strict.url, "create", { name: "Again", private: true }, address);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
  });

  it("refused creates never move the golf_rooms gauge (it counts the rooms there are)", async () => {
    const strict = node();
    const address = "198.51.100.9";
    const before = await roomsGauge(strict);
    for (let i = 0; i < 3; i++) expect((await matchmake(strict.url, "create", { name: "Bad", seats: 2, cpus: 4 }, address)).status).toBe(400);
    expect(await roomsGauge(strict)).toBe(before);
    for (let i = 0; i < 3; i++) expect((await matchmake(strict.url, "create", { name: `Mine${i}`, private: true }, address)).status).toBe(200);
    // joinOrCreate finds no public lobby here and would create: refused in onCreate by the count.
    for (let i = 0; i < 2; i++) expect((await matchmake(strict.url, "joinOrCreate", { name: "Quick" }, address)).body.error).toMatch(/^RATE_LIMITED/);
    expect(await roomsGauge(strict)).toBe(before + 3);
  });

});

describe("the address without TRUST_PROXY (finding 8)", () => {
  const node = nodeFor({ limits: { roomsPerAddress: 2 } });

  it("X-Forwarded-For does not make one address many", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await matchmake(node().url, "create", { name: `Hop${i}`, private: true }, `203.0.113.${i}`)).status);
    expect(statuses).toEqual([200, 200, 429, 429]);
  });
});

describe("recovery (finding 8)", () => {
  it("a lobby nobody sat in is abandoned at recovery, not brought back", async () => {
    if (!process.env.TEST_DATABASE_URL) return;
    const scratch = await scratchDatabase(process.env.TEST_DATABASE_URL);
    try {
      const first = await startTestNode({ databaseUrl: scratch.url, unclaimedLobbyMs: 600_000 } as NodeOptions);
      const created = await matchmake(first.url, "create", { name: "Ghost", private: true });
      expect(created.status).toBe(200);
      const code = created.body.roomId!;
      const id = (await first.store.games.byCode(code))!.id;
      await first.close();
      const second = await startTestNode({ databaseUrl: scratch.url });
      try {
        await vi.waitFor(async () => expect((await second.store.games.get(id)).status).toBe("abandoned"), { timeout: 20_000, interval: 200 });
        await vi.waitFor(async () => expect((await matchmake(second.url, "joinById", { spectate: true }, undefined, code)).body.error).toMatch(/^NOT_FOUND/), { timeout: 10_000, interval: 200 });
      } finally {
        await second.close();
      }
    } finally {
      await scratch.drop();
    }
  });
});

describe("playAgain, names, floods (findings 8, 9, 11)", () => {
  const node = nodeFor({ holeIntervalMs: 100, limits: { messagesPerSecond: 40, floodMessagesPerSecond: 200 } });

  it("gives one next game per finished game: every playAgain, from any seat, at once or later, answers the same code", async () => {
    const host = await Bot.create(node().url, { name: "Pat", seats: 2, holes: 1, turnSeconds: 0 }, { autoplay: false });
    const guest = await Bot.joinById(node().url, host.code, { name: "Sam" }, { autoplay: false });
    bots.push(host, guest);
    expect((await host.act("start")).ok).toBe(true);
    expect((await host.act("concede")).ok).toBe(true);
    expect((await guest.act("concede")).ok).toBe(true);
    await host.until(() => host.state.phase === "gameOver", 60_000, "game over");
    const before = new Set((await node().store.games.unfinished()).map((game) => game.code));
    for (let i = 0; i < 5; i++) {
      host.room.send("playAgain", { rid: `h${i}` });
      guest.room.send("playAgain", { rid: `g${i}` });
    }
    const answers = (bot: Bot) => bot.messages.filter((m) => m.type === "playAgain").map((m) => m.message as { code: string; rid?: string });
    await host.until(() => answers(host).filter((a) => a.rid !== undefined).length === 5, 30_000, "the host's answers");
    await guest.until(() => answers(guest).filter((a) => a.rid !== undefined).length === 5, 30_000, "the guest's answers");
    await sleep(200);
    host.room.send("playAgain", { rid: "late" });
    await host.until(() => answers(host).some((a) => a.rid === "late"), 30_000, "the late answer");
    const codes = new Set([...answers(host), ...answers(guest)].map((answer) => answer.code));
    expect([...codes]).toHaveLength(1);
    const created = (await node().store.games.unfinished()).map((game) => game.code).filter((code) => !before.has(code));
    expect(created).toEqual([...codes]);
    expect(host.errors.filter((error) => error.action === "playAgain")).toEqual([]);
  });

  it("a host churning its lobby (configure, addCpu, removeCpu) cannot log events without end", async () => {
    const host = await Bot.create(node().url, { name: "Churn", seats: 3, turnSeconds: 0 }, { autoplay: false, maxRate: 38 });
    bots.push(host);
    const codes: string[] = [];
    for (let i = 0; i < 110; i++) {
      const added = await host.act("addCpu");
      codes.push(added.ok ? "ok" : added.error.code);
      const removed = await host.act("removeCpu", { seat: 1 });
      codes.push(removed.ok ? "ok" : removed.error.code);
    }
    expect(host.state.lastSeq).toBeLessThanOrEqual(202);
    expect(codes.slice(-10)).toEqual(Array(10).fill("ILLEGAL_MOVE"));
    // Players still join, and the game starts.
    const guest = await Bot.joinById(node().url, host.code, { name: "Late" }, { autoplay: false });
    bots.push(guest);
    expect((await host.act("start")).ok).toBe(true);
  });

  it("refuses invisible, direction-changing and marks-only names on join too, and keeps names at a table distinct by a suffix", async () => {
    const host = await Bot.create(node().url, { name: "Alice", seats: 4, cpus: ["Maya"], turnSeconds: 0 }, { autoplay: false });
    bots.push(host);
    for (const name of ["Alice\u200b", "\u202eecilA", "\u0301".repeat(19), "Al\u3164ice"]) {
      const answer = await matchmake(node().url, "joinById", { name }, undefined, host.code);
      expect(answer.body.error, name).toMatch(/^BAD_OPTIONS/);
    }
    const twin = await Bot.joinById(node().url, host.code, { name: "Alice" }, { autoplay: false });
    const cpuName = await Bot.joinById(node().url, host.code, { name: "maya" }, { autoplay: false });
    bots.push(twin, cpuName);
    await host.until(() => host.state.seats.every((seat) => seat.kind !== "empty"), 10_000, "a full table");
    expect(host.state.seats.map((seat) => seat.name)).toEqual(["Alice", "Maya", "Alice (2)", "maya (2)"]);
  });

  it("cuts off a client far over its rate with the documented close code; another table's players are all answered", async () => {
    // Another table, played to its end by its players while the flood runs.
    const player = await Bot.create(node().url, { name: "Quiet", seats: 2, holes: 1, turnSeconds: 0 }, { autoplay: false });
    const partner = await Bot.joinById(node().url, player.code, { name: "Calm" }, { autoplay: false });
    bots.push(player, partner);
    expect((await player.act("start")).ok).toBe(true);

    const target = await Bot.create(node().url, { name: "Victim", seats: 2, turnSeconds: 0 }, { autoplay: false });
    const flooder = await Bot.joinById(node().url, target.code, { spectate: true }, { autoplay: false });
    bots.push(target, flooder);

    player.startPlaying();
    partner.startPlaying();
    for (let i = 0; i < 3000; i++) flooder.room.send("draw", { source: "deck", rid: i });
    await flooder.until(() => flooder.closes.length > 0, 20_000, "the flooder to be cut off");
    expect(flooder.closes[0]!.code).toBe(FLOOD_CLOSE_CODE);
    // Cut off, not answered 3,000 times.
    expect(flooder.errors.length).toBeLessThan(400);

    await player.until(() => player.state.phase === "gameOver", 120_000, "the quiet table's game over");
    await partner.until(() => partner.state.phase === "gameOver", 120_000, "the quiet table's game over");
    expect(player.moveErrors).toEqual([]);
    expect(partner.moveErrors).toEqual([]);
    expect(player.closes).toEqual([]);
    expect(target.closes).toEqual([]);
  });

  it("decodes each frame once", async () => {
    const target = await Bot.create(node().url, { name: "Probed", seats: 2, turnSeconds: 0 }, { autoplay: false });
    bots.push(target);
    // A msgpack extension counts how often the server reads it.
    class Probe {}
    let reads = 0;
    addExtension({ Class: Probe, type: 33, write: () => 1, read: () => ++reads });
    const prober = await Bot.joinById(node().url, target.code, { spectate: true }, { autoplay: false });
    bots.push(prober);
    for (let i = 0; i < 5; i++) prober.room.send("draw", { source: "deck", rid: `p${i}`, probe: new Probe() });
    await prober.until(() => prober.errors.length >= 5, 10_000, "answers to the probes");
    expect(prober.errors.map((error) => error.code)).toEqual(Array(5).fill("BAD_MESSAGE"));
    expect(reads).toBe(5);
  });

  it("a client retrying 34 ms after each RATE_LIMITED (bench:server's host) is answered, never cut off", async () => {
    const host = await Bot.create(node().url, { name: "Eager", seats: 2, turnSeconds: 0 }, { autoplay: false, maxRate: 1_000_000 });
    bots.push(host);
    let limited = 0;
    for (let i = 0; i < 150; i++) {
      const reply = await host.act("draw", { source: "deck" }).catch(() => null);
      expect(reply, `answer ${i}`).not.toBeNull();
      if (reply && !reply.ok && reply.error.code === "RATE_LIMITED") {
        limited++;
        await sleep(34);
      }
    }
    expect(host.closes).toEqual([]);
    expect(limited).toBeGreaterThan(0);
  });
});
