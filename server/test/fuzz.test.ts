// Junk against a running game: thousands of malformed, unknown, out-of-turn, wrong-phase and large
// messages from two players and a spectator, paced under the rate limit, each answered by exactly one
// `error` and none changing the game; then floods above the limit answered RATE_LIMITED. No connection
// closes, the room survives, and the game then finishes normally.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Protocol } from "@colyseus/sdk";
import { CPU_PROFILES, seededRng, verifyLog, type Rng } from "../../shared/golf/index.ts";
import { startTestNode, type TestNode } from "../testing.ts";
import type { ErrorMessage } from "../../shared/protocol/index.ts";
import { Bot, fetchExport, logOf, sleep } from "./support.ts";

let node: TestNode;
const bots: Bot[] = [];

beforeAll(async () => {
  node = await startTestNode({ holeIntervalMs: 200, cpuDelayMs: 0 });
});

afterAll(async () => {
  for (const bot of bots) bot.stopPlaying();
  await node?.close();
});

/** Messages per client in the paced phase (three clients in parallel). */
const PER_CLIENT = 700;
/** Paced sends a second per client: the server takes 30. */
const RATE = 28;
const MAX_FRAME = 60_000;

// --- random junk ----------------------------------------------------------------------------------

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
const int = (rng: Rng, below: number) => Math.floor(rng() * below);
const chance = (rng: Rng, p: number) => rng() < p;

const CHARS = "abcXYZ019 _-.:/\\\"'{}[]<>\u0000\u0007\u001f\u007f\u00e9\u4e2d\u{1F4A5}";
function junkString(rng: Rng, max = 40): string {
  const chars = [...CHARS];
  return Array.from({ length: int(rng, max + 1) }, () => pick(rng, chars)).join("");
}

/** Any value msgpack carries: odd numbers, strings, nested arrays and maps, binary, dates. */
function junk(rng: Rng, depth = 0): unknown {
  const kinds = depth > 3 ? 7 : 9;
  switch (int(rng, kinds)) {
    case 0:
      return pick(rng, [NaN, Infinity, -Infinity, 1.5, -1, -7.25, 2 ** 53, -(2 ** 31), 0, 6, 1e300, 0.1]);
    case 1:
      return junkString(rng);
    case 2:
      return chance(rng, 0.5);
    case 3:
      return null;
    case 4:
      return new Uint8Array(Array.from({ length: int(rng, 16) }, () => int(rng, 256)));
    case 5:
      return new Date(int(rng, 2 ** 40));
    case 6:
      return int(rng, 100) - 50;
    case 7:
      return Array.from({ length: int(rng, 5) }, () => junk(rng, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: int(rng, 5) }, () => [junkKey(rng), junk(rng, depth + 1)]));
  }
}

function junkKey(rng: Rng): string {
  return pick(rng, ["__proto__", "constructor", "toString", "", "hasOwnProperty", "source ", "Position", "positions2", "ridd", junkString(rng, 12) + "!"]);
}

function validRid(rng: Rng): string | number {
  if (chance(rng, 0.5)) {
    // At most 32 UTF-16 units, never a surrogate pair cut in half.
    let rid = "r";
    for (const char of junkString(rng, 31)) if (rid.length + char.length <= 32) rid += char;
    return rid;
  }
  return pick(rng, [int(rng, 1e9), -int(rng, 1000), 0, 12.5, -0.25, 2 ** 52]);
}

function invalidRid(rng: Rng): unknown {
  return pick(rng, [{ id: 1 }, [1], true, null, "x".repeat(33 + int(rng, 60)), NaN, Infinity, -Infinity, new Uint8Array([1])]);
}

function hugeString(rng: Rng): string {
  return "Z".repeat(10_000 + int(rng, MAX_FRAME - 12_000));
}

// --- cases and what answers them ----------------------------------------------------------------

const TABLE = ["configure", "addCpu", "removeCpu", "start", "nextHole"] as const;
const TURN = ["draw", "swap", "discard", "cancelDraw", "flip", "skipFlip", "knock"] as const;
const KNOWN = [...TABLE, ...TURN, "flipInitial", "concede", "playAgain"] as const;
type Known = (typeof KNOWN)[number];

interface Role {
  name: string;
  spectator: boolean;
  host: boolean;
  /** It is this seat's turn, with nothing drawn. */
  turn: boolean;
}

interface Case {
  type: string | number;
  payload: unknown;
  /** Acceptable error codes. */
  codes: string[];
  rid?: string | number;
  kind: "unknown" | "malformed" | "illegal" | "large";
}

