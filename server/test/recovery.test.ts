// Reconnection and recovery, checked the way a player would notice them: a real node, real SDK
// clients playing real games, sockets cut without notice, the server process killed or stopped.
// PostgreSQL (a scratch database on TEST_DATABASE_URL) when it is set, else embedded PGlite.
import { Client, type Room } from "@colyseus/sdk";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { projectEvent, verifyLog, type GameEvent } from "../../shared/golf/index.ts";
import type { ErrorMessage, EventMessage, GolfExport, SyncedState, Welcome } from "../../shared/protocol/index.ts";
import { Bot } from "../../bench/lib/bot.ts";
import { plainMove } from "../../bench/lib/moves.ts";
import { startTestNode, type TestNode } from "../testing.ts";
import { freePort } from "../free-port.ts";
import { databaseBackends, gameIsLive, startServerProcess, WAIT, type Database, type ServerProcess } from "./node-process.ts";
import { Bot as SdkPlayer } from "./support.ts";

// --- a scripted player --------------------------------------------------------------------------

type Received = { kind: "welcome"; data: Welcome } | { kind: "event"; data: EventMessage } | { kind: "error"; data: ErrorMessage };

/** An action the server answered with its effect: `seq` is the first event carrying its rid. */
interface Ack {
  rid: string;
  action: string;
  seq: number;
  type: string;
  seat: number | null;
}

/**
 * One human at the table through the real SDK: the one bot (bench/lib/bot.ts) with the plain moves,
 * recording what it is shown. While `playing`, it makes its next move as soon as the state says it
 * may, one action at a time, each tagged with a rid. It remembers every event it was ever shown, by
 * seq, across connections.
 */
class Player extends Bot<SyncedState> {
  /** What this connection received, in order. */
  inbox: Received[] = [];
  /** Every event shown to this player, by seq, over all its connections. */
  seen = new Map<number, EventMessage>();
  /** The same seq shown twice with different contents: what a client saw was rewritten. */
  conflicts: string[] = [];
  acks: Ack[] = [];
  refusals: ErrorMessage[] = [];
  /** The current connection has received the state. */
  synced = false;
  /** The close code of the current connection once it is gone. */
  closedWith: number | null = null;
  /** A resumed connection gets no welcome: `ready` waits for the state instead. */
  private resuming = false;
  /** The server said it is going away: a client stops sending until it rejoins. */
  private readonly told: { toGo: boolean };

  constructor(
    private url: string,
    name: string,
  ) {
    const told = { toGo: false };
    super(new Client(url), name, {
      chooseMove: (state, seat) => (told.toGo ? null : plainMove(state, seat)),
      // Nothing changed after a refusal, so no patch will wake us: look again shortly (rate limits pass).
      retryMs: 100,
      rid: (n) => `${name}-${n}`,
    });
    this.told = told;
  }

  get lastSeen(): number {
    return Math.max(0, ...this.seen.keys());
  }

  async create(options: Record<string, unknown>): Promise<void> {
    await this.connect((client) => client.create("golf", { name: this.name, ...options }));
  }

  async join(code: string, options: Record<string, unknown> = {}): Promise<void> {
    await this.connect((client) => client.joinById(code, { name: this.name, ...options }));
  }

  /** Rejoins by code and token, asking for everything after the last event it saw. */
  rejoin(url = this.url): Promise<void> {
    if (url !== this.url) {
      this.url = url;
      this.client = new Client(url);
    }
    return this.join(this.code, { token: this.token, sinceSeq: this.lastSeen });
  }

  /** Resumes the dropped connection itself (Colyseus reconnection, inside the window). */
  async reconnect(): Promise<void> {
    const token = this.room.reconnectionToken;
    this.resuming = true;
    try {
      await this.connect((client) => client.reconnect(token));
    } finally {
      this.resuming = false;
    }
  }

  /** Cuts the socket without a goodbye, as a lost network would. */
  dropConnection(): void {
    const socket = (this.room.connection.transport as unknown as { ws: { terminate?: () => void; close: () => void } }).ws;
    if (socket.terminate) socket.terminate();
    else socket.close();
  }

  async act(type: string, payload: Record<string, unknown> = {}): Promise<Ack> {
    const rid = String(this.sendAction(type, payload));
    await vi.waitFor(() => expect(this.answered(rid)).toBe(true), WAIT);
    const ack = this.acks.find((a) => a.rid === rid);
    if (!ack) throw new Error(`${type} refused: ${JSON.stringify(this.refusals.find((r) => r.rid === rid))}`);
    return ack;
  }

