// Whole games through the real server and the real SDK: bots play human seats from the synchronized
// state, CPUs play the rest; the finished game's export replays through the engine to the same totals
// and winners the clients were shown.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyLog, type GameEvent } from "../../shared/golf/index.ts";
import { startTestNode, type TestNode } from "../testing.ts";
import type { ErrorMessage, EventMessage } from "../../shared/protocol/index.ts";
import { Bot, fetchExport, logOf } from "./support.ts";

let node: TestNode;
const bots: Bot[] = [];

beforeAll(async () => {
  node = await startTestNode({ holeIntervalMs: 300, cpuDelayMs: 0 });
});

afterAll(async () => {
  // The node's shutdown closes every connection itself (bots leaving a running game first would
  // leave its room playing on its own while the store closes).
  for (const bot of bots) bot.stopPlaying();
  await node?.close();
});

function track(bot: Bot): Bot {
  bots.push(bot);
  return bot;
}

async function spectate(code: string, options: Record<string, unknown> = { spectate: true }): Promise<Bot> {
  const watcher = track(await Bot.joinById(node.url, code, options));
  expect(watcher.welcome).toMatchObject({ seat: -1, role: "spectator", token: "" });
  return watcher;
}

/**
 * The game is over for everyone; its export replays through the engine; totals and winners agree
 * everywhere; every client's events are the log's, contiguous up to the state's lastSeq.
 */
async function checkFinishedGame(players: Bot[], watchers: Bot[], holes: number): Promise<GameEvent[]> {
  const everyone = [...players, ...watchers];
  for (const bot of everyone) await bot.until(() => bot.state.phase === "gameOver", 120_000, "game over");
  const gameId = players[0]!.welcome!.gameId;
  // A player's seat token opens a private game's export too.
  const doc = await fetchExport(node.url, gameId, undefined, players[0]!.token);
  expect(doc.format).toBe("golf-game");
  expect(doc.game.id).toBe(gameId);
  const log = logOf(doc);
  const final = verifyLog(log); // throws naming the first event the engine would not have produced
  expect(final.phase).toBe("gameOver");
  expect(final.abandoned).toBe(false);
  expect(final.results).toHaveLength(holes);

  const totals = final.seats.map((seat) => seat.total);
  const winners = final.winners;
  expect(winners.length).toBeGreaterThan(0);
  expect(winners.every((seat) => totals[seat] === Math.min(...totals))).toBe(true);
  const ended = log.at(-1)!;
  expect(ended.type).toBe("gameEnded");
  expect(ended.data).toEqual({ totals, winners });
  expect(doc.game.totals).toEqual(totals);
  expect(doc.game.winners).toEqual(winners);

  for (const bot of everyone) {
    await bot.until(() => bot.events.at(-1)?.seq === log.length, 30_000, "the last event");
    const state = bot.state;
    expect(state.lastSeq).toBe(log.length);
    expect(state.seats.map((seat) => seat.total)).toEqual(totals);
    expect(state.seats.map((seat) => seat.name)).toEqual(final.seats.map((seat) => seat.name));
    expect(bot.events.find((e) => e.type === "gameEnded")!.data).toEqual({ totals, winners });

    // Contiguous seqs ending at lastSeq, each the log's event at that seq.
    const seqs = bot.events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, index) => seqs[0]! + index));
    for (const e of bot.events) {
      expect(e.type).toBe(log[e.seq - 1]!.type);
      expect(e.seat ?? null).toBe(log[e.seq - 1]!.seat);
    }
    expect(bot.closes).toEqual([]);
    expect(bot.errors).toEqual([]);
  }
  for (const player of players) {
    // A player hears everything from its own seat on.
    const taken = log.findIndex((e) => e.type === "seatTaken" && e.data.kind === "human" && e.data.name === player.name) + 1;
    expect(player.events[0]!.seq).toBeLessThanOrEqual(taken);
    expect(player.moveErrors).toEqual([]);
    expect(player.moves).toBeGreaterThan(0);
    expect(final.seats[player.seat]!.name).toBe(player.name);
    expect(final.seats[player.seat]!.kind).toBe("human");
  }
  return log;
}

