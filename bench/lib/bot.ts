// An SDK player for the benches: it takes a seat (create or join), then, once told to play, makes
// the move its chooser picks from the synchronized state whenever there is one, one action in
// flight at a time, each with a rid; the answer is the `event` or `error` echoing that rid. An
// error leaves the state as it was, so no patch will wake the player: it looks again after
// `retryMs` (RATE_LIMITED: the server's bucket has a token again by then at 30 messages a second).
import type net from "node:net";
import type { Client, Room } from "@colyseus/sdk";

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
}

export class Bot<State = unknown> {
  room!: Room;
  seat = -1;
  code = "";
  private inFlight: { rid: string; type: string; sentAt: number } | null = null;
  private count = 0;
  private playing = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly client: Client,
    readonly name: string,
    private readonly options: BotOptions<State>,
  ) {}

  get state(): State {
    return this.room.state as State;
  }

  /** Bytes read by this client's socket so far (raw WebSocket frames). */
  get bytesRead(): number {
    const socket = (this.room.connection.transport as unknown as { ws: { _socket?: net.Socket } }).ws._socket;
    return socket?.bytesRead ?? 0;
  }

  /** Joins through `join` and resolves once the room's `welcome` named this bot's seat. */
  async enter(join: (client: Client) => Promise<Room>): Promise<void> {
    this.room = await join(this.client);
    this.room.reconnection.enabled = false;
    const welcomed = new Promise<void>((resolve) => {
      this.room.onMessage("welcome", (message: { seat: number; code: string }) => {
        this.seat = message.seat;
        this.code = message.code;
        resolve();
      });
    });
    this.room.onMessage("event", (message: { rid?: string }) => this.answered(message.rid));
    this.room.onMessage("error", (message: { code: string; rid?: string }) => this.answered(message.rid, message.code));
    this.room.onMessage("*", () => undefined); // anything else: nothing to do
    this.room.onStateChange(() => this.drive());
    await welcomed;
  }

  /** The host's start: sends `start` and plays from then on. */
  start(): void {
    this.playing = true;
    this.send("start", {});
  }

  play(): void {
    this.playing = true;
    this.drive();
  }

  async leave(): Promise<void> {
    this.playing = false;
    if (this.retry) clearTimeout(this.retry);
    await this.room.leave(true).catch(() => undefined);
  }

  private answered(rid: string | undefined, error?: string): void {
    const inFlight = this.inFlight;
    if (!inFlight || rid !== inFlight.rid) return;
    this.inFlight = null;
    this.options.onAnswer?.({ type: inFlight.type, sentAt: inFlight.sentAt, latencyMs: performance.now() - inFlight.sentAt, error });
    if (error === undefined) return this.drive();
    this.retry ??= setTimeout(() => {
      this.retry = null;
      this.drive();
    }, this.options.retryMs ?? 34);
  }

  private drive(): void {
    if (!this.playing || this.inFlight || this.retry || this.seat < 0) return;
    const move = this.options.chooseMove(this.state, this.seat);
    if (move) this.send(move.type, move.payload);
  }

  private send(type: string, payload: Record<string, unknown>): void {
    const rid = String(++this.count);
    this.inFlight = { rid, type, sentAt: performance.now() };
    this.room.send(type, { ...payload, rid });
  }
}
