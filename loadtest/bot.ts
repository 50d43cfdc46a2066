// The load-test bot: `node --import tsx loadtest/bot.ts --room golf --numClients N [...]`, driven by
// @colyseus/loadtest's `cli(main)`, which calls `main` once per client, one after another.
//
// Clients come in games of `groupSize(pace)` consecutive indices. The first of a game creates it
// (private, no turn timer) and the others join it by code, which they wait for in memory: that is
// why the runner never splits a game over two processes. Players (human or fast pace) decide their moves
// from the synchronized state alone, through the engine's `legalCommands` and CPU policy; the host
// starts the game once every seat is filled, advances holes and asks to play again at game over,
// and everyone follows the table to its new code. Under spectator pace a game is one bot host with
// three CPUs, watched by the other bots of its group.
//
// Every action carries a `rid`; its round trip runs from send to the first `event` (or `error`)
// echoing that rid. Extra options: --endpoints (comma-separated), --pace, --first-client (index
// of this process's client 0 in the whole run), --process, --stats (the JSON file written at the
// end), --holes, --max-seconds (a watchdog). Under the runner (an IPC channel) it reports `ready`
// once every client has joined, resets its counters on `measure`, and on `stop` freezes them,
// writes the stats file and answers `stopped`; the runner then ends it with SIGINT.
import { writeFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { cli, type Options } from "@colyseus/loadtest";
import { Client, type Room } from "@colyseus/sdk";
import { CPU_PROFILES, mixSeed, seededRng, type CpuTraits, type Rng } from "../shared/golf/index.ts";
import { cpuPolicyMove } from "../bench/lib/moves.ts";
import { sleep } from "../bench/lib/time.ts";
import { endpointIndex, groupSize, isLoopbackHost, PACES, seatOf, type Pace } from "./plan.ts";
import { viewFromSyncedState, type SyncedStateReader } from "../shared/protocol/index.ts";
import type { ErrorMessage, EventMessage, PlayAgainAnswer, Rid } from "../shared/protocol/index.ts";
import { Bot, type Answer, type Move } from "../bench/lib/bot.ts";
import { addCount, emptyStats, LatencyHistogram, type ProcessStats } from "./stats.ts";

const { values: args } = parseArgs({
  options: {
    endpoint: { type: "string", default: "http://127.0.0.1:2567" },
    endpoints: { type: "string" },
    pace: { type: "string", default: "human" },
    "first-client": { type: "string", default: "0" },
    process: { type: "string", default: "0" },
    stats: { type: "string" },
    holes: { type: "string", default: "9" },
    "max-seconds": { type: "string", default: "600" },
  },
  strict: false,
  allowPositionals: true,
});

const pace = String(args.pace) as Pace;
if (!PACES.includes(pace)) throw new Error(`--pace must be one of ${PACES.join(", ")}`);
const firstClient = Number(args["first-client"]);
const processIndex = Number(args.process);
const holes = Number(args.holes);
const size = groupSize(pace);
const endpoints = String(args.endpoints ?? args.endpoint)
  .split(",")
  .map((text) => new URL(text.replace(/^ws/, "http")));
for (const url of endpoints) if (!isLoopbackHost(url.hostname)) throw new Error(`load tests target this machine only, not ${url.host}`);
// One SDK client per node: it only holds the endpoint's settings.
const clients = endpoints.map((url) => new Client(url.origin));

/** Human pace: each action is preceded by 1 to 3 s of thought (2 s on average). */
const THINK_MIN_MS = 1000;
const THINK_SPAN_MS = 2000;
/** Fast pace: no thinking, but under the server's 30 messages a second per client. */
const FAST_RATE = 25;
const ANSWER_TIMEOUT_MS = 30_000;
const WELCOME_TIMEOUT_MS = 15_000;
const LEAVE_TIMEOUT_MS = 5_000;
const REJOIN_ATTEMPTS = 3;
const REJOIN_DELAY_MS = 1_000;

let stats: ProcessStats = emptyStats(processIndex, pace, 0);
// How late this process's event loop runs: a late loop adds to every round trip it measures.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
let latency = new LatencyHistogram();
let measuring = true;
let measureStartedAt = performance.now();
let stopped = false;
let statsWritten = false;
const bots = new Set<LoadBot>();

/** Where a game's members find its current code: set by its creator, and again at every play-again. */
class Table {
  code = "";
  private followers = new Set<(code: string) => void>();
  private settle!: { created: (code: string) => void; failed: (error: Error) => void };
  /** The first code, once the creator has it (rejected if it could not create the game). */
  readonly created = new Promise<string>((created, failed) => (this.settle = { created, failed }));
  constructor() {
    this.created.catch(() => undefined); // awaited by the members; nobody may be waiting yet
  }
  publish(code: string): void {
    if (code === this.code) return;
    this.code = code;
    this.settle.created(code);
    for (const follow of this.followers) follow(code);
  }
  fail(error: Error): void {
    this.settle.failed(error);
  }
  follow(listener: (code: string) => void): void {
    this.followers.add(listener);
  }
}
const tables = new Map<number, Table>();

/** The raw WebSocket under an SDK room (the `ws` package's, as @colyseus/loadtest reads it too). */
interface RawSocket {
  readyState: number;
  send(data: unknown, ...rest: unknown[]): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
}

function byteLength(data: unknown): number {
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  if (typeof data === "string") return Buffer.byteLength(data);
  return 0;
}

type TableView = SyncedStateReader;

/** The pause before a move: human pace thinks 1 to 3 s; fast pace keeps under FAST_RATE a second. */
function pacer(rng: Rng): (paused: boolean) => number {
  let allowance = FAST_RATE;
  let allowanceAt = performance.now();
  return (paused) => {
    if (pace !== "fast") return paused ? 0 : THINK_MIN_MS + rng() * THINK_SPAN_MS;
    const now = performance.now();
    allowance = Math.min(FAST_RATE, allowance + ((now - allowanceAt) / 1000) * FAST_RATE);
    allowanceAt = now;
    if (allowance < 1) return ((1 - allowance) / FAST_RATE) * 1000;
    allowance -= 1;
    return 0;
  };
}

/**
 * One load-test client: the one bot (bench/lib/bot.ts) with the CPU policy's moves (or the host's
 * start, next hole and play again) at the run's pace, counting into this process's stats, following
 * its table from game to game and coming back with its token when sent away.
 */
class LoadBot extends Bot<TableView> {
  private role: "player" | "spectator" = "player";
  private lastEventSeq = 0;
  private askedPlayAgainFor = "";
  private moving = false;
  /** What the bot was doing when a join failed: create, join, watch, or the next game's. */
  private step = "join";
  /** The policy's last choice was not legal, so a random legal move stands in (counted when sent). */
  private fellBack = false;
  private answerTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly index: number,
    private readonly kind: "player" | "spectator",
    private readonly creator: boolean,
    private readonly table: Table,
    /** The node this bot talks to first (an index into `clients`). */
    private readonly home: number,
  ) {
    const traits = CPU_PROFILES[index % CPU_PROFILES.length]!.traits;
    const rng = seededRng(mixSeed(index, 0x10ad));
    const self: { bot?: LoadBot } = {};
    super(clients[home]!, `bot${index}`, {
      chooseMove: (state, seat) => self.bot!.choose(state, seat, traits, rng),
      pace: pacer(rng),
      rid: (n) => n,
      // After a refusal the bot thinks again from what it sees (at the next change: the refusal is one).
      afterError: "change",
      sdkReconnection: true,
      onAnswer: (answer) => self.bot!.answered(answer),
    });
    self.bot = this;
  }

  hasInFlight(): boolean {
    return this.inFlight !== null;
  }

  /** Takes its place at its table: creates the game, or joins or watches it once it exists. */
  async enterTable(): Promise<void> {
    if (this.creator) {
      const options =
        pace === "spectator"
          ? { name: this.name, seats: 4, cpus: 3, turnSeconds: 0, holes, private: true } // CPUs at their human-like pace
          : { name: this.name, seats: 4, turnSeconds: 0, holes, cpuDelayMs: 0, private: true };
      try {
        await this.join("create", (client) => client.create("golf", options));
      } catch (error) {
        this.table.fail(error as Error);
        throw error;
      }
      this.table.publish(this.room.roomId);
    } else {
      let code: string;
      try {
        code = await this.table.created;
      } catch {
        this.step = "join";
        throw this.joinFailed(new Error("its game was not created"));
      }
      if (this.kind === "spectator") this.table.follow((next) => void this.moveTo(next));
      await this.join(this.kind === "spectator" ? "watch" : "join", (client) => client.joinById(code, { name: this.name, spectate: this.kind === "spectator" || undefined }));
    }
  }

  stop(): void {
    this.pause();
    if (this.answerTimer) clearTimeout(this.answerTimer);
  }

  private joinFailed(error: unknown, counted = true): Error {
    const message = error instanceof Error ? error.message : String(error);
    if (!counted) return error instanceof Error ? error : new Error(message);
    stats.failedJoins++;
    // Which step and node, and the SDK's error name and code (a close code when the socket closed).
    const code = (error as { code?: unknown })?.code;
    const node = `${this.client.settings.hostname}:${this.client.settings.port}`;
    const short = `${this.step} via ${node}: ${error instanceof Error ? error.name : "Error"}${code !== undefined ? ` ${code}` : ""}: ${message.slice(0, 160)}`;
    if (stats.joinErrors.length < 10 && !stats.joinErrors.includes(short)) stats.joinErrors.push(short);
    return error instanceof Error ? error : new Error(message);
  }

  /**
   * Joins (or creates) and waits for `welcome`, like a client behind one address for all nodes: a
   * node that refuses connections is skipped. A rejoin keeps the last event seq it saw (the server
   * resends what came after it); `countFailure` false leaves a failure uncounted (an attempt that
   * will be retried).
   */
  private async join(step: string, connect: (client: Client) => Promise<Room>, options: { rejoin?: boolean; countFailure?: boolean } = {}): Promise<void> {
    const counted = options.countFailure ?? true;
    this.step = step;
    if (counted) stats.joins++;
    this.welcomeSeat = -1;
    if (!options.rejoin) this.lastEventSeq = 0;
    for (let offset = 0; ; offset++) {
      this.client = clients[(this.home + offset) % clients.length]!;
      try {
        await this.enter(connect);
        break;
      } catch (error) {
        const unreachable = /ECONNREFUSED|fetch failed/.test(`${(error as { code?: unknown })?.code} ${(error as Error)?.message}`);
        if (!unreachable || offset + 1 >= clients.length) throw this.joinFailed(error, counted);
      }
    }
    if (this.role === "player") this.play();
  }

  protected override async ready(welcome: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), WELCOME_TIMEOUT_MS)));
    const welcomed = await Promise.race([welcome.then(() => true), timeout]);
    clearTimeout(timer);
    if (!welcomed) throw new Error("no welcome after joining");
    if (this.welcome!.role !== this.kind) throw new Error(`joined as ${this.welcome!.role}, expected ${this.kind}`);
    this.role = this.welcome!.role;
  }

  protected override onAttach(room: Room): void {
    const ws = (room.connection.transport as unknown as { ws: RawSocket }).ws;
    ws.addEventListener("message", (event) => {
      if (measuring) stats.bytesIn += byteLength(event.data);
    });
    const send = ws.send;
    ws.send = function (data: unknown, ...rest: unknown[]) {
      if (measuring && ws.readyState === 1) stats.bytesOut += byteLength(data);
      return send.call(ws, data, ...rest);
    };
    // A drop (the SDK then tries to reconnect) or a leave the bot did not ask for.
    const dropped = (code: number) => {
      if (this.room !== room || stopped || this.moving) return false;
      stats.drops++;
      addCount(stats.dropsByCode, String(code));
      return true;
    };
    room.onDrop((code) => dropped(code));
    room.onLeave((code) => {
      // Sent away (the game moved to another node, or the node is going): come back as a client
      // would, with the seat's token, through the matchmaker.
      if (dropped(code)) void this.rejoin(room.roomId);
    });
  }

  /** Back into the same game after being sent away: a few attempts, the last one counted. */
  private async rejoin(code: string): Promise<void> {
    this.moving = true;
    this.stop();
    const options = this.kind === "spectator" ? { spectate: true } : { name: this.name, token: this.token, sinceSeq: this.lastEventSeq };
    try {
      for (let attempt = 1; attempt <= REJOIN_ATTEMPTS && !stopped; attempt++) {
        await sleep(REJOIN_DELAY_MS * attempt);
        try {
          await this.join("rejoin", (client) => client.joinById(code, options), { rejoin: true, countFailure: attempt === REJOIN_ATTEMPTS });
          stats.rejoins++;
          return;
        } catch {
          // counted on the last attempt
        }
      }
    } finally {
      this.moving = false;
      this.drive();
    }
  }

  /** To the table's next game: leave this one, join that one by code. */
  private async moveTo(code: string): Promise<void> {
    if (stopped || this.moving || this.room?.roomId === code) return;
    this.moving = true;
    this.stop();
    const old = this.room;
    if (old && this.connected) await Promise.race([old.leave(true), sleep(LEAVE_TIMEOUT_MS)]);
    try {
      if (!stopped) await this.join("next game", (client) => client.joinById(code, { name: this.name, spectate: this.kind === "spectator" || undefined }));
    } catch {
      // counted in joinFailed
    } finally {
      this.moving = false;
    }
  }

  protected override onEvent(message: EventMessage): void {
    if (message.seq > this.lastEventSeq) this.lastEventSeq = message.seq;
    if (measuring && this.creator && this.role === "player") {
      if (message.type === "holeEnded") stats.holesFinished++;
      if (message.type === "gameEnded") stats.gamesFinished++;
    }
  }

  protected override onError(message: ErrorMessage): void {
    if (this.inFlight && message.rid === this.inFlight.rid) return; // an answer: counted in `answered`
    if (measuring) {
      stats.otherErrors++;
      addCount(stats.errorsByCode, message.code);
    }
  }

  protected override onOtherMessage(type: string | number, message: unknown): void {
    if (type !== "playAgain") return; // timerWarning and anything else: nothing to do
    const answer = message as PlayAgainAnswer;
    this.takeAnswer(answer.rid);
    if (this.creator) this.table.publish(answer.code);
    void this.moveTo(answer.code);
  }

  protected override onClosed(_code: number, inFlight: { rid: unknown } | null): void {
    // Cut off with an action unanswered: whether it took effect is not known.
    if (inFlight) stats.lostInDrops++;
  }

  /** Every message may be what lets the bot act (the last event of a patch): look again. */
  protected override changed(): void {
    this.drive();
  }

  override sendAction(type: string, payload: Record<string, unknown>): Rid {
    if (this.fellBack) stats.policyFallbacks++;
    if (type === "playAgain") this.askedPlayAgainFor = this.gameId;
    const rid = super.sendAction(type, payload);
    if (this.answerTimer) clearTimeout(this.answerTimer);
    this.answerTimer = setTimeout(() => {
      if (this.inFlight?.rid !== rid) return;
      this.inFlight = null;
      if (measuring) stats.timedOut++;
      this.drive();
    }, ANSWER_TIMEOUT_MS);
    return rid;
  }

  answered(answer: Answer): void {
    if (this.answerTimer) clearTimeout(this.answerTimer);
    this.answerTimer = null;
    if (!measuring) return;
    latency.record(answer.latencyMs);
    if (answer.error === undefined) {
      stats.actions++;
      addCount(stats.actionsByType, answer.type);
    } else {
      // Every action a bot sends is one it checked as legal from what it sees.
      stats.rejectedLegal++;
      addCount(stats.errorsByCode, answer.error);
    }
  }

  /** The bot's next action from what it sees, or null: only on a state whose events have all arrived. */
  choose(state: TableView, seat: number, traits: CpuTraits, rng: Rng): Move | null {
    this.fellBack = false;
    if (stopped || this.moving || this.role !== "player" || !state?.phase || this.lastEventSeq < state.lastSeq) return null;
    const seats = Array.from(state.seats);
    const me = seats[seat];
    if (!me) return null;
    switch (state.phase) {
      case "lobby":
        return me.host && seats.length > 0 && seats.every((other) => other.kind !== "empty") ? { type: "start", payload: {} } : null;
      case "holeOver":
        return me.host ? { type: "nextHole", payload: {} } : null;
      case "gameOver":
        return me.host && this.askedPlayAgainFor !== this.gameId ? { type: "playAgain", payload: {} } : null;
    }
    const choice = cpuPolicyMove(viewFromSyncedState(state, seat), traits, rng);
    if (!choice) return null;
    this.fellBack = choice.fallback;
    const { type, ...payload } = choice.command;
    return { type, payload };
  }
}