/** A payload the protocol accepts for this type (what it asks for may still be refused). */
function wellFormed(rng: Rng, type: Known): Record<string, unknown> {
  switch (type) {
    case "configure":
      return pick(rng, [{}, { holes: 1 + int(rng, 18) }, { rules: { flipMode: pick(rng, ["never", "always", "endgame"]) } }, { decks: pick(rng, [1, 2, 3, null]) }, { turnSeconds: int(rng, 601) }, { rules: { knockEarly: true, initialFlips: 1 } }]);
    case "addCpu":
      return chance(rng, 0.5) ? {} : { profile: pick(rng, CPU_PROFILES).name };
    case "removeCpu":
      return { seat: int(rng, 6) };
    case "flipInitial":
      return { positions: [0, 1, 2, 3, 4, 5].filter(() => chance(rng, 0.4)) };
    case "draw":
      return { source: pick(rng, ["deck", "discard"]) };
    case "swap":
    case "flip":
      return { position: int(rng, 6) };
    default:
      return {};
  }
}

/** A payload the protocol refuses for this type, whoever sends it. */
function malformed(rng: Rng, type: Known): { payload: unknown; large: boolean } {
  const base = wellFormed(rng, type);
  const fields = Object.keys(base);
  // A missing payload counts as {}: null is malformed only where a field is required.
  const required = ["removeCpu", "flipInitial", "draw", "swap", "flip"].includes(type);
  const options = ["notObject", "extraKey", "badRid", "huge", ...(fields.length > 0 ? ["badField", "badField"] : []), ...(required ? ["null"] : [])];
  switch (pick(rng, options)) {
    case "notObject":
      return { payload: pick(rng, [[junk(rng)], [], junkString(rng), int(rng, 100), 1.5, true, false, [base]]), large: false };
    case "null":
      return { payload: null, large: false };
    case "extraKey": {
      let name = junkKey(rng);
      if (name === "rid" || fields.includes(name)) name += "?";
      return { payload: { ...base, [name]: junk(rng) }, large: false };
    }
    case "badRid":
      return { payload: { ...base, rid: invalidRid(rng) }, large: false };
    case "huge":
      return { payload: { ...base, [pick(rng, ["note", "padding", "x"])]: hugeString(rng) }, large: true };
    default:
      return { payload: { ...base, ...badField(rng, type) }, large: false };
  }
}

function badField(rng: Rng, type: Known): Record<string, unknown> {
  const badNumber = () => pick(rng, [-1, 6, 7, 1.5, NaN, Infinity, -Infinity, 2 ** 40, "1", null, true, [], {}, "zero"]);
  switch (type) {
    case "configure":
      return pick(rng, [
        { rules: pick(rng, [{ noSuchRule: true }, { flipMode: "sometimes" }, { knockEarly: "yes" }, { initialFlips: 3 }, "standard", [], null]) },
        { holes: pick(rng, [1.5, "9", null, NaN, []]) },
        { decks: pick(rng, ["2", 1.25, true, {}]) },
        { turnSeconds: pick(rng, [0.5, "30", -Infinity, [30]]) },
      ]);
    case "addCpu":
      return { profile: pick(rng, [42, null, true, "M".repeat(21 + int(rng, 80)), ["Maya"], { name: "Maya" }]) };
    case "removeCpu":
      return { seat: badNumber() };
    case "flipInitial":
      return { positions: pick(rng, ["0,1", 3, null, {}, [0, 6], [-1], [1.5], ["1"], [null], [0, 1, 2, 3, 4, 5, 0], [NaN]]) };
    case "draw":
      return { source: pick(rng, ["Deck", "", "pile", " deck", 0, null, true, ["deck"], { source: "deck" }]) };
    case "swap":
    case "flip":
      return { position: badNumber() };
    default:
      return {};
  }
}

/** What refuses a well-formed message in the frozen game (a playing phase, nothing drawn). */
function refusal(type: Known, role: Role): string[] {
  if (role.spectator) return ["SPECTATOR"];
  if ((TABLE as readonly string[]).includes(type)) return role.host ? ["WRONG_PHASE"] : ["NOT_HOST", "WRONG_PHASE"];
  if (type === "flipInitial" || type === "playAgain") return ["WRONG_PHASE"];
  if ((TURN as readonly string[]).includes(type)) return role.turn ? ["ILLEGAL_MOVE"] : ["NOT_YOUR_TURN"];
  throw new Error(`no refusal for ${type}`);
}