  answered(rid: string): boolean {
    return this.acks.some((a) => a.rid === rid) || this.refusals.some((r) => r.rid === rid);
  }

  /** Seat index in the running game, found by name (names are unique in these tests). */
  mySeat(): number {
    return this.state.seats.findIndex((seat) => seat.name === this.name && seat.kind === "human");
  }

  private async connect(join: (client: Client) => Promise<Room>): Promise<void> {
    this.inbox = [];
    this.told.toGo = false;
    this.synced = false;
    this.closedWith = null;
    await this.enter(join);
  }

  // --- the record, through the bot's hooks -------------------------------------------------------

  protected override async ready(): Promise<void> {
    if (this.resuming) await vi.waitFor(() => expect(this.synced).toBe(true), WAIT);
    else await vi.waitFor(() => expect(this.inbox.some((m) => m.kind === "welcome")).toBe(true), WAIT);
  }

  protected override moverSeat(): number {
    return this.mySeat();
  }

  protected override onWelcome(message: Welcome): void {
    this.inbox.push({ kind: "welcome", data: message });
  }

  protected override onEvent(data: EventMessage): void {
    this.inbox.push({ kind: "event", data });
    const earlier = this.seen.get(data.seq);
    if (earlier && (earlier.type !== data.type || (earlier.seat ?? null) !== (data.seat ?? null))) {
      this.conflicts.push(`seq ${data.seq}: first ${earlier.type}/${earlier.seat}, then ${data.type}/${data.seat}`);
    }
    if (!earlier) this.seen.set(data.seq, data);
    if (this.inFlight && data.rid === this.inFlight.rid) this.acks.push({ rid: String(data.rid), action: this.inFlight.type, seq: data.seq, type: data.type, seat: data.seat ?? null });
  }

  protected override onError(data: ErrorMessage): void {
    this.inbox.push({ kind: "error", data });
    this.refusals.push(data);
    if (data.code === "UNAVAILABLE" && data.rid === undefined) this.told.toGo = true;
  }

  protected override onState(): void {
    this.synced = true;
  }

  protected override onClosed(code: number): void {
    this.closedWith = code;
  }
}

// --- helpers -------------------------------------------------------------------------------------

async function fetchExport(url: string, gameId: string): Promise<GolfExport> {
  let doc: GolfExport | null = null;
  // The game record is marked finished right after the last event goes out.
  await vi.waitFor(async () => {
    const response = await fetch(`${url}/api/games/${gameId}/export`);
    expect(response.status).toBe(200);
    doc = (await response.json()) as GolfExport;
  }, WAIT);
  return doc!;
}

function asGameEvents(doc: GolfExport): GameEvent[] {
  return doc.events.map((e) => ({ type: e.type, seat: e.seat, data: e.data }) as GameEvent);
}

/**
 * The finished game's log is a legal game the engine replays to its end, and everything the player
 * was shown (acknowledged moves included) is in it, once, at the seq it was shown with.
 */
function expectLogHoldsWhatWasSeen(doc: GolfExport, players: Player[]): void {
  expect(doc.events.map((e) => e.seq)).toEqual(doc.events.map((_, index) => index + 1));
  const final = verifyLog(asGameEvents(doc));
  expect(final.phase).toBe("gameOver");
  for (const player of players) {
    expect(player.conflicts).toEqual([]);
    const seat = player.mySeat();
    for (const [seq, shown] of player.seen) {
      const logged = doc.events[seq - 1];
      expect(logged, `seq ${seq} shown to ${player.name} is in the log`).toBeDefined();
      const projected = projectEvent({ type: logged!.type, seat: logged!.seat ?? undefined, data: logged!.data } as GameEvent, seat);
      expect({ type: shown.type, seat: shown.seat ?? null, data: shown.data }).toEqual({ type: projected.type, seat: projected.seat ?? null, data: projected.data });
    }
    const ackedSeqs = player.acks.map((ack) => ack.seq);
    expect(new Set(ackedSeqs).size).toBe(ackedSeqs.length);
    for (const ack of player.acks) {
      const logged = doc.events[ack.seq - 1]!;
      expect({ type: logged.type, seat: logged.seat }).toEqual({ type: ack.type, seat: ack.seat });
    }
  }
}

