// End-to-end test support: bots that play a seat through the real SDK, a recorder of every WebSocket
// frame a client receives (as bytes), an independent decoder of those frames, and the game export.
// Nothing here reaches into the server: bots see only what a client sees.
import { Client, Protocol, type Room } from "@colyseus/sdk";
import { decode, Reflection, type Decoder, type Iterator } from "@colyseus/schema";
import { PROTOCOL_CODE_MASK } from "@colyseus/shared-types";
import { unpack } from "msgpackr";
import { viewFromSyncedState } from "../../shared/protocol/index.ts";
import { seededRng, type Command, type GameEvent, type GameView, type Rng } from "../../shared/golf/index.ts";
import type { ErrorMessage, EventMessage, GolfExport, SyncedState, Welcome } from "../../shared/protocol/index.ts";
import { Bot as SdkBot } from "../../bench/lib/bot.ts";
import { chooseMove, type PolicyOptions } from "../../bench/lib/moves.ts";
import { sleep } from "../../bench/lib/time.ts";

// --- frames ----------------------------------------------------------------------------------

/** One WebSocket frame as the client received it. */
export interface Frame {
  at: number;
  bytes: Buffer;
}

/**
 * An SDK client that keeps a copy of every frame its rooms receive, before the SDK decodes it. It
 * wraps the room's message callback before the room connects, so the join handshake and the first
 * full state are recorded too.
 */
export class RecordingClient extends Client {
  readonly frames: Frame[] = [];

  protected override createRoom<T>(roomName: string, rootSchema?: never): Room<any, T> {
    const room = super.createRoom<T>(roomName, rootSchema);
    const frames = this.frames;
    const internals = room as unknown as { onMessageCallback(event: MessageEvent): void };
    const dispatch = internals.onMessageCallback;
    internals.onMessageCallback = function (this: unknown, event: MessageEvent) {
      const data = event.data as ArrayBuffer | Uint8Array;
      frames.push({ at: Date.now(), bytes: Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data) });
      dispatch.call(this, event);
    };
    return room;
  }
}

/** A frame decoded without the SDK: a fresh schema Decoder built from the reflection sent on join. */
export type DecodedFrame =
  | { kind: "join"; index: number; at: number }
  | { kind: "state"; index: number; at: number; full: boolean; state: SyncedState }
  | { kind: "message"; index: number; at: number; type: string | number; message: unknown }
  | { kind: "error"; index: number; at: number; code: number; message: string }
  | { kind: "other"; index: number; at: number; code: number };

export function decodeFrames(frames: readonly Frame[]): DecodedFrame[] {
  let decoder: Decoder | undefined;
  return frames.map(({ bytes, at }, index): DecodedFrame => {
    const it: Iterator = { offset: 1 };
    const code = bytes[0]! & PROTOCOL_CODE_MASK;
    switch (code) {
      case Protocol.JOIN_ROOM: {
        decode.utf8Read(bytes, it, bytes[it.offset++]!); // reconnection token
        const serializer = decode.utf8Read(bytes, it, bytes[it.offset++]!);
        if (serializer !== "schema") throw new Error(`frame ${index}: serializer ${serializer}`);
        const reflectionLength = decode.number(bytes, it);
        decoder = Reflection.decode(bytes.subarray(0, it.offset + reflectionLength), it);
        return { kind: "join", index, at };
      }
      case Protocol.ROOM_STATE:
      case Protocol.ROOM_STATE_PATCH: {
        if (!decoder) throw new Error(`frame ${index}: state before the join handshake`);
        decoder.decode(bytes, it);
        return { kind: "state", index, at, full: code === Protocol.ROOM_STATE, state: decoder.state.toJSON() as SyncedState };
      }
      case Protocol.ROOM_DATA: {
        const type = decode.stringCheck(bytes, it) ? decode.string(bytes, it) : decode.number(bytes, it);
        const message = bytes.byteLength > it.offset ? unpack(bytes.subarray(it.offset)) : undefined;
        return { kind: "message", index, at, type, message };
      }
      case Protocol.ERROR:
        return { kind: "error", index, at, code: decode.number(bytes, it), message: decode.string(bytes, it) };
      default:
        return { kind: "other", index, at, code };
    }
  });
}

// --- the synchronized state as plain data ----------------------------------------------------

/** The SDK's state of a room as plain data. */
export function stateOf(room: Room): SyncedState {
  return (room.state as { toJSON(): unknown }).toJSON() as SyncedState;
}

/** What a seated client can tell from the synchronized state, in the engine's view shape. */
export function viewFromState(state: SyncedState, seat: number): GameView {
  return viewFromSyncedState(state, seat);
}

// --- messages --------------------------------------------------------------------------------

export type Reply = { ok: true; event: EventMessage } | { ok: false; error: ErrorMessage };

