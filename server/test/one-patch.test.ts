// One patch per move: every field a move changes (the turn deadline included) is in the one state
// patch that goes with its events, so a client never sees the state trail or lead the events by a
// second patch. Counted on the raw frames both players' clients receive.
import { PROTOCOL_CODE_MASK } from "@colyseus/shared-types";
import { Protocol } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chooseMove } from "../../bench/lib/moves.ts";
import { seededRng } from "../../shared/golf/index.ts";
import { startTestNode, type TestNode } from "../testing.ts";
import { Bot, sleep, viewFromState, type Frame } from "./support.ts";

let node: TestNode;
const bots: Bot[] = [];

beforeAll(async () => {
  node = await startTestNode({ cpuDelayMs: 0 });
});

afterAll(async () => {
  for (const bot of bots) await bot.leave().catch(() => undefined);
  await node?.close();
});

function patchesIn(frames: readonly Frame[]): number {
  return frames.filter(({ bytes }) => (bytes[0]! & PROTOCOL_CODE_MASK) === Protocol.ROOM_STATE_PATCH).length;
}

describe("the patches of a move", () => {
  it("each move reaches every client as one state patch, its turn deadline included, with its events", async () => {
    const ann = await Bot.create(node.url, { name: "Ann", seats: 2, holes: 1, turnSeconds: 30 }, { autoplay: false });
    bots.push(ann);
    const bob = await Bot.joinById(node.url, ann.code, { name: "Bob" }, { autoplay: false });
    bots.push(bob);
    await ann.until(() => ann.state.seats.every((seat) => seat.connected && seat.kind === "human"));
    await sleep(100);
    const rng = seededRng(7);

    /** Plays `command` as `bot` and returns the patches each client received for it. */
    const counted = async (bot: Bot, type: string, payload: Record<string, unknown> = {}) => {
      const before = [ann.frames.length, bob.frames.length];
      const reply = await bot.act(type, payload);
      expect(reply.ok, `${type}: ${JSON.stringify(reply)}`).toBe(true);
      await sleep(100); // a second patch would follow at once
      return { type, ann: patchesIn(ann.frames.slice(before[0])), bob: patchesIn(bob.frames.slice(before[1])) };
    };

    const seen = [await counted(ann, "start")];
    seen.push(await counted(ann, "flipInitial", { positions: [0, 1] }));
    seen.push(await counted(bob, "flipInitial", { positions: [0, 1] }));
    expect(ann.state.turnEndsAt).toBeGreaterThan(Date.now());
    for (let move = 0; move < 8 && ann.state.phase === "playing"; move++) {
      const bot = ann.state.turn === ann.seat ? ann : bob;
      const command = chooseMove(viewFromState(bot.state, bot.seat), rng, { randomness: 0 });
      if (!command || command.type === "knock") break;
      const { type, ...payload } = command;
      seen.push(await counted(bot, type, payload));
    }
    expect(seen.length).toBeGreaterThan(6);
    for (const move of seen) expect(move, JSON.stringify(move)).toEqual({ type: move.type, ann: 1, bob: 1 });
  });
});
