// A game created by a real node shuffles with generator version 2: a 256-bit seed that no client
// receives while the game runs, and that the finished game's export carries so it replays.
import { afterAll, beforeAll, expect, it } from "vitest";
import { verifyLog, type EventOf } from "../../shared/golf/index.ts";
import { startTestNode, type TestNode } from "../testing.ts";
import { Bot, fetchExport, logOf } from "./support.ts";

let node: TestNode;
let bot: Bot | undefined;
let watcher: Bot | undefined;

beforeAll(async () => {
  node = await startTestNode({ holeIntervalMs: 100, cpuDelayMs: 0 });
});

afterAll(async () => {
  bot?.stopPlaying();
  watcher?.stopPlaying();
  await node?.close();
});

it("a new game's log names rng 2 with a 64-hex-digit seed, which reaches no client until the export", async () => {
  bot = await Bot.create(node.url, { name: "Ann", seats: 2, cpus: 1, holes: 1, turnSeconds: 0 });
  // A spectator asks for every event from the first: the created event among them.
  watcher = await Bot.joinById(node.url, bot.code, { spectate: true, sinceSeq: 0 });
  await bot.until(() => bot!.state.seats.every((seat) => seat.kind !== "empty"));
  expect((await bot.act("start")).ok).toBe(true);
  await bot.until(() => bot!.state.phase === "gameOver", 60_000, "game over");

  const doc = await fetchExport(node.url, bot.welcome!.gameId);
  const created = logOf(doc)[0] as EventOf<"created">;
  expect(created.data.rng).toBe(2);
  expect(created.data.seed).toMatch(/^[0-9a-f]{64}$/);
  expect(verifyLog(logOf(doc)).phase).toBe("gameOver");

  // The clients heard of the generator, never of the seed: neither its hex digits nor its bytes.
  await watcher.until(() => watcher!.state.phase === "gameOver", 30_000, "game over for the spectator");
  const heard = watcher.events.find((e) => e.type === "created");
  expect(heard?.data).toEqual({ ...(created.data as object), seed: undefined });
  const seed = created.data.seed as string;
  const raw = Buffer.from(seed, "hex");
  for (const frame of [...bot.client.frames, ...watcher.client.frames]) {
    expect(frame.bytes.includes(seed)).toBe(false);
    expect(frame.bytes.includes(raw)).toBe(false);
  }
});