/** The seqs of the events this connection received after its welcome. */
function eventsAfterWelcome(player: Player): number[] {
  const welcome = player.inbox.findIndex((m) => m.kind === "welcome");
  return player.inbox.slice(welcome + 1).flatMap((m) => (m.kind === "event" ? [m.data.seq] : []));
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, index) => from + index);
}

/** Two humans and a CPU, started, everyone playing. */
async function startTable(url: string, options: Record<string, unknown> = {}): Promise<[Player, Player]> {
  const ann = new Player(url, "Ann");
  const ben = new Player(url, "Ben");
  await ann.create({ seats: 3, cpus: 1, holes: 2, turnSeconds: 0, cpuDelayMs: 0, ...options });
  await ben.join(ann.code);
  await ann.act("start");
  return [ann, ben];
}

// --- inside the reconnection window ---------------------------------------------------------------

describe("a dropped connection inside the reconnection window", () => {
  let node: TestNode;
  const players: Player[] = [];
  beforeAll(async () => {
    node = await startTestNode({ reconnectSeconds: 60 });
  });
  afterEach(() => {
    // Players stop, but stay connected until the node closes: a table left mid-game is another story.
    players.splice(0).forEach((player) => player.pause());
  });
  afterAll(async () => {
    await node?.close();
  });

  it("resumes in the same seat, the others see the player go and come back, and the game goes on", async () => {
    const [ann, ben] = await startTable(node.url);
    players.push(ann, ben);
    ann.play();
    ben.play();
    await vi.waitFor(() => expect(ann.acks.length).toBeGreaterThanOrEqual(3), WAIT);
    ann.pause();
    await vi.waitFor(() => expect(ann.inFlight).toBeNull(), WAIT);

    const seat = ann.mySeat();
    const sessionId = ann.room.sessionId;
    // Ben's view of Ann's connection, every time it changes.
    const annConnectedInBensView: boolean[] = [ben.state.seats[seat]!.connected];
    ben.room.onStateChange(() => {
      const now = ben.state.seats[seat]!.connected;
      if (now !== annConnectedInBensView.at(-1)) annConnectedInBensView.push(now);
    });

    ann.dropConnection();
    await vi.waitFor(() => expect(ann.closedWith).not.toBeNull(), WAIT);
    await vi.waitFor(() => expect(ben.state.seats[seat]!.connected).toBe(false), WAIT);
    // Inside the window the seat is only disconnected, not handed to a CPU.
    expect(ben.state.seats[seat]!.away).toBe(false);

    await ann.reconnect();
    expect(ann.room.sessionId).toBe(sessionId);
    expect(ann.mySeat()).toBe(seat);
    await vi.waitFor(() => expect(ben.state.seats[seat]!.connected).toBe(true), WAIT);
    expect(annConnectedInBensView).toEqual([true, false, true]);
    expect(ann.state.seats[seat]!.away).toBe(false);

    const acksBefore = ann.acks.length;
    ann.play();
    await vi.waitFor(() => expect(ann.state.phase).toBe("gameOver"), WAIT);
    await vi.waitFor(() => expect(ben.state.phase).toBe("gameOver"), WAIT);
    // Moves made on the resumed connection are answered (with their rid) like any other.
    expect(ann.acks.length).toBeGreaterThan(acksBefore);
    expect(ann.refusals).toEqual([]);
    expectLogHoldsWhatWasSeen(await fetchExport(node.url, ann.gameId), [ann, ben]);
  });
});

// --- after the window: rejoin by token -------------------------------------------------------------

