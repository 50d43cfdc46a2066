// The table policy (shared/golf/table-policy.ts) as the room runs it: the turn timer, its warning,
// the stand-in and the second timeout that sends a seat away; the host passing when the host leaves.
// The policy's own rules are unit-tested beside it; this checks the room schedules what it says.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestNode, type TestNode } from "../testing.ts";
import { Bot } from "./support.ts";

let node: TestNode;
const bots: Bot[] = [];

beforeAll(async () => {
  node = await startTestNode({ holeIntervalMs: 300, cpuDelayMs: 0 });
});

afterAll(async () => {
  for (const bot of bots) bot.stopPlaying();
  await node?.close();
});

function track(bot: Bot): Bot {
  bots.push(bot);
  return bot;
}

describe("the table policy in a room", () => {
  it("a human who lets the timer run out is warned, played for by the stand-in, and away after the second timeout in a row", async () => {
    const ann = track(await Bot.create(node.url, { name: "Ann", seats: 2, cpus: 1, holes: 1, turnSeconds: 1 }, { autoplay: false }));
    await ann.until(() => ann.state.seats.every((seat) => seat.kind !== "empty"));
    expect((await ann.act("start")).ok).toBe(true);
    const seat = ann.seat;
    await ann.until(() => ann.state.phase !== "lobby" && ann.state.turnEndsAt > 0, 5_000, "the turn timer running");

    // The first timeout: the initial flips, played by the stand-in after a warning.
    await ann.until(() => ann.events.some((e) => e.type === "flippedInitial" && e.seat === seat), 10_000, "the stand-in's flips");
    const warning = ann.messages.find((m) => m.type === "timerWarning")?.message as { seat: number; endsAt: number } | undefined;
    expect(warning?.seat).toBe(seat);
    expect(warning?.endsAt).toBeGreaterThan(0);

    // The second in a row: the stand-in plays the turn, then the seat is away and a CPU plays it to the end.
    await ann.until(() => ann.events.some((e) => e.type === "awayChanged" && e.seat === seat && e.data.away === true), 10_000, "away");
    const ours = ann.events.filter((e) => e.seat === seat).map((e) => e.type);
    expect(ours.indexOf("drew")).toBeGreaterThan(ours.indexOf("flippedInitial"));
    expect(ours.indexOf("awayChanged")).toBeGreaterThan(ours.indexOf("drew"));
    expect(ours.filter((type) => type === "awayChanged")).toHaveLength(1);
    await ann.until(() => ann.state.phase === "gameOver", 30_000, "game over");
    expect(ann.errors).toEqual([]);
  });

  it("passes the host to the next human when the host leaves the lobby", async () => {
    const host = track(await Bot.create(node.url, { name: "Hana", seats: 3, turnSeconds: 0 }, { autoplay: false }));
    const guest = track(await Bot.joinById(node.url, host.code, { name: "Gus" }, { autoplay: false }));
    await guest.until(() => guest.state.seats[host.seat]?.host === true);
    await host.leave();
    await guest.until(() => guest.state.seats[guest.seat]?.host === true, 5_000, "the host role");
    expect(guest.events.some((e) => e.type === "hostChanged" && e.seat === guest.seat)).toBe(true);
  });
});
