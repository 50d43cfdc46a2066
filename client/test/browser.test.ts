// The browser client end to end, in Chromium against a real node (server, database and the built
// client): every action is a click on the pixels window.golf.locate names. Screenshots of the key
// moments go to artifacts/screenshots/. Any page error fails the test.
import { readFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TestNode } from "../../server/testing.ts";
import { buildClient, launchChromium, Player, startNode } from "./support/browser.ts";

const VIEWPORT = { width: 1280, height: 720 };

describe.skipIf(!process.env.TEST_CHROMIUM_PATH)("browser client against a real node", () => {
  let client: Awaited<ReturnType<typeof buildClient>>;
  let node: TestNode;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const players: Player[] = [];

  beforeAll(async () => {
    client = await buildClient();
    node = await startNode(client.dir);
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await node?.close();
    client?.remove();
  });

  afterEach(async () => {
    const errors = players.flatMap((player) => player.errors);
    players.length = 0;
    for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
    expect(errors.join("\n"), "page errors").toBe("");
  });

  async function open(url: string, name: string, shots: string, options: { viewport?: { width: number; height: number } } = {}): Promise<Player> {
    const context = await browser.newContext({ viewport: options.viewport ?? VIEWPORT, acceptDownloads: true });
    contexts.push(context);
    const player = await Player.open(context, url, name, shots);
    players.push(player);
    return player;
  }

  /** From the lobby: name, create form, the choices given as chip ids, create. */
  async function createGame(player: Player, chips: string[]): Promise<void> {
    await player.waitFor(() => player.page.evaluate(() => document.body.dataset.ready === "lobby"), "the lobby");
    await player.type("field:name", player.name);
    await player.click("button:create");
    for (const chip of chips) await player.click(`button:${chip}`);
    await player.shot("create-form");
    await player.click("button:createGame");
    await player.waitFor(async () => (await player.scene()) === "table" && (await player.state()), "the table");
  }

  it("a player against three instant CPUs plays a whole game to the score sheet", async () => {
    const alice = await open(`${node.url}/`, "Alice", "solo");
    await player0Lobby(alice);
    // Three CPUs are picked by default (Sofia, Maya, Priya); make them instant, one hole, no timer.
    await createGame(alice, ["speed-instant", "holes-1", "timer-0"]);
    let state = await alice.waitForState((s) => s.seats.filter((seat) => seat.kind === "cpu").length === 3, "three CPUs seated");
    expect(state.seats.map((seat) => seat.kind)).toEqual(["human", "cpu", "cpu", "cpu"]);
    await alice.shot("table-lobby");
    await alice.click("button:start");
    await alice.waitForState((s) => s.phase !== "lobby", "the deal");
    await alice.page.waitForTimeout(1500);
    await alice.shot("dealt");
    state = await alice.playToEnd({ onTurn: async (turn) => void (turn === 3 && (await alice.shot("mid-hole"))) });
    expect(state.phase).toBe("gameOver");
    // The final score sheet: every player with the totals of the state, and play again offered.
    await alice.waitFor(() => alice.locate("button:playAgain"), "the final score sheet", 30_000);
    await alice.shot("score-sheet");
    const rows = await alice.page.$$eval(".sheet-table tbody tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")));
    expect(rows).toHaveLength(4);
    const totals = Object.fromEntries(rows.map((cells) => [cells[0]!.replace(/^\d+/, ""), Number(cells.at(-1))]));
    for (const seat of state.seats) expect(totals[seat.name]).toBe(seat.total);
    expect(await alice.page.textContent(".sheet h2")).toMatch(/wins!|tie/);
  }, 300_000);

  it("two players in two browsers play each other while a third watches by /watch", async () => {
    const ann = await open(`${node.url}/`, "Ann", "duel-ann");
    // Two seats, no CPUs (the three default ones toggled off), one hole, no timer.
    await createGame(ann, ["seats-2", "cpu-Sofia", "holes-1", "timer-0", "speed-instant"]);
    const lobby = await ann.state();
    expect(lobby!.seats).toHaveLength(2);
    const code = lobby!.code;

    // Bob follows the invite link; with no remembered name he is asked for one.
    const bob = await open(`${node.url}/?join=${code}`, "Bob", "duel-bob");
    await bob.type("field:name", "Bob");
    await bob.click("button:join");
    await bob.waitFor(async () => (await bob.scene()) === "table", "Bob at the table");
    await ann.waitForState((s) => s.seats.filter((seat) => seat.kind === "human").length === 2, "Bob seated");
    await bob.shot("lobby");
    await ann.click("button:start");
    await ann.waitForState((s) => s.phase !== "lobby", "the start");

    // The watcher finds the running game by itself.
    const watcher = await open(`${node.url}/watch`, "Wendy", "duel-watch");
    await watcher.waitForState((s) => s.code === code, "the watcher on the game", 30_000);
    await ann.waitForState((s) => s.spectators >= 1, "a spectator counted");
    expect(await watcher.locate("deck")).not.toBeNull();

    const [annEnd, bobEnd] = await Promise.all([ann.playToEnd(), bob.playToEnd()]);
    expect(annEnd.phase).toBe("gameOver");
    expect(bobEnd.seats.map((seat) => seat.total)).toEqual(annEnd.seats.map((seat) => seat.total));
    const watched = await watcher.waitForState((s) => s.phase === "gameOver", "the watcher to see the end");
    expect(watched.seats.map((seat) => seat.total)).toEqual(annEnd.seats.map((seat) => seat.total));
    await watcher.page.waitForTimeout(1500);
    await watcher.shot("game-over");
    await ann.waitFor(() => ann.locate("button:playAgain"), "Ann's score sheet", 30_000);
    await ann.shot("score-sheet");

    // With no other live game, the watcher says it is waiting for the next one...
    await watcher.waitFor(() => watcher.page.evaluate(() => document.body.innerText.includes("Waiting for the next live game")), "the watcher to move on", 30_000);
    await watcher.shot("waiting-for-next");
    // ...and moves to the rematch once it is running.
    await ann.click("button:playAgain");
    const rematch = await ann.waitForState((s) => s.code !== code && s.phase === "lobby", "the rematch lobby");
    await bob.click("button:joinAgain");
    await bob.waitForState((s) => s.code === rematch.code, "Bob at the rematch");
    await ann.waitForState((s) => s.seats.filter((seat) => seat.kind === "human").length === 2, "Bob in the rematch");
    await ann.click("button:start");
    await watcher.waitForState((s) => s.code === rematch.code && s.phase !== "lobby", "the watcher on the rematch", 30_000);
    await watcher.shot("next-game");
  }, 300_000);

  it("a player whose seat moves at the start (the seat before it freed) plays the seat it moved to, by clicks", async () => {
    const ann = await open(`${node.url}/`, "Ann", "closed-up-ann");
    // Three seats: Ann, one CPU (Sofia: the default Maya toggled off) and a free one.
    await createGame(ann, ["seats-3", "cpu-Maya", "holes-1", "timer-0", "speed-instant"]);
    const code = (await ann.state())!.code;
    const bob = await open(`${node.url}/?join=${code}`, "Bob", "closed-up-bob");
    await bob.type("field:name", "Bob");
    await bob.click("button:join");
    await bob.waitFor(async () => (await bob.scene()) === "table", "Bob at the table");
    await ann.waitForState((s) => s.seats[2]?.name === "Bob", "Bob in seat 2");
    // The host removes the CPU between them: the start closes up the empty seat, so Bob plays seat 1.
    await ann.click("button:removeCpu-1");
    await ann.waitForState((s) => s.seats[1]?.kind === "empty", "seat 1 freed");
    await ann.click("button:start");
    const dealt = await bob.waitForState((s) => s.phase === "initialFlip", "the deal");
    expect(dealt.seats.map((seat) => seat.name)).toEqual(["Ann", "Bob"]);
    expect(bob.mySeat(dealt)).toBe(1);
    // Bob's clicks act on seat 1 only if his client found its seat there (no timer would play for him).
    const [annEnd, bobEnd] = await Promise.all([ann.playToEnd(), bob.playToEnd()]);
    expect(bobEnd.phase).toBe("gameOver");
    expect(bobEnd.seats.map((seat) => seat.total)).toEqual(annEnd.seats.map((seat) => seat.total));
    await bob.shot("finished");
  }, 300_000);

  it("a player's connection drops and comes back into the same seat", async () => {
    const proxy = await faultyProxy(node.port);
    try {
      const cleo = await open(`${proxy.url}/`, "Cleo", "reconnect");
      // Two seats: Cleo and one CPU (Sofia).
      await createGame(cleo, ["seats-2", "holes-1", "timer-0", "speed-instant"]);
      await cleo.click("button:start");
      await cleo.waitForState((s) => s.phase === "initialFlip", "the deal");
      await cleo.playToEnd({ stop: (s) => s.phase === "playing" });
      const before = (await cleo.state())!;
      const seat = cleo.mySeat(before);

      // The network goes away: the client says so and retries by itself.
      proxy.cut();
      await cleo.waitFor(() => cleo.page.evaluate(() => !document.querySelector(".conn-banner")?.hasAttribute("hidden") && document.querySelector(".conn-banner")?.textContent), "the reconnecting banner");
      await cleo.shot("connection-lost");
      await cleo.page.waitForTimeout(2500);
      proxy.restore();
      await cleo.waitFor(() => cleo.page.evaluate(() => document.querySelector(".conn-banner")?.hasAttribute("hidden")), "the banner to go", 60_000);
      const after = await cleo.waitForState((s) => s.seats[seat]?.connected === true && s.seats[seat]?.name === "Cleo", "the same seat, connected");
      expect(after.code).toBe(before.code);
      await cleo.shot("reconnected");

      // A reload takes the seat back with the token the browser kept.
      await cleo.page.reload();
      const again = await cleo.waitForState((s) => s.code === before.code && s.seats[seat]?.connected === true, "the seat after a reload");
      expect(cleo.mySeat(again)).toBe(seat);
      // And the game goes on from there, by clicks.
      const end = await cleo.playToEnd();
      expect(end.phase).toBe("gameOver");
      await cleo.shot("finished");
    } finally {
      await proxy.close();
    }
  }, 300_000);

  it("a finished game opens in the replay viewer: steps, scrubs, opens at #seq, and round-trips through export and import", async () => {
    const dana = await open(`${node.url}/`, "Dana", "replay");
    await createGame(dana, ["seats-2", "holes-1", "timer-0", "speed-instant"]);
    await dana.click("button:start");
    await dana.waitForState((s) => s.phase === "initialFlip", "the deal");
    // Concede: a CPU plays the seat to the end.
    await dana.click("button:menu");
    await dana.click("button:concede");
    await dana.click("button:confirmConcede");
    const finished = await dana.waitForState((s) => s.phase === "gameOver", "the end of the game", 60_000);
    const gameId = finished.gameId;

    await dana.click("button:replay", 30_000);
    await dana.waitFor(async () => (await dana.scene()) === "replay", "the replay viewer");
    expect(new URL(dana.page.url()).pathname).toBe(`/replay/${gameId}`);
    const total = (await dana.page.evaluate(() => Number(document.querySelector<HTMLInputElement>("[data-locate='button:scrub']")!.max)));
    expect(total).toBeGreaterThan(20);
    await dana.shot("opened");

    // Step forward by button and by key, and back by key.
    const start = (await dana.state())!.lastSeq;
    await dana.click("button:next");
    await dana.waitForState((s) => s.lastSeq === start + 1, "a step forward");
    await dana.page.keyboard.press("ArrowRight");
    await dana.waitForState((s) => s.lastSeq === start + 2, "a step by key");
    await dana.page.keyboard.press("ArrowLeft");
    await dana.waitForState((s) => s.lastSeq === start + 1, "a step back by key");
    expect(new URL(dana.page.url()).hash).toBe(`#${start + 1}`);

    // Scrub: a click in the middle of the slider lands near the middle of the game.
    await dana.click("button:scrub");
    const middle = await dana.waitForState((s) => Math.abs(s.lastSeq - total / 2) <= total * 0.1, "the middle of the game");
    await dana.shot("scrubbed");
    expect((await dana.events()).length).toBe(middle.lastSeq);
    await dana.page.keyboard.press("End");
    const end = await dana.waitForState((s) => s.lastSeq === total, "the end");
    expect(end.seats.map((seat) => seat.total)).toEqual(finished.seats.map((seat) => seat.total));
    await dana.page.keyboard.press("Home");
    await dana.waitForState((s) => s.lastSeq === 0, "the start");

    // A link to a move opens the viewer there.
    await dana.page.goto(`${node.url}/replay/${gameId}#12`);
    await dana.waitForState((s) => s.lastSeq === 12, "move 12 from the address");
    await dana.shot("at-seq-12");
    // Space plays.
    await dana.page.keyboard.press(" ");
    await dana.waitForState((s) => s.lastSeq > 13, "playback");
    await dana.page.keyboard.press(" ");

    // "What this seat saw": the CPU's face-down cards are hidden from Dana's view.
    await dana.click("button:view-0");
    await dana.click("button:view-all");

    // Export (a download), then import it from the lobby as a new game.
    const download = dana.page.waitForEvent("download");
    await dana.click("button:export");
    const file = path.join(os.tmpdir(), `golf-export-${Date.now()}.json`);
    await (await download).saveAs(file);
    const exported = JSON.parse(readFileSync(file, "utf8"));
    expect(exported.format).toBe("golf-game");
    expect(exported.events).toHaveLength(total);

    await dana.page.goto(`${node.url}/`);
    await dana.waitFor(() => dana.page.evaluate(() => document.body.dataset.ready === "lobby"), "the lobby");
    const chooser = dana.page.waitForEvent("filechooser");
    await dana.page.waitForTimeout(300); // file-chooser interception is set up asynchronously
    await dana.click("button:import");
    await (await chooser).setFiles(file);
    await dana.waitFor(async () => (await dana.scene()) === "replay" && /^\/replay\/[0-9a-f-]{36}$/.test(new URL(dana.page.url()).pathname), "the imported replay");
    const importedId = new URL(dana.page.url()).pathname.split("/").pop();
    expect(importedId).not.toBe(gameId);
    await dana.page.keyboard.press("End");
    const importedEnd = await dana.waitForState((s) => s.lastSeq === total, "the imported game's end");
    expect(importedEnd.seats.map((seat) => seat.total)).toEqual(finished.seats.map((seat) => seat.total));
    await dana.shot("imported");

    // A share link opens the same replay at the same move.
    await dana.page.keyboard.press("Home");
    await dana.page.keyboard.press("ArrowRight");
    await dana.page.keyboard.press("ArrowRight");
    await dana.waitForState((s) => s.lastSeq === 2, "move 2");
    await dana.click("button:share");
    const link = await dana.waitFor(() => dana.page.evaluate(() => document.querySelector<HTMLInputElement>("[data-locate='field:shareUrl']")?.value), "the share link");
    expect(link).toMatch(/\/r\/[^/#]+#2$/);
    await dana.page.goto(link);
    await dana.waitForState((s) => s.lastSeq === 2 && s.gameId === importedId, "the shared replay at move 2");
    await dana.shot("shared");
  }, 300_000);

  it("the lobby fits a phone in portrait", async () => {
    const phone = await open(`${node.url}/`, "Pat", "phone", { viewport: { width: 390, height: 844 } });
    await player0Lobby(phone);
    await createGame(phone, ["speed-instant", "holes-1", "timer-0"]);
    await phone.click("button:start");
    await phone.waitForState((s) => s.phase === "initialFlip", "the deal");
    await phone.page.waitForTimeout(1500);
    // Every card of your grid is on screen and clickable.
    for (let position = 0; position < 6; position++) {
      const at = await phone.locate(`slot:${position}`);
      expect(at).not.toBeNull();
      expect(at!.x).toBeGreaterThan(0);
      expect(at!.x).toBeLessThan(390);
      expect(at!.y).toBeLessThan(844);
    }
    await phone.shot("table");
  }, 120_000);
});

async function player0Lobby(player: Player): Promise<void> {
  await player.waitFor(() => player.page.evaluate(() => document.body.dataset.ready === "lobby"), "the lobby");
  await player.shot("lobby");
}

/** A TCP proxy in front of the node that can cut every connection and refuse new ones for a while. */
async function faultyProxy(targetPort: number): Promise<{ url: string; cut(): void; restore(): void; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let refusing = false;
  const server = net.createServer((socket) => {
    if (refusing) {
      socket.destroy();
      return;
    }
    const upstream = net.connect(targetPort, "127.0.0.1");
    for (const end of [socket, upstream]) {
      sockets.add(end);
      end.on("close", () => sockets.delete(end));
      end.on("error", () => undefined);
    }
    socket.pipe(upstream).pipe(socket);
    socket.on("close", () => upstream.destroy());
    upstream.on("close", () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    cut() {
      refusing = true;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      refusing = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