describe("rejoining by token after the reconnection window", () => {
  let node: TestNode;
  const players: Player[] = [];
  beforeAll(async () => {
    node = await startTestNode({ reconnectSeconds: 1 });
  });
  afterEach(() => {
    // Players stop, but stay connected until the node closes: a table left mid-game is another story.
    players.splice(0).forEach((player) => player.pause());
  });
  afterAll(async () => {
    await node?.close();
  });

  it("a CPU plays the away seat meanwhile; the token gives the seat back with every missed event", async () => {
    const [ann, ben] = await startTable(node.url, { holes: 3 });
    players.push(ann, ben);
    ann.play();
    ben.play();
    await vi.waitFor(() => expect(ann.acks.length).toBeGreaterThanOrEqual(3), WAIT);
    ann.pause();
    await vi.waitFor(() => expect(ann.inFlight).toBeNull(), WAIT);
    const seat = ann.mySeat();
    const lastSeen = ann.lastSeen;

    ann.dropConnection();
    await vi.waitFor(() => expect(ben.state.seats[seat]!.away).toBe(true), WAIT);
    expect(ben.state.seats[seat]!.connected).toBe(false);
    // The stand-in CPU moves for Ann while she is gone: Ben sees events of her seat.
    const awayFrom = ben.lastSeen;
    await vi.waitFor(() => {
      const standIn = [...ben.seen.values()].filter((e) => e.seq > awayFrom && e.seat === seat && e.type !== "awayChanged");
      expect(standIn.length).toBeGreaterThan(0);
    }, WAIT);
    // Hold the game still so the rejoin is checked against a known point.
    ben.pause();
    await vi.waitFor(() => expect(ben.inFlight).toBeNull(), WAIT);

    await ann.rejoin();
    const welcome = ann.inbox[0];
    expect(welcome?.kind).toBe("welcome");
    expect(welcome?.kind === "welcome" && welcome.data.seat).toBe(seat);
    await vi.waitFor(() => expect(ann.state.seats[seat]?.away).toBe(false), WAIT);
    await vi.waitFor(() => expect(ben.state.seats[seat]!.away).toBe(false), WAIT);
    await vi.waitFor(() => expect(ben.state.seats[seat]!.connected).toBe(true), WAIT);
    await vi.waitFor(() => expect(ann.lastSeen).toBe(ann.state.lastSeq), WAIT);
    // Nothing before the welcome; after it, every missed event once, in order, up to the state.
    expect(eventsAfterWelcome(ann)).toEqual(range(lastSeen + 1, ann.state.lastSeq));
    expect(ann.conflicts).toEqual([]);

    ann.play();
    ben.play();
    await vi.waitFor(() => expect(ann.state.phase).toBe("gameOver"), WAIT);
    await vi.waitFor(() => expect(ben.state.phase).toBe("gameOver"), WAIT);
    expectLogHoldsWhatWasSeen(await fetchExport(node.url, ann.gameId), [ann, ben]);
  });

  it("keeps the seat of a game's only human who is gone past the window, for a rejoin by token", async () => {
    const ann = new Player(node.url, "Ann");
    players.push(ann);
    // A paced CPU, so the game is still running when Ann comes back.
    await ann.create({ seats: 2, cpus: 1, holes: 9, turnSeconds: 0, cpuDelayMs: 300 });
    await ann.act("start");
    ann.dropConnection();
    await vi.waitFor(() => expect(ann.closedWith).not.toBeNull(), WAIT);
    // Nobody is left to watch the window pass (a spectator would keep the room busy): give it time.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await ann.rejoin();
    expect(ann.seat).toBe(0);
    await vi.waitFor(() => expect(ann.state.seats[0]!.away).toBe(false), WAIT);
    expect(ann.state.phase).not.toBe("gameOver");
  });

  it("refuses a wrong token (BAD_TOKEN) and an unknown code (NOT_FOUND)", async () => {
    const [ann, ben] = await startTable(node.url);
    players.push(ann, ben);
    const stranger = new Client(node.url);
    await expect(stranger.joinById(ann.code, { name: "Eve", token: "not-a-real-token" })).rejects.toThrow(/^BAD_TOKEN/);
    // Ann's own token for another game is just as wrong here.
    const other = new Player(node.url, "Cid");
    players.push(other);
    await other.create({ seats: 2, cpus: 1, holes: 1, turnSeconds: 0 });
    await expect(stranger.joinById(other.code, { name: "Ann", token: ann.token })).rejects.toThrow(/^BAD_TOKEN/);

    const unused = ["ZZZZZ", "YYYYY", "XXXXX"].find((code) => code !== ann.code && code !== other.code)!;
    await expect(stranger.joinById(unused, { name: "Eve" })).rejects.toThrow(/^NOT_FOUND/);
    await expect(stranger.joinById(unused, { name: "Eve", token: ann.token })).rejects.toThrow(/^NOT_FOUND/);
  });

  it("a newer connection with the same token takes the seat and closes the older one", async () => {
    const [ann, ben] = await startTable(node.url, { holes: 1 });
    players.push(ann, ben);
    ann.play();
    ben.play();
    await vi.waitFor(() => expect(ann.acks.length).toBeGreaterThanOrEqual(2), WAIT);
    ann.pause();
    await vi.waitFor(() => expect(ann.inFlight).toBeNull(), WAIT);
    const seat = ann.mySeat();

    // The same player on a second device.
    const annAgain = new Player(node.url, "Ann");
    players.push(annAgain);
    await annAgain.join(ann.code, { token: ann.token, sinceSeq: ann.lastSeen });
    expect(annAgain.seat).toBe(seat);
    await vi.waitFor(() => expect(ann.closedWith).not.toBeNull(), WAIT);
    expect(annAgain.closedWith).toBeNull();
    expect(ben.state.seats[seat]!.connected).toBe(true);
    expect(ben.state.seats[seat]!.away).toBe(false);

    annAgain.play();
    await vi.waitFor(() => expect(annAgain.state.phase).toBe("gameOver"), WAIT);
    await vi.waitFor(() => expect(ben.state.phase).toBe("gameOver"), WAIT);
    expect(annAgain.acks.length).toBeGreaterThan(0);
    expectLogHoldsWhatWasSeen(await fetchExport(node.url, ann.gameId), [annAgain, ben]);
  });
});