describe("full games", () => {
  it("the start closes up a freed seat: the player moved from seat 2 plays seat 1, its view follows it, and the game finishes", async () => {
    const ann = track(await Bot.create(node.url, { name: "Ann", seats: 3, cpus: 0, holes: 1, turnSeconds: 0 }, { autoplay: false }));
    const ben = await Bot.joinById(node.url, ann.code, { name: "Ben" }, { autoplay: false });
    const cy = track(await Bot.joinById(node.url, ann.code, { name: "Cy" }, { autoplay: false }));
    expect([ann.seat, ben.seat, cy.seat]).toEqual([0, 1, 2]);
    await ben.leave();
    await ann.until(() => ann.state.seats[1]?.kind === "empty", 30_000, "seat 1 to be freed");
    const watcher = await spectate(ann.code);
    expect(await ann.act("start")).toMatchObject({ ok: true, event: { type: "started", data: { order: [0, 2] } } });
    await cy.until(() => cy.state.phase === "initialFlip", 30_000, "the deal");
    // Nothing renumbered Cy's connection: its welcome still says seat 2, the state names its player at seat 1.
    expect(cy.welcome).toMatchObject({ seat: 2, role: "player" });
    expect(cy.state.seats.map((seat) => [seat.name, seat.playerId])).toEqual([
      ["Ann", ann.welcome!.playerId],
      ["Cy", cy.welcome!.playerId],
    ]);
    expect(cy.seat).toBe(1);
    for (const bot of [ann, cy]) {
      const wanted = (JSON.parse(bot.state.rules) as { initialFlips: number }).initialFlips;
      expect(await bot.act("flipInitial", { positions: Array.from({ length: wanted }, (_, position) => position) })).toMatchObject({ ok: true, event: { seat: bot.seat } });
    }
    // Each player in turn draws from the deck: the card shows in the drawer's own seat only, for the
    // player whose index moved as for the one whose did not.
    for (let turn = 0; turn < 2; turn++) {
      await ann.until(() => ann.state.phase === "playing" && ann.state.drawnFrom === "", 30_000, "a turn to begin");
      const seat = ann.state.turn;
      const [actor, other] = seat === ann.seat ? [ann, cy] : [cy, ann];
      expect(await actor.act("draw", { source: "deck" })).toMatchObject({ ok: true, event: { type: "drew", seat } });
      await actor.until(() => (actor.state.seats[seat]!.drawn?.rank ?? "") !== "", 30_000, "the drawn card in the drawer's view");
      for (const bot of [other, watcher]) {
        await bot.until(() => bot.state.drawnFrom === "deck", 30_000, "the draw");
        expect(bot.state.seats.map((shown) => shown.drawn?.rank ?? "")).toEqual(["", ""]);
      }
      expect(await actor.act("discard")).toMatchObject({ ok: true });
    }
    ann.startPlaying();
    cy.startPlaying();
    await checkFinishedGame([ann, cy], [watcher], 1);
  });

  it("moves sent without waiting for their answers: each is decided on top of the one before, and answered in order", async () => {
    const host = track(await Bot.create(node.url, { name: "Quick", seats: 2, holes: 1, private: true, turnSeconds: 0 }, { autoplay: false }));
    const guest = track(await Bot.joinById(node.url, host.code, { name: "Steady" }, { autoplay: false }));
    await host.until(() => host.state.seats.every((seat) => seat.kind === "human"));
    expect((await host.act("start")).ok).toBe(true);
    await host.until(() => host.state.phase === "initialFlip");
    // Both players flip as the cards land, at the same moment.
    const flips = await Promise.all([host.act("flipInitial", { positions: [0, 1] }), guest.act("flipInitial", { positions: [0, 1] })]);
    expect(flips.map((reply) => reply.ok)).toEqual([true, true]);
    await host.until(() => host.state.phase === "playing");

    // The player to move sends three messages in one go: a draw; a swap, legal only after that
    // draw; and a draw after the swap ended the turn.
    const mover = [host, guest].find((bot) => bot.seat === host.state.turn)!;
    const other = mover === host ? guest : host;
    const seqBefore = mover.events.at(-1)!.seq;
    void mover.send("draw", { source: "deck", rid: "q1" });
    void mover.send("swap", { position: 2, rid: "q2" });
    void mover.send("draw", { source: "deck", rid: "q3" });
    await mover.until(() => mover.errors.some((error) => error.rid === "q3"), 10_000, "the third answer");

    const answers = mover.messages.flatMap(({ type, message }) => {
      const rid = (message as { rid?: string }).rid;
      return rid?.startsWith("q") ? [`${type} ${rid} ${type === "event" ? (message as EventMessage).type : (message as ErrorMessage).code}`] : [];
    });
    expect(answers).toEqual(["event q1 drew", "event q2 swapped", "error q3 NOT_YOUR_TURN"]);
    expect(mover.events.filter((e) => e.seq > seqBefore).map((e) => [e.seq, e.type])).toEqual([
      [seqBefore + 1, "drew"],
      [seqBefore + 2, "swapped"],
    ]);
    // The other player saw the same two moves, and now plays on.
    await other.until(() => other.state.turn === other.seat && other.state.lastSeq === seqBefore + 2);
    expect((await other.act("draw", { source: "deck" })).ok).toBe(true);
    expect(other.errors).toEqual([]);
  });

  it("a player who left a running game takes the seat back with its token, even after every player left", async () => {
    const host = track(await Bot.create(node.url, { name: "Gone", seats: 3, cpus: 1, holes: 1, turnSeconds: 0 }, { autoplay: false }));
    const guest = track(await Bot.joinById(node.url, host.code, { name: "Also Gone" }, { autoplay: false }));
    await host.until(() => host.state.seats.every((seat) => seat.kind !== "empty"));
    expect((await host.act("start")).ok).toBe(true);
    await host.until(() => host.state.phase === "initialFlip");
    await host.leave();
    await guest.leave();
    const back = track(await Bot.joinById(node.url, host.code, { name: "Gone", token: host.token }, { autoplay: false }));
    expect(back.welcome).toMatchObject({ seat: 0, role: "player", token: host.token, gameId: host.welcome!.gameId });
  });

  it("one player and three instant CPUs play three holes under the standard rules", async () => {
    const host = track(await Bot.create(node.url, { name: "Ann", seats: 4, cpus: 3, holes: 3, turnSeconds: 0 }));
    expect(host.welcome).toMatchObject({ seat: 0, role: "player", code: expect.stringMatching(/^[A-HJ-NP-Z2-9]{5}$/) });
    expect(host.token.length).toBeGreaterThan(0);
    const watcher = await spectate(host.code);
    await host.until(() => host.state.spectators === 1 && host.state.seats.every((seat) => seat.kind !== "empty"));
    expect(host.state.seats.map((seat) => seat.kind)).toEqual(["human", "cpu", "cpu", "cpu"]);
    expect(host.state.ranked).toBe(true);

    const started = await host.act("start");
    expect(started.ok).toBe(true);
    const log = await checkFinishedGame([host], [watcher], 3);
    expect(log.filter((e) => e.type === "holeStarted")).toHaveLength(3);
    // The spectator's events began after its own join, and it never held a seat.
    expect(watcher.events[0]!.seq).toBeGreaterThan(1);
    expect(watcher.seat).toBe(-1);
  });

  it("two players at a private table joined by a lower-case code, two CPUs, two holes under house rules", async () => {
    const rules = { flipMode: "always", knockEarly: true, useJokers: true, tiedShame: true, underdogBonus: true };
    const host = track(await Bot.create(node.url, { name: "Host", seats: 4, cpus: 2, holes: 2, private: true, turnSeconds: 0, rules }));
    const guest = track(await Bot.joinById(node.url, host.code.toLowerCase(), { name: "Guest" }));
    expect(guest.welcome).toMatchObject({ code: host.code, gameId: host.welcome!.gameId, role: "player", seat: 3 });
    expect(guest.token).not.toBe("");
    expect(guest.token).not.toBe(host.token);
    const watcher = await spectate(host.code.toLowerCase());

    await guest.until(() => guest.state.spectators === 1 && guest.state.seats.every((seat) => seat.kind !== "empty"));
    expect(guest.state.seats.map((seat) => seat.kind)).toEqual(["human", "cpu", "cpu", "human"]);
    expect(JSON.parse(guest.state.rules)).toMatchObject(rules);
    expect(guest.state.ranked).toBe(false);
    // Only the host starts the game.
    const refused = await guest.act("start");
    expect(refused).toMatchObject({ ok: false, error: { code: "NOT_HOST", action: "start" } });
    guest.errors.length = 0;

    expect((await host.act("start")).ok).toBe(true);
    const log = await checkFinishedGame([host, guest], [watcher], 2);
    const created = log[0]!;
    expect(created.type === "created" && created.data.rules).toMatchObject(rules);
    // Jokers are in the shoe: 2 per deck, 2 decks for 4 seats.
    const deal = log.find((e) => e.type === "holeStarted")!;
    if (deal.type !== "holeStarted") throw new Error("no deal");
    const shoe = [...deal.data.hands.flat(), deal.data.discard, ...deal.data.deck];
    expect(shoe).toHaveLength(108);
    expect(shoe.filter((card) => card.rank === "JK")).toHaveLength(4);
  });

  it("quick play: two clients land in the same lobby, the game starts by itself, CPUs fill the empty seats", async () => {
    const first = track(await Bot.joinOrCreate(node.url, { name: "Quick One" }));
    const second = track(await Bot.joinOrCreate(node.url, { name: "Quick Two" }));
    expect(second.code).toBe(first.code);
    expect(second.welcome!.gameId).toBe(first.welcome!.gameId);
    expect([first.seat, second.seat]).toEqual([0, 1]);

    // Nobody sends start.
    await first.until(() => first.state.phase !== "lobby", 30_000, "the quick-play start");
    expect(first.state.seats.map((seat) => seat.kind)).toEqual(["human", "human", "cpu", "cpu"]);
    // Joining a running game without asking to spectate makes a spectator, not a refusal.
    const latecomer = await spectate(first.code, { name: "Late" });
    await first.until(() => first.state.spectators === 1);

    const log = await checkFinishedGame([first, second], [latecomer], 9);
    expect(log.filter((e) => e.type === "seatTaken" && e.data.kind === "cpu")).toHaveLength(2);
    expect(log.some((e) => e.type === "started")).toBe(true);
  });
});
