// End-to-end test support: bots that play a seat through the real SDK, a recorder of every WebSocket
// frame a client receives (as bytes), an independent decoder of those frames, and the game export.
// Nothing here reaches into the server: bots see only what a client sees.
import { Client, Protocol, type Room } from "@colyseus/sdk";
import { decode, Reflection, type Decoder, type Iterator } from "@colyseus/schema";
import { PROTOCOL_CODE_MASK } from "@colyseus/shared-types";
import { unpack } from "msgpackr";
import { legalCommands, seededRng, viewFromSyncedState, type Command, type GameEvent, type GameView, type Rng } from "../../shared/golf/index.ts";
import type { ErrorMessage, EventMessage, GolfExport, SyncedState, Welcome } from "../../shared/protocol/index.ts";

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
  /** Called with each room before it connects (handlers registered here miss nothing). */
  onRoom?: (room: Room) => void;

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
    this.onRoom?.(room as unknown as Room);
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

export interface PolicyOptions {
  /** Chance of playing a random legal move instead of the plain one (default 0.2). */
  randomness?: number;
  /** Chance of swapping a card drawn from the deck into a face-down slot (default 1). */
  swapChance?: number;
  /** Play a slow table (hardly ever turning a card over) until the deck ran out once this hole. */
  slowUntilReshuffle?: boolean;
}

/**
 * A plain player: flips the first cards, draws from the deck, swaps into the first face-down slot
 * (else keeps low cards, else discards), flips the first face-down card when it must, knocks when it
 * may; now and then any legal move instead, so every kind of move gets played.
 */
export function chooseMove(view: GameView, rng: Rng, options: PolicyOptions = {}): Command | null {
  const legal = legalCommands(view);
  if (legal.length === 0) return null;
  if (rng() < (options.randomness ?? 0.2)) return legal[Math.floor(rng() * legal.length)]!;
  const me = view.seats[view.viewer as number]!;
  const faceDown = me.cards.flatMap((slot, position) => (slot.faceUp ? [] : [position]));
  const find = (type: Command["type"]) => legal.find((command) => command.type === type);
  if (view.phase === "initialFlip") return legal[0]!;
  if (view.mustFlip) return legal.find((command) => command.type === "flip") ?? legal[0]!;
  if (view.drawnFrom) {
    const swapChance = options.swapChance ?? 1;
    if (faceDown.length > 0 && rng() < swapChance) return { type: "swap", position: faceDown[0]! };
    const drawn = view.drawn;
    if (drawn && ["A", "2", "K", "JK"].includes(drawn.rank)) {
      const worst = me.cards.findIndex((slot) => slot.card && ["10", "J", "Q", "9", "8"].includes(slot.card.rank));
      if (worst >= 0) return { type: "swap", position: worst };
    }
    return find("discard") ?? find("cancelDraw") ?? legal[0]!;
  }
  if (rng() < 0.5 && find("knock")) return find("knock")!;
  return legal.find((command) => command.type === "draw" && command.source === "deck") ?? legal[0]!;
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
}

let botCounter = 0;

/**
 * One client of the real server: a seat (or a spectator). Keeps every message it receives, in order,
 * and every raw frame. With autoplay on it plays its seat from the synchronized state, one action at
 * a time: each with a unique rid, the next only after that one's event or error came back.
 */
export class Bot {
  readonly client: RecordingClient;
  room!: Room;
  welcome?: Welcome;
  readonly messages: { type: string | number; message: unknown }[] = [];
  readonly events: EventMessage[] = [];
  readonly errors: ErrorMessage[] = [];
  /** Errors answering this bot's own autoplay moves (a correct bot gets none). */
  readonly moveErrors: ErrorMessage[] = [];
  /** Close codes of the room connection (leave or drop), and transport errors. */
  readonly closes: { code: number; reason?: string; kind: "leave" | "drop" | "error" }[] = [];
  readonly id = ++botCounter;
  moves = 0;
  private autoplay: boolean;
  private readonly rng: Rng;
  private readonly policy: PolicyOptions;
  private readonly replyTimeoutMs: number;
  private ridCounter = 0;
  private busy = false;
  private readonly maxRate: number;
  private allowance = 10;
  private allowanceAt = Date.now();
  private readonly waiting = new Map<string | number, (reply: Reply) => void>();
  private readonly listeners = new Set<() => void>();

  private constructor(
    readonly url: string,
    readonly name: string,
    options: BotOptions,
  ) {
    this.client = new RecordingClient(url);
    this.client.onRoom = (room) => this.attach(room);
    this.autoplay = options.autoplay ?? true;
    this.rng = seededRng(options.seed ?? this.id * 7919);
    this.policy = options.policy ?? {};
    this.replyTimeoutMs = options.replyTimeoutMs ?? 30_000;
    this.maxRate = options.maxRate ?? 25;
  }

  static async create(url: string, options: Record<string, unknown> & { name: string }, bot: BotOptions = {}): Promise<Bot> {
    const b = new Bot(url, options.name, bot);
    await b.client.create("golf", options);
    return b.ready();
  }

  static async joinById(url: string, code: string, options: Record<string, unknown>, bot: BotOptions = {}): Promise<Bot> {
    const b = new Bot(url, String(options.name ?? "spectator"), { autoplay: !options.spectate, ...bot });
    await b.client.joinById(code, options);
    return b.ready();
  }