// --- the server process dies or is stopped -----------------------------------------------------------

const backends = databaseBackends("recovery");

describe.each(backends)("the server process stops mid-game ($name)", ({ open }) => {
  let database: Database;
  let server: ServerProcess | null = null;
  const players: Player[] = [];
  beforeAll(async () => {
    database = await open();
  });
  afterEach(async () => {
    players.splice(0).forEach((player) => player.pause());
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill("SIGKILL");
      await server.exited;
    }
    server = null;
  });
  afterAll(async () => {
    await database?.drop();
  });

  /** Plays until some moves are acknowledged, then stops the process with `signal` while moves fly. */
  async function playThenStop(signal: NodeJS.Signals): Promise<{ port: number; ann: Player; ben: Player; stopped: { code: number | null; signal: NodeJS.Signals | null } }> {
    const port = await freePort();
    server = await startServerProcess(port, database.location);
    const [ann, ben] = await startTable(server.url, { holes: 2 });
    players.push(ann, ben);
    ann.play();
    ben.play();
    await vi.waitFor(() => expect(ann.acks.length + ben.acks.length).toBeGreaterThanOrEqual(12), WAIT);
    server.child.kill(signal);
    const stopped = await server.exited;
    await vi.waitFor(() => expect([ann.closedWith, ben.closedWith]).not.toContain(null), WAIT);
    ann.pause();
    ben.pause();
    return { port, ann, ben, stopped };
  }

  /** A new process on the same database: both players take their seats back and finish. */
  async function restartAndFinish(port: number, ann: Player, ben: Player): Promise<void> {
    const seenBefore = { ann: ann.lastSeen, ben: ben.lastSeen };
    const seats = { ann: ann.mySeat(), ben: ben.mySeat() };
    server = await startServerProcess(port, database.location);
    // /health answers before the node has brought its games back (see the test of that below).
    await gameIsLive(server.url, ann.code);
    await ann.rejoin(server.url);
    await ben.rejoin(server.url);
    expect(ann.seat).toBe(seats.ann);
    expect(ben.seat).toBe(seats.ben);
    for (const [player, before] of [
      [ann, seenBefore.ann],
      [ben, seenBefore.ben],
    ] as const) {
      // The game continues from the last committed event, which is at least what anyone saw.
      expect(player.state.lastSeq).toBeGreaterThanOrEqual(before);
      await vi.waitFor(() => expect(player.lastSeen).toBeGreaterThanOrEqual(player.state.lastSeq), WAIT);
      const replayed = eventsAfterWelcome(player);
      expect(replayed.slice(0, player.state.lastSeq - before)).toEqual(range(before + 1, player.state.lastSeq));
      expect(player.conflicts).toEqual([]);
    }
    ann.play();
    ben.play();
    await vi.waitFor(() => expect(ann.state.phase).toBe("gameOver"), WAIT);
    await vi.waitFor(() => expect(ben.state.phase).toBe("gameOver"), WAIT);
    expectLogHoldsWhatWasSeen(await fetchExport(server.url, ann.gameId), [ann, ben]);
  }

  it("a player who rejoins as soon as the restarted node answers /health gets the seat back, not NOT_FOUND", async () => {
    const port = await freePort();
    server = await startServerProcess(port, database.location);
    const [ann, ben] = await startTable(server.url);
    players.push(ann, ben);
    server.child.kill("SIGKILL");
    await server.exited;
    await vi.waitFor(() => expect(ann.closedWith).not.toBeNull(), WAIT);
    server = await startServerProcess(port, database.location);
    await ann.rejoin(server.url);
    expect(ann.mySeat()).toBe(0);
  });

  it("kill -9: after a restart every acknowledged move is in the log once, and the game finishes", async () => {
    const { port, ann, ben, stopped } = await playThenStop("SIGKILL");
    expect(stopped.signal).toBe("SIGKILL");
    await restartAndFinish(port, ann, ben);
  });

  it("SIGTERM: in-flight moves commit, players are told UNAVAILABLE, the process exits 0, and the game resumes", async () => {
    const { port, ann, ben, stopped } = await playThenStop("SIGTERM");
    expect(stopped).toEqual({ code: 0, signal: null });
    for (const player of [ann, ben]) {
      // The goodbye is the last thing each player hears: every move committed before it was answered.
      const goodbye = player.inbox.findIndex((m) => m.kind === "error" && m.data.code === "UNAVAILABLE" && m.data.rid === undefined);
      expect(goodbye).toBeGreaterThanOrEqual(0);
      expect(player.inbox.slice(goodbye + 1).filter((m) => m.kind === "event")).toEqual([]);
    }
    await restartAndFinish(port, ann, ben);
  });
});