export interface BotOptions {
  /** Play the seat by itself whenever the state says it may move (default true for players). */
  autoplay?: boolean;
  seed?: number;
  policy?: PolicyOptions;
  /** How long an action may wait for its answer before the bot gives up (default 30 s). */
  replyTimeoutMs?: number;
  /** Actions a second at most, as a token bucket of 10 (default 25: the server takes 30). */
  maxRate?: number;
  /** A session token (docs/accounts.md): the bot joins signed in, as `client.auth` would. */
  session?: string;
}

let botCounter = 0;

/** A token bucket of 10 filling at `rate` a second: how long until it has a token, 0 taking one. */
function tokenBucket(rate: number): () => number {
  let allowance = 10;
  let allowanceAt = Date.now();
  return () => {
    const now = Date.now();
    allowance = Math.min(10, allowance + ((now - allowanceAt) / 1000) * rate);
    allowanceAt = now;
    if (allowance < 1) return Math.ceil(((1 - allowance) * 1000) / rate);
    allowance -= 1;
    return 0;
  };
}

/** The plain policy's move for `seat` (bench/lib/moves.ts's chooseMove), or null. */
function policyMove(state: SyncedState, seat: number, rng: Rng, policy: PolicyOptions): Command | null {
  if (!state.seats[seat] || state.seats[seat]!.cards.length !== 6) return null;
  return chooseMove(viewFromState(state, seat), rng, policy);
}

/**
 * One client of the real server: a seat (or a spectator), the one bot (bench/lib/bot.ts) with the
 * plain policy's moves under the rate limit, keeping every message it receives, in order, and every
 * raw frame. With autoplay on it plays its seat from the synchronized state, one action at a time:
 * each with a unique rid, the next only after that one's event or error came back.
 */
export class Bot extends SdkBot<SyncedState> {
  declare client: RecordingClient;
  readonly messages: { type: string | number; message: unknown }[] = [];
  readonly events: EventMessage[];
  readonly errors: ErrorMessage[];
  /** Errors answering this bot's own autoplay moves (a correct bot gets none). */
  readonly moveErrors: ErrorMessage[];
  /** Close codes of the room connection (leave or drop), and transport errors. */
  readonly closes: { code: number; reason?: string; kind: "leave" | "drop" | "error" }[] = [];
  readonly id: number;
  private readonly tally: { moves: number };
  private readonly replyTimeoutMs: number;
  private readonly pace: () => number;
  private readonly nextRid: () => string;
  private readonly waiting = new Map<string | number, (reply: Reply) => void>();
  private readonly listeners = new Set<() => void>();

  private constructor(url: string, name: string, options: BotOptions) {
    const id = ++botCounter;
    const rng = seededRng(options.seed ?? id * 7919);
    const policy = options.policy ?? {};
    const events: EventMessage[] = [];
    const pace = tokenBucket(options.maxRate ?? 25);
    let rids = 0;
    const nextRid = () => `b${id}-${++rids}`;
    const moveErrors: ErrorMessage[] = [];
    const errors: ErrorMessage[] = [];
    const tally = { moves: 0 };
    super(new RecordingClient(url), name, {
      chooseMove: (state, seat) => {
        let now = policy;
        if (now.slowUntilReshuffle) {
          const deal = events.findLastIndex((e) => e.type === "holeStarted");
          const reshuffled = events.slice(deal + 1).some((e) => e.type === "reshuffled");
          if (!reshuffled) now = { randomness: 0.05, swapChance: 0.03 };
        }
        const command = policyMove(state, seat, rng, now);
        if (!command) return null;
        const { type, ...payload } = command;
        return { type, payload };
      },
      pace: () => pace(),
      rid: nextRid,
      // Nothing changed after a refused move: the bot moves again when something does.
      afterError: "change",
      onAnswer: (answer) => {
        tally.moves++;
        if (answer.error !== undefined) moveErrors.push(errors.at(-1)!);
      },
    });
    if (options.session) this.client.auth.token = options.session;
    this.id = id;
    this.tally = tally;
    this.events = events;
    this.errors = errors;
    this.moveErrors = moveErrors;
    this.pace = pace;
    this.nextRid = nextRid;
    this.replyTimeoutMs = options.replyTimeoutMs ?? 30_000;
    this.playing = options.autoplay ?? true;
  }

  static async create(url: string, options: Record<string, unknown> & { name: string }, bot: BotOptions = {}): Promise<Bot> {
    const b = new Bot(url, options.name, bot);
    await b.enter((client) => client.create("golf", options));
    return b;
  }

  static async joinById(url: string, code: string, options: Record<string, unknown>, bot: BotOptions = {}): Promise<Bot> {
    const b = new Bot(url, String(options.name ?? "spectator"), { autoplay: !options.spectate, ...bot });
    await b.enter((client) => client.joinById(code, options));
    return b;
  }