  static async joinOrCreate(url: string, options: Record<string, unknown> & { name: string }, bot: BotOptions = {}): Promise<Bot> {
    const b = new Bot(url, options.name, bot);
    await b.client.joinOrCreate("golf", options);
    return b.ready();
  }

  private attach(room: Room): void {
    this.room = room;
    room.onMessage("*", (type: string | number, message: unknown) => this.receive(type, message));
    room.onStateChange(() => this.changed());
    const closed = (kind: "leave" | "drop" | "error") => (code: number, reason?: string) => {
      this.closes.push({ code, reason, kind });
      this.changed();
    };
    room.onLeave(closed("leave"));
    room.onDrop(closed("drop"));
    room.onError(closed("error"));
  }

  private async ready(): Promise<Bot> {
    await this.until(() => this.welcome !== undefined && this.room.state !== undefined && stateOf(this.room).code !== undefined);
    this.changed();
    return this;
  }

  /** Our seat now: the one whose player id the welcome named (it moves when the start closes up the seats). */
  get seat(): number {
    if (!this.welcome || this.welcome.role !== "player") return -1;
    const seats = this.welcome.playerId && this.room?.state ? stateOf(this.room).seats : [];
    const found = seats.findIndex((seat) => seat.playerId === this.welcome!.playerId);
    return found >= 0 ? found : this.welcome.seat;
  }
  get token(): string {
    return this.welcome?.token ?? "";
  }
  get state(): SyncedState {
    return stateOf(this.room);
  }
  get frames(): Frame[] {
    return this.client.frames;
  }
  get code(): string {
    return this.welcome!.code;
  }

  private receive(type: string | number, message: unknown): void {
    this.messages.push({ type, message });
    if (type === "welcome") this.welcome = message as Welcome;
    else if (type === "event") {
      const e = message as EventMessage;
      this.events.push(e);
      if (e.rid !== undefined) this.settle(e.rid, { ok: true, event: e });
    } else if (type === "error") {
      const error = message as ErrorMessage;
      this.errors.push(error);
      if (error.rid !== undefined) this.settle(error.rid, { ok: false, error });
    }
    this.changed();
  }

  private settle(rid: string | number, reply: Reply): void {
    const resolve = this.waiting.get(rid);
    if (!resolve) return;
    this.waiting.delete(rid);
    resolve(reply);
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
    if (this.autoplay && !this.busy) setImmediate(() => void this.play());
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
    return `b${this.id}-${++this.ridCounter}`;
  }

  /** Waits until sending one more message keeps this client under its rate. */
  private async pace(): Promise<void> {
    for (;;) {
      const now = Date.now();
      this.allowance = Math.min(10, this.allowance + ((now - this.allowanceAt) / 1000) * this.maxRate);
      this.allowanceAt = now;
      if (this.allowance >= 1) {
        this.allowance -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - this.allowance) * 1000) / this.maxRate));
    }
  }

  /** Sends any message, paced under the rate limit; answers land in `errors` / `events`. */
  async send(type: string | number, payload?: unknown): Promise<void> {
    await this.pace();
    this.room.send(type as string, payload);
  }

  /** Sends an action with a fresh rid (paced under the rate limit); resolves with its first event, or its error. */
  async act(type: string, payload: Record<string, unknown> = {}): Promise<Reply> {
    await this.pace();
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
    this.autoplay = true;
    this.changed();
  }
  stopPlaying(): void {
    this.autoplay = false;
  }
  /** Resolves once the bot is not in the middle of an action. */
  async idle(): Promise<void> {
    await this.until(() => !this.busy, 30_000, "the bot to be idle");
  }

  /** The move the bot would make now, or null. */
  nextMove(): Command | null {
    const seat = this.seat;
    if (seat < 0 || !this.room.state) return null;
    const state = this.state;
    if (!state.seats[seat] || state.seats[seat]!.cards.length !== 6) return null;
    let policy = this.policy;
    if (policy.slowUntilReshuffle) {
      const deal = this.events.findLastIndex((e) => e.type === "holeStarted");
      const reshuffled = this.events.slice(deal + 1).some((e) => e.type === "reshuffled");
      if (!reshuffled) policy = { randomness: 0.05, swapChance: 0.03 };
    }
    return chooseMove(viewFromState(state, seat), this.rng, policy);
  }

  private async play(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.autoplay) {
        const move = this.nextMove();
        if (!move) break;
        const { type, ...payload } = move;
        const reply = await this.act(type, payload);
        this.moves++;
        if (!reply.ok) {
          this.moveErrors.push(reply.error);
          break;
        }
      }
    } finally {
      this.busy = false;
    }
  }

  async leave(): Promise<void> {
    this.autoplay = false;
    if (this.room?.connection?.isOpen) await this.room.leave(true);
  }
}

// --- the export ------------------------------------------------------------------------------

/** The finished game's export; waits out the moment between game over and the store marking it finished. */
export async function fetchExport(url: string, gameId: string, timeoutMs = 30_000): Promise<GolfExport> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${url}/api/games/${gameId}/export`);
    if (response.status === 200) return (await response.json()) as GolfExport;
    if (response.status !== 404 || Date.now() > deadline) throw new Error(`export of ${gameId}: HTTP ${response.status} ${await response.text()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The export's events as engine events. */
export function logOf(doc: GolfExport): GameEvent[] {
  return doc.events.map((e) => ({ type: e.type, seat: e.seat, data: e.data }) as GameEvent);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