// --- seats closed up at the start, then kill -9 -------------------------------------------------------
// A table of three where the middle seat was freed in the lobby starts with two seats: the player of
// seat 2 plays seat 1. The engine's `started` event is the only place that moves seats: connections,
// views and the client find their seat by the player id the welcome named, and after kill -9 and a
// restart on the same database that player's token gives back seat 1 (a token names a player id,
// recorded in the log, not a seat index: nothing has to move it).

/** A seated client that never plays by itself, and whose SDK does not reconnect behind the test's back. */
function scriptedBot(bot: SdkPlayer): SdkPlayer {
  bot.room.reconnection.enabled = false;
  return bot;
}

/** The first `welcome` exactly as the server sent it. */
function sentWelcome(bot: SdkPlayer): Welcome {
  const welcome = bot.messages.find((m) => m.type === "welcome");
  expect(welcome, `${bot.name} got a welcome`).toBeDefined();
  return welcome!.message as Welcome;
}

function lastSeqOf(bot: SdkPlayer): number {
  return Math.max(0, ...bot.events.map((e) => e.seq));
}

async function acceptedEvent(bot: SdkPlayer, type: string, payload: Record<string, unknown> = {}): Promise<EventMessage> {
  const reply = await bot.act(type, payload);
  expect(reply, `${bot.name}'s ${type} is accepted`).toMatchObject({ ok: true });
  return (reply as { ok: true; event: EventMessage }).event;
}

function initialFlipsOf(bot: SdkPlayer): number[] {
  const wanted = (JSON.parse(bot.state.rules) as { initialFlips: number }).initialFlips;
  return Array.from({ length: wanted }, (_, position) => position);
}