// "*" has a test of its own below.
const UNKNOWN_TYPES: (string | number)[] = ["", "Draw", "draw ", "DRAW", "__proto__", "constructor", "toString", "hasOwnProperty", "**", "welcome", "event", "error", "join", "leave", "setAway", "abandon", "setHost", "💥", "a".repeat(200), 0, 1, 42, -1, 3.5];

function makeCase(rng: Rng, role: Role): Case {
  const roll = rng();
  const withRid = (payload: Record<string, unknown>) => {
    if (!chance(rng, 0.85)) return { payload, rid: undefined };
    const rid = validRid(rng);
    return { payload: { ...payload, rid }, rid };
  };
  if (roll < 0.2) {
    const type = chance(rng, 0.7) ? pick(rng, UNKNOWN_TYPES) : `x${junkString(rng, 30)}`;
    if (chance(rng, 0.3)) return { type, payload: pick(rng, [undefined, null, [1, 2], "text", 7, junk(rng)]), codes: ["UNKNOWN_MESSAGE"], kind: "unknown" };
    const large = chance(rng, 0.1);
    const { payload, rid } = withRid(large ? { blob: hugeString(rng) } : { [junkKey(rng)]: junk(rng) });
    return { type, payload, rid, codes: ["UNKNOWN_MESSAGE"], kind: large ? "large" : "unknown" };
  }
  if (roll < 0.65) {
    const type = pick(rng, KNOWN);
    const { payload, large } = malformed(rng, type);
    // A malformed message still carries its rid back when the rid itself is fine.
    let rid: string | number | undefined;
    let sent = payload;
    if (payload && typeof payload === "object" && !Array.isArray(payload) && !("rid" in payload) && chance(rng, 0.85)) {
      rid = validRid(rng);
      sent = { ...payload, rid };
    }
    // A spectator's malformed message may be refused for either reason.
    return { type, payload: sent, rid, codes: role.spectator ? ["BAD_MESSAGE", "SPECTATOR"] : ["BAD_MESSAGE"], kind: large ? "large" : "malformed" };
  }
  // Well-formed but refused: never the moves this sender could really make now.
  const allowed = KNOWN.filter((type) => role.spectator || (type !== "concede" && !(role.turn && type === "draw")));
  const type = pick(rng, allowed);
  const { payload, rid } = withRid(wellFormed(rng, type));
  return { type, payload, rid, codes: refusal(type, role), kind: "illegal" };
}

function describeCase(c: Case): string {
  const text = JSON.stringify(c.payload, (_key, value) => (typeof value === "string" && value.length > 60 ? `${value.slice(0, 20)}…(${value.length})` : typeof value === "number" && !Number.isFinite(value) ? String(value) : value));
  return `${String(c.type).slice(0, 30)} ${text?.slice(0, 200)}`;
}

interface FuzzStats {
  sent: number;
  byKind: Record<string, number>;
  byCode: Record<string, number>;
  largest: number;
}

/** Sends `count` cases one at a time (paced), each checked against its single answer. */
async function fuzz(bot: Bot, role: Role, count: number, seed: number): Promise<FuzzStats> {
  const rng = seededRng(seed);
  const stats: FuzzStats = { sent: 0, byKind: {}, byCode: {}, largest: 0 };
  for (let index = 0; index < count; index++) {
    const c = makeCase(rng, role);
    const before = bot.errors.length;
    const eventsBefore = bot.events.length;
    await bot.send(c.type, c.payload);
    await bot.until(() => bot.errors.length > before, 30_000, `an answer to ${role.name}'s ${describeCase(c)}`);
    const answer: ErrorMessage = bot.errors[before]!;
    const what = `${role.name} #${index}: ${describeCase(c)} answered ${JSON.stringify(answer).slice(0, 300)}`;
    expect(c.codes, what).toContain(answer.code);
    expect(answer.rid, what).toBe(c.rid);
    expect(typeof answer.message, what).toBe("string");
    if (typeof c.type === "string" && KNOWN.includes(c.type as Known) && answer.code !== "UNKNOWN_MESSAGE") expect(answer.action, what).toBe(c.type);
    expect(bot.events.length, `${what}: an event followed`).toBe(eventsBefore);
    stats.sent++;
    stats.byKind[c.kind] = (stats.byKind[c.kind] ?? 0) + 1;
    stats.byCode[answer.code] = (stats.byCode[answer.code] ?? 0) + 1;
    if (c.kind === "large") stats.largest = Math.max(stats.largest, JSON.stringify(c.payload).length);
  }
  return stats;
}