  static async joinOrCreate(url: string, options: Record<string, unknown> & { name: string }, bot: BotOptions = {}): Promise<Bot> {
    const b = new Bot(url, options.name, bot);
    await b.enter((client) => client.joinOrCreate("golf", options));
    return b;
  }

  /** Autoplay moves answered. */
  get moves(): number {
    return this.tally.moves;
  }
  override get state(): SyncedState {
    return stateOf(this.room);
  }
  get frames(): Frame[] {
    return this.client.frames;
  }

  /** Resolves once `check` holds (checked after every message and state change). */
  until(check: () => boolean, timeoutMs = 30_000, what = "a condition"): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const listener = () => {
        if (!check()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.name}: timed out waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
    });
  }

  newRid(): string {
    return this.nextRid();
  }

  /** Waits until sending one more message keeps this client under its rate. */
  private async paced(): Promise<void> {
    for (let wait = this.pace(); wait > 0; wait = this.pace()) await sleep(wait);
  }

  /** Sends any message, paced under the rate limit; answers land in `errors` / `events`. */
  async send(type: string | number, payload?: unknown): Promise<void> {
    await this.paced();
    this.room.send(type as string, payload);
  }

  /** Sends an action with a fresh rid (paced under the rate limit); resolves with its first event, or its error. */
  async act(type: string, payload: Record<string, unknown> = {}): Promise<Reply> {
    await this.paced();
    const rid = this.newRid();
    const reply = new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(rid);
        reject(new Error(`${this.name}: no answer to ${type} ${rid}`));
      }, this.replyTimeoutMs);
      this.waiting.set(rid, (value) => {
        clearTimeout(timer);
        resolve(value);
      });
    });
    this.room.send(type, { ...payload, rid });
    return reply;
  }

  startPlaying(): void {
    this.play();
  }
  stopPlaying(): void {
    this.pause();
  }
  /** Resolves once the bot is not in the middle of an action. */
  async idle(): Promise<void> {
    await this.until(() => this.inFlight === null, 30_000, "the bot to be idle");
  }

  // --- the record, through the bot's hooks -------------------------------------------------------

  protected override async ready(): Promise<void> {
    await this.until(() => this.welcome !== null && this.room.state !== undefined && stateOf(this.room).code !== undefined);
    this.changed();
  }

  protected override onAttach(room: Room): void {
    const closed = (kind: "leave" | "drop" | "error") => (code: number, reason?: string) => {
      this.closes.push({ code, reason, kind });
      this.changed();
    };
    room.onLeave(closed("leave"));
    room.onDrop(closed("drop"));
    room.onError(closed("error"));
  }

  protected override onWelcome(message: Welcome): void {
    this.messages.push({ type: "welcome", message });
  }

  protected override onEvent(e: EventMessage): void {
    this.messages.push({ type: "event", message: e });
    this.events.push(e);
    if (e.rid !== undefined) this.answer(e.rid, { ok: true, event: e });
  }

  protected override onError(error: ErrorMessage): void {
    this.messages.push({ type: "error", message: error });
    this.errors.push(error);
    if (error.rid !== undefined) this.answer(error.rid, { ok: false, error });
  }

  protected override onOtherMessage(type: string | number, message: unknown): void {
    this.messages.push({ type, message });
  }

  protected override changed(): void {
    for (const listener of [...this.listeners]) listener();
    // A refused move waits for the next change (afterError "change"): this is one.
    if (this.playing && this.connected && this.welcome) setImmediate(() => this.drive());
  }

  /** Resolves the `act` waiting for this rid, if any. */
  private answer(rid: string | number, reply: Reply): void {
    const resolve = this.waiting.get(rid);
    if (!resolve) return;
    this.waiting.delete(rid);
    resolve(reply);
  }
}

// --- the export ------------------------------------------------------------------------------

/**
 * The finished game's export; waits out the moment between game over and the store marking it
 * finished. `seatToken`: a player's, which a private game's export needs (X-Seat-Token).
 */
export async function fetchExport(url: string, gameId: string, timeoutMs = 30_000, seatToken?: string): Promise<GolfExport> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${url}/api/games/${gameId}/export`, { headers: seatToken ? { "x-seat-token": seatToken } : {} });
    if (response.status === 200) return (await response.json()) as GolfExport;
    if (response.status !== 404 || Date.now() > deadline) throw new Error(`export of ${gameId}: HTTP ${response.status} ${await response.text()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The export's events as engine events. */
export function logOf(doc: GolfExport): GameEvent[] {
  return doc.events.map((e) => ({ type: e.type, seat: e.seat, data: e.data }) as GameEvent);
}

export { sleep };