describe.each(backends)("seats closed up at the start, then the server process killed ($name)", ({ open }) => {
  let database: Database;
  let server: ServerProcess | null = null;
  const bots: SdkPlayer[] = [];
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
    const ann = scriptedBot(await SdkPlayer.create(server.url, { name: "Ann", seats: 3, cpus: 0, holes: 2, turnSeconds: 0 }, { autoplay: false }));
    bots.push(ann);
    const code = ann.code;
    const ben = scriptedBot(await SdkPlayer.joinById(server.url, code, { name: "Ben" }, { autoplay: false }));
    bots.push(ben);
    const cy = scriptedBot(await SdkPlayer.joinById(server.url, code, { name: "Cy" }, { autoplay: false }));
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
    const started = await acceptedEvent(ann, "start");
    expect(started.type).toBe("started");
    expect((started.data as { order: number[] }).order).toEqual([0, 2]);
    for (const bot of [ann, cy]) {
      await bot.until(() => bot.state.phase === "initialFlip", WAIT.timeout, "the game to start");
      expect(bot.state.seats.map((s) => [s.name, s.kind])).toEqual([
        ["Ann", "human"],
        ["Cy", "human"],
      ]);
    }
    // Nothing renumbers a connection: each finds its seat by the player id its welcome named.
    expect(sentWelcome(cy).seat).toBe(2);
    expect(cy.state.seats[1]!.playerId).toBe(sentWelcome(cy).playerId);
    expect(ann.state.seats[0]!.playerId).toBe(sentWelcome(ann).playerId);
    expect(cy.seat).toBe(1);
    expect(ann.seat).toBe(0);

    // Cy plays as seat 1 before the crash: its initial flips, seen as its own face-up cards.
    const flipped = await acceptedEvent(cy, "flipInitial", { positions: initialFlipsOf(cy) });
    expect(flipped.seat).toBe(1);
    await cy.until(() => initialFlipsOf(cy).every((position) => cy.state.seats[1]!.cards[position]!.faceUp), WAIT.timeout, "Cy's flips to show");
    const cyCards = cy.state.seats[1]!.cards.map((slot) => ({ ...slot }));
    expect(cyCards.filter((slot) => slot.faceUp && slot.rank !== "")).toHaveLength(initialFlipsOf(cy).length);

    // The record says "running" as soon as `started` is committed (one statement writes both):
    // the public export endpoint names the status of an unfinished game.
    await vi.waitFor(async () => {
      const response = await fetch(`${server!.url}/api/games/${ann.welcome!.gameId}/export`);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: string }).error).toMatch(/\(it is running\)/);
    }, WAIT);

    // kill -9, then a new process on the same database.
    const seenBefore = { ann: lastSeqOf(ann), cy: lastSeqOf(cy) };
    const tokens = { ann: ann.token, cy: cy.token };
    server.child.kill("SIGKILL");
    expect((await server.exited).signal).toBe("SIGKILL");
    await vi.waitFor(() => expect(ann.closes.length).toBeGreaterThan(0), WAIT);
    await vi.waitFor(() => expect(cy.closes.length).toBeGreaterThan(0), WAIT);
    server = await startServerProcess(port, database.location);
    await gameIsLive(server.url, code);

    // Cy's token gives back seat 1, with Cy's name and Cy's cards.
    const cyAgain = scriptedBot(await SdkPlayer.joinById(server.url, code, { name: "Cy", token: tokens.cy, sinceSeq: seenBefore.cy }, { autoplay: false }));
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
    const annAgain = scriptedBot(await SdkPlayer.joinById(server.url, code, { name: "Ann", token: tokens.ann, sinceSeq: seenBefore.ann }, { autoplay: false }));
    bots.push(annAgain);
    expect(sentWelcome(annAgain)).toMatchObject({ code, seat: 0, role: "player", token: tokens.ann });
    expect(annAgain.state.seats[0]).toMatchObject({ name: "Ann", kind: "human", host: true });
    expect(annAgain.state.seats[1]!.cards.map((slot) => ({ ...slot }))).toEqual(cyCards);

    // Play goes on: Ann's initial flips are accepted as seat 0's, then whoever is to act draws.
    const annFlipped = await acceptedEvent(annAgain, "flipInitial", { positions: initialFlipsOf(annAgain) });
    expect(annFlipped).toMatchObject({ type: "flippedInitial", seat: 0 });
    await annAgain.until(() => annAgain.state.phase === "playing", WAIT.timeout, "the first turn");
    const turn = annAgain.state.turn;
    expect([0, 1]).toContain(turn);
    const [actor, other] = turn === 0 ? [annAgain, cyAgain] : [cyAgain, annAgain];
    const watcher = scriptedBot(await SdkPlayer.joinById(server.url, code, { spectate: true }, { autoplay: false }));
    bots.push(watcher);
    expect(sentWelcome(watcher)).toMatchObject({ seat: -1, role: "spectator", token: "", playerId: "" });
    const drew = await acceptedEvent(actor, "draw", { source: "deck" });
    expect(drew).toMatchObject({ type: "drew", seat: turn });
    // The drawn card shows in the drawer's own seat only: each view is attached to the right seat.
    await actor.until(() => (actor.state.seats[turn]!.drawn?.rank ?? "") !== "", WAIT.timeout, "the drawn card in the drawer's view");
    await other.until(() => other.state.drawnFrom === "deck", WAIT.timeout, "the draw in the other player's view");
    expect(other.state.seats[turn]!.drawn?.rank ?? "").toBe("");
    await watcher.until(() => watcher.state.drawnFrom === "deck", WAIT.timeout, "the draw in the spectator's view");
    expect(watcher.state.seats.map((seat) => seat.drawn?.rank ?? "")).toEqual(["", ""]);
    expect([...annAgain.errors, ...cyAgain.errors]).toEqual([]);
  });
});
