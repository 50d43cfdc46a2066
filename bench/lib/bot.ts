// The one SDK player of the benches and the multi-node tests: it takes a seat (create, join, later
// rejoin, through any node), then, once told to play, makes the move its chooser picks from the
// synchronized state whenever there is one: one action in flight at a time, each with a rid, the
// answer being the `event` or `error` echoing that rid. A pace may put a pause before each move. An
// error leaves the state as it was, so no patch will wake the player: it looks again after
// `retryMs` (RATE_LIMITED: the server's bucket has a token again by then at 30 messages a second).
// What a caller records (latencies, every event shown, acknowledgements) is a layer over it: the
// `onAnswer` callback, or a subclass's hooks (bench/lib/audit-player.ts's Player records for an audit).
import type net from "node:net";
import type { Client, Room } from "@colyseus/sdk";
import type { ErrorMessage, EventMessage, Rid, Welcome } from "../../shared/protocol/index.ts";

export interface Move {
  type: string;
  payload: Record<string, unknown>;
}

/** The next move of `seat` from the state its client sees, or null when it has none to make. */
export type MoveChooser<State> = (state: State, seat: number) => Move | null;

/** What an action got back. */
export interface Answer {
  type: string;
  /** performance.now() when it was sent. */
  sentAt: number;
  latencyMs: number;
  /** The error code, when it was refused. */
  error?: string;
}

export interface BotOptions<State> {
  chooseMove: MoveChooser<State>;
  /** Called with every answer to one of this bot's actions. */
  onAnswer?: (answer: Answer) => void;
  /** How long after an error the bot looks again (default 34 ms). */
  retryMs?: number;
  /**
   * The pause in ms before the move the bot has found (default none: it goes out as soon as it may);
   * after that pause the bot looks again and asks again with `paused` true. A think time answers
   * `paused ? 0 : ms`; a rate limit answers how long until its bucket has a token (0: take it).
   */
  pace?: (paused: boolean) => number;
  /** The rid of the bot's n-th action (default "n"). */
  rid?: (n: number) => Rid;
  /**
   * Keep the SDK's own reconnection after a drop (default off: a bot reconnects only when told to);
   * the bot plays on once the SDK has the connection back.
   */
  sdkReconnection?: boolean;
  /** Drives on after an error answering its move: in `retryMs` (default), or only at the next change ("change"). */
  afterError?: "retry" | "change";
}

export class Bot<State = unknown> {
  room!: Room;
  /** The seat the last welcome named (-1 for a spectator). */
  welcomeSeat = -1;
  code = "";
  gameId = "";
  /** The seat's token, kept across connections. */
  token = "";
  welcome: Welcome | null = null;
  /** The current connection is open. */
  connected = false;
  /** Connections made so far (1 = the first). */
  connections = 0;
  inFlight: { rid: Rid; type: string; sentAt: number } | null = null;
  protected playing = false;
  private count = 0;
  /** The seat index `seat` found last. */
  private lastSeat = 0;
  /** A pause before the next move (thinking, or a retry after an error). */
  private timer: NodeJS.Timeout | null = null;

  constructor(
    public client: Client,
    readonly name: string,
    protected readonly options: BotOptions<State>,
  ) {}

  get state(): State {
    return this.room.state as State;
  }

  /**
   * Our seat now: the one whose player id the welcome named, looked up in the synchronized state, so
   * it follows us when the start closes up the seats (nothing renumbers it). The welcome's seat in a
   * game logged before player ids; -1 for a spectator.
   */
  get seat(): number {
    const playerId = this.welcome?.playerId;
    const seats = playerId ? (this.room?.state as { seats?: ArrayLike<{ playerId?: string }> } | undefined)?.seats : undefined;
    if (!seats) return this.welcomeSeat;
    // Read before every move: the seat found last time is checked first (seats move only at the start).
    if (seats[this.lastSeat]?.playerId === playerId) return this.lastSeat;
    for (let index = 0; index < seats.length; index++) {
      if (seats[index]!.playerId === playerId) return (this.lastSeat = index);
    }
    return this.welcomeSeat;
  }

  /** Bytes read by this client's socket so far (raw WebSocket frames). */
  get bytesRead(): number {
    const socket = (this.room.connection.transport as unknown as { ws: { _socket?: net.Socket } }).ws._socket;
    return socket?.bytesRead ?? 0;
  }