/** Sends `count` messages at once, unpaced; resolves with the answers by rid once every one is in. */
async function flood(bot: Bot, type: string, payload: Record<string, unknown>, count: number): Promise<Map<string, ErrorMessage[]>> {
  const before = bot.errors.length;
  const rids = Array.from({ length: count }, (_, index) => `flood-${bot.id}-${index}`);
  for (const rid of rids) bot.room.send(type, { ...payload, rid });
  await bot.until(() => bot.errors.length >= before + count, 60_000, `answers to a flood of ${count}`);
  const answers = new Map<string, ErrorMessage[]>(rids.map((rid) => [rid, []]));
  for (const error of bot.errors.slice(before)) answers.get(String(error.rid))?.push(error);
  return answers;
}

function codesOf(answers: Map<string, ErrorMessage[]>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const list of answers.values()) for (const error of list) counts[error.code] = (counts[error.code] ?? 0) + 1;
  return counts;
}

// --- the tests -------------------------------------------------------------------------------------

describe("malformed, unknown, illegal and excessive messages", () => {
  it("are each answered by one error, change nothing, close nothing; the game then finishes", async () => {
    const host = await Bot.create(node.url, { name: "Ann", seats: 3, cpus: 1, holes: 1, turnSeconds: 0 }, { autoplay: false, maxRate: RATE });
    const guest = await Bot.joinById(node.url, host.code, { name: "Ben" }, { autoplay: false, maxRate: RATE });
    const watcher = await Bot.joinById(node.url, host.code, { spectate: true }, { maxRate: RATE });
    bots.push(host, guest, watcher);
    await host.until(() => host.state.spectators === 1 && host.state.seats.every((seat) => seat.kind !== "empty"));
    expect((await host.act("start")).ok).toBe(true);

    // Play up to a human's turn with nothing drawn, and freeze there (no turn timer, no CPU to move).
    await host.until(() => host.state.phase === "initialFlip");
    expect((await host.act("flipInitial", { positions: [0, 1] })).ok).toBe(true);
    expect((await guest.act("flipInitial", { positions: [0, 1] })).ok).toBe(true);
    const humanTurn = () => {
      const state = host.state;
      return state.phase === "playing" && (state.turn === host.seat || state.turn === guest.seat) && state.drawnFrom === "" && state.mustFlip === "";
    };
    await host.until(humanTurn, 30_000, "a human's turn");
    const frozen = host.state;
    const everyone = [host, guest, watcher];
    for (const bot of everyone) await bot.until(() => bot.state.lastSeq === frozen.lastSeq && bot.events.at(-1)?.seq === frozen.lastSeq);
    const snapshots = everyone.map((bot) => JSON.stringify(bot.state));
    const eventCounts = everyone.map((bot) => bot.events.length);
    for (const bot of everyone) bot.errors.length = 0;

    const roles: Role[] = [
      { name: "host", spectator: false, host: true, turn: frozen.turn === host.seat },
      { name: "guest", spectator: false, host: false, turn: frozen.turn === guest.seat },
      { name: "spectator", spectator: true, host: false, turn: false },
    ];
    const results = await Promise.all(everyone.map((bot, index) => fuzz(bot, roles[index]!, PER_CLIENT, 1000 + index)));
    const sent = results.reduce((sum, stats) => sum + stats.sent, 0);
    expect(sent).toBe(3 * PER_CLIENT);
    console.info(`fuzz: ${sent} messages`, JSON.stringify(results));

    // Exactly one answer each, nothing changed for anyone.
    await sleep(300);
    everyone.forEach((bot, index) => {
      expect(bot.errors, `${roles[index]!.name}: one answer per message`).toHaveLength(PER_CLIENT);
      expect(bot.events).toHaveLength(eventCounts[index]!);
      expect(JSON.stringify(bot.state)).toBe(snapshots[index]);
      expect(bot.closes).toEqual([]);
    });
    for (const stats of results) expect(stats.byKind.large ?? 0).toBeGreaterThan(10);
    for (const code of ["UNKNOWN_MESSAGE", "BAD_MESSAGE", "WRONG_PHASE", "NOT_YOUR_TURN", "ILLEGAL_MOVE", "NOT_HOST", "SPECTATOR"]) {
      expect(results.some((stats) => (stats.byCode[code] ?? 0) > 0), code).toBe(true);
    }

    // A flood above the limit: answered RATE_LIMITED beyond the allowance, one answer each.
    await sleep(1200);
    const turnHolder = frozen.turn === host.seat ? host : guest;
    const other = turnHolder === host ? guest : host;
    const floods = await Promise.all([
      flood(turnHolder, "swap", { position: 0 }, 200).then((answers) => ({ answers, normal: "ILLEGAL_MOVE" })),
      flood(other, "draw", { source: "deck" }, 200).then((answers) => ({ answers, normal: "NOT_YOUR_TURN" })),
      flood(watcher, "draw", { source: "discard" }, 200).then((answers) => ({ answers, normal: "SPECTATOR" })),
    ]);
    for (const { answers, normal } of floods) {
      for (const [rid, list] of answers) expect(list.map((error) => error.code), rid).toHaveLength(1);
      const codes = codesOf(answers);
      expect(Object.keys(codes).sort()).toEqual([normal, "RATE_LIMITED"].sort());
      expect(codes.RATE_LIMITED).toBeGreaterThanOrEqual(150);
      console.info(`flood of 200: ${JSON.stringify(codes)}`);
    }

    // No connection closed, nothing changed, the room is still there for a newcomer.
    await sleep(1200);
    everyone.forEach((bot, index) => {
      expect(bot.closes).toEqual([]);
      expect(bot.room.connection.isOpen).toBe(true);
      expect(bot.events).toHaveLength(eventCounts[index]!);
      expect(JSON.stringify(bot.state)).toBe(snapshots[index]);
    });
    const late = await Bot.joinById(node.url, host.code, { spectate: true });
    bots.push(late);
    expect(late.state.lastSeq).toBe(frozen.lastSeq);

    // And the game plays on to its end.
    host.startPlaying();
    guest.startPlaying();
    for (const bot of [...everyone, late]) await bot.until(() => bot.state.phase === "gameOver", 120_000, "game over");
    const doc = await fetchExport(node.url, host.welcome!.gameId);
    const final = verifyLog(logOf(doc));
    expect(host.state.seats.map((seat) => seat.total)).toEqual(final.seats.map((seat) => seat.total));
    expect(host.moveErrors).toEqual([]);
    expect(guest.moveErrors).toEqual([]);
    for (const bot of everyone) expect(bot.closes).toEqual([]);
  });

  it("a flood of unknown message types is rate-limited too", async () => {
    const host = await Bot.create(node.url, { name: "Flood", seats: 2, turnSeconds: 0 }, { autoplay: false });
    bots.push(host);
    await sleep(1100); // a full allowance
    const answers = await flood(host, "noSuchMessage", {}, 200);
    for (const [rid, list] of answers) expect(list, rid).toHaveLength(1);
    const codes = codesOf(answers);
    expect(codes.RATE_LIMITED ?? 0, JSON.stringify(codes)).toBeGreaterThanOrEqual(150);
    expect(host.closes).toEqual([]);
  });

  it('a message of type "*" is answered UNKNOWN_MESSAGE with its own rid', async () => {
    const host = await Bot.create(node.url, { name: "Star", seats: 2, turnSeconds: 0 }, { autoplay: false });
    bots.push(host);
    host.room.send("*", { rid: "star" });
    await host.until(() => host.errors.length > 0, 10_000, "an answer");
    expect(host.errors[0]).toMatchObject({ code: "UNKNOWN_MESSAGE", rid: "star" });
  });

  it('after a message of type "*" whose payload has a toString key, the sender is still answered', async () => {
    const host = await Bot.create(node.url, { name: "Deaf", seats: 2, turnSeconds: 0 }, { autoplay: false });
    bots.push(host);
    host.room.send("*", { toString: 1 });
    host.room.send("draw", { source: "deck", rid: "after" }); // in the lobby: WRONG_PHASE
    await host.until(() => host.errors.some((error) => error.rid === "after") || host.closes.length > 0, 10_000, "the answer to the next message");
    expect(host.errors.find((error) => error.rid === "after"), JSON.stringify(host.closes)).toMatchObject({ code: "WRONG_PHASE", action: "draw" });
    expect(host.closes).toEqual([]);
  });

  it("a frame whose msgpack payload is cut short is answered BAD_MESSAGE, not disconnected", async () => {
    const host = await Bot.create(node.url, { name: "Raw", seats: 2, turnSeconds: 0 }, { autoplay: false });
    bots.push(host);
    // ROOM_DATA, the type "draw", then a msgpack string header announcing 5 bytes followed by 1.
    const frame = new Uint8Array([Protocol.ROOM_DATA, 0xa4, ...Buffer.from("draw"), 0xa5, 0x61]);
    host.room.connection.send(frame);
    await host.until(() => host.errors.length > 0 || host.closes.length > 0, 10_000, "an answer or a close");
    await sleep(200);
    expect(host.closes).toEqual([]);
    expect(host.errors.map((error) => error.code)).toEqual(["BAD_MESSAGE"]);
  });
});