// --- the process: counters, runner messages, stats file -------------------------------------------

function beginMeasuring(): void {
  const { joins, failedJoins, joinErrors, clients, drops, dropsByCode, rejoins, lostInDrops } = stats;
  stats = { ...emptyStats(processIndex, pace, clients), joins, failedJoins, joinErrors, drops, dropsByCode, rejoins, lostInDrops };
  latency = new LatencyHistogram();
  loopDelay.reset();
  measuring = true;
  measureStartedAt = performance.now();
}

function finish(): void {
  if (statsWritten) return;
  statsWritten = true;
  if (!stopped) stats.measuredMs = performance.now() - measureStartedAt;
  stopped = true;
  measuring = false;
  for (const bot of bots) {
    if (bot.hasInFlight()) stats.inFlightAtStop++;
    bot.stop();
  }
  stats.latency = latency.toJSON();
  stats.eventLoopDelayP99Ms = loopDelay.percentile(99) / 1e6;
  stats.eventLoopDelayMaxMs = loopDelay.max / 1e6;
  if (args.stats) writeFileSync(String(args.stats), JSON.stringify(stats));
}

process.on("message", (message: { type?: string }) => {
  if (message?.type === "measure") beginMeasuring();
  if (message?.type === "stop") {
    finish();
    process.send?.({ type: "stopped" });
  }
});
// The runner is gone: stop like a SIGINT would.
process.on("disconnect", () => process.kill(process.pid, "SIGINT"));
// cli exits on SIGINT; write the figures on the way out if `stop` did not already.
process.on("exit", finish);
setTimeout(() => process.kill(process.pid, "SIGINT"), Number(args["max-seconds"]) * 1000).unref();

// cli awaits each `main` before calling the next. Waiting there for a whole join (matchmaking, the
// socket, the seat committed, `welcome`) would make the ramp-up one join at a time, so `main` only
// waits for a free join slot and lets the join run on; members wait for their game's code.
const JOIN_CONCURRENCY = 8;
let joinsRunning = 0;
const slotFreed: (() => void)[] = [];
let settled = 0;

async function main(options: Options): Promise<void> {
  stats.clients = options.numClients;
  while (joinsRunning >= JOIN_CONCURRENCY) await new Promise<void>((resolve) => slotFreed.push(resolve));
  joinsRunning++;
  const index = firstClient + options.clientId;
  const { game, creator, member } = seatOf(index, size);
  let table = tables.get(game);
  if (!table) tables.set(game, (table = new Table()));
  const kind = pace === "spectator" && member > 0 ? "spectator" : "player";
  const bot = new LoadBot(index, kind, creator, table, endpointIndex(index, size, clients.length));
  bots.add(bot);
  bot
    .enterTable()
    .catch(() => undefined) // counted as a failed join
    .finally(() => {
      joinsRunning--;
      slotFreed.shift()?.();
      if (++settled === options.numClients) process.send?.({ type: "ready" });
    });
}

cli(main);