  /**
   * Joins through `join` (the SDK's reconnection off unless `sdkReconnection`) and resolves once the
   * connection is ready (see `ready`).
   */
  async enter(join: (client: Client) => Promise<Room>): Promise<void> {
    const room = await join(this.client);
    const connection = ++this.connections;
    this.room = room;
    this.connected = true;
    this.welcome = null;
    this.inFlight = null;
    if (!this.options.sdkReconnection) room.reconnection.enabled = false;
    let welcomed!: () => void;
    const welcome = new Promise<void>((resolve) => (welcomed = resolve));
    room.onMessage("welcome", (message: Welcome) => {
      if (this.room !== room) return;
      this.welcome = message;
      this.welcomeSeat = message.seat;
      this.code = message.code;
      this.gameId = message.gameId;
      this.token = message.token || this.token;
      this.onWelcome(message);
      welcomed();
      this.changed();
    });
    room.onMessage("event", (message: EventMessage) => {
      if (this.room !== room) return;
      this.onEvent(message, connection);
      this.takeAnswer(message.rid);
      this.changed();
    });
    room.onMessage("error", (message: ErrorMessage) => {
      if (this.room !== room) return;
      this.onError(message);
      this.takeAnswer(message.rid, message.code);
      this.changed();
    });
    room.onMessage("*", (type: string | number, message: unknown) => {
      if (this.room !== room) return;
      this.onOtherMessage(type, message);
      this.changed();
    });
    room.onStateChange(() => {
      if (this.room !== room) return;
      this.onState();
      this.drive();
      this.changed();
    });
    const closed = (code: number) => {
      if (this.room !== room || !this.connected) return;
      this.connected = false;
      const lost = this.inFlight;
      this.inFlight = null;
      this.onClosed(code, lost);
      this.changed();
    };
    room.onLeave(closed);
    room.onDrop(closed);
    room.onReconnect(() => {
      if (this.room !== room) return;
      this.connected = true;
      this.drive();
    });
    this.onAttach(room);
    await this.ready(welcome);
    this.drive();
  }

  /** The host's start: sends `start` and plays from then on. */
  start(): void {
    this.playing = true;
    this.sendAction("start", {});
  }

  play(): void {
    this.playing = true;
    this.drive();
  }

  pause(): void {
    this.playing = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  async leave(): Promise<void> {
    this.pause();
    if (this.connected) await this.room.leave(true).catch(() => undefined);
  }

  /** Sends an action with a fresh rid; its answer comes back through the hooks and `onAnswer`. */
  sendAction(type: string, payload: Record<string, unknown>): Rid {
    const rid = this.options.rid?.(++this.count) ?? String(++this.count);
    this.inFlight = { rid, type, sentAt: performance.now() };
    this.room.send(type, { ...payload, rid });
    return rid;
  }

  /** The move the chooser would make now, or null (not connected, not seated, nothing to do). */
  nextMove(): Move | null {
    if (!this.connected || !this.room.state) return null;
    const seat = this.moverSeat();
    return seat < 0 ? null : this.options.chooseMove(this.state, seat);
  }

  // --- hooks for a layer ---------------------------------------------------------------------------

  /** Resolves once the connection may be used: by default, once `welcome` came. */
  protected async ready(welcome: Promise<void>): Promise<void> {
    await welcome;
  }

  /** The seat the bot moves for (default: the one its welcome named). */
  protected moverSeat(): number {
    return this.seat;
  }

  /** The room of a new connection, its handlers set, before `ready`. */
  protected onAttach(_room: Room): void {}
  protected onWelcome(_message: Welcome): void {}
  /** Every event of this connection (the `connection`-th), before its rid is matched. */
  protected onEvent(_message: EventMessage, _connection: number): void {}
  protected onError(_message: ErrorMessage): void {}
  /** A state (full or patch) arrived on this connection, before the bot looks for a move. */
  protected onState(): void {}
  /** Any message but welcome, event and error. */
  protected onOtherMessage(_type: string | number, _message: unknown): void {}
  /** The connection closed (leave or drop), with the action that was in flight, if any. */
  protected onClosed(_code: number, _inFlight: { rid: Rid; type: string } | null): void {}
  /** After every message, state change and close. */
  protected changed(): void {}

  // --- playing -------------------------------------------------------------------------------------

  /** An answer to the action in flight (an event, error or other message with its rid): report it, then move on. */
  protected takeAnswer(rid: Rid | undefined, error?: string): void {
    const inFlight = this.inFlight;
    if (!inFlight || rid !== inFlight.rid) return;
    this.inFlight = null;
    this.options.onAnswer?.({ type: inFlight.type, sentAt: inFlight.sentAt, latencyMs: performance.now() - inFlight.sentAt, error });
    if (error === undefined) return this.drive();
    if (this.playing && this.options.afterError !== "change") this.timer ??= setTimeout(() => {
      this.timer = null;
      this.drive();
    }, this.options.retryMs ?? 34);
  }

  protected drive(paused = false): void {
    if (!this.playing || this.inFlight || this.timer || !this.connected) return;
    const move = this.nextMove();
    if (!move) return;
    const wait = this.options.pace?.(paused) ?? 0;
    if (wait <= 0) {
      this.sendAction(move.type, move.payload);
      return;
    }
    // After the pause the state may have moved on: look again.
    this.timer = setTimeout(() => {
      this.timer = null;
      this.drive(true);
    }, wait);
  }
}
