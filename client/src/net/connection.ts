// The one module that talks to Colyseus. Scenes open a GameLink and listen to it; they never touch
// the SDK. A link joins a `golf` room (create, quick play, join by code, spectate), keeps a plain
// snapshot of the synchronized state, hands on `event`, `error`, `timerWarning` and `playAgain`
// messages, and keeps the seat: a dropped socket is retried by the SDK (same session), and when
// that gives up, or the server restarted, the link rejoins by code with the seat token (and the
// last event seq it saw, so the server sends what it missed).
import { Client, type Room } from "@colyseus/sdk";
import { saveSeatTicket, seatTicket } from "../prefs.ts";
import { CLOSE_CODES, ROOM_NAME, type JoinFailureCode } from "../../../shared/protocol/room.ts";
import type { CreateOptionsInput, EventMessage, JoinOptionsInput, ServerMessages, Welcome } from "../../../shared/protocol/index.ts";
import { snapshotOf, type GolfSnapshot } from "./snapshot.ts";

/** connected · reconnecting (the SDK retries the same session) · rejoining (a new join with the
 *  seat token) · superseded (this seat was taken over by a newer window) · lost · closed (we left). */
export type LinkStatus = "connected" | "reconnecting" | "rejoining" | "superseded" | "lost" | "closed";

export type JoinHow =
  | { kind: "create"; options: CreateOptionsInput }
  | { kind: "quick"; name: string }
  | { kind: "join"; code: string; name: string; spectate?: boolean };

/** The join failures this client tells apart; anything else is NETWORK. */
const KNOWN_JOIN_FAILURES = ["BAD_OPTIONS", "BAD_TOKEN", "NOT_FOUND", "UNAVAILABLE", "UNAUTHORIZED", "BANNED"] as const satisfies readonly JoinFailureCode[];
export type JoinFailure = (typeof KNOWN_JOIN_FAILURES)[number] | "NETWORK";

export class JoinError extends Error {
  constructor(
    readonly code: JoinFailure,
    message: string,
  ) {
    super(message);
    this.name = "JoinError";
  }
}

/** Maps an SDK rejection to the protocol's join failure codes. */
function joinError(error: unknown): JoinError {
  const message = error instanceof Error ? error.message : String(error);
  for (const code of KNOWN_JOIN_FAILURES) {
    if (message.startsWith(code)) return new JoinError(code, message.slice(code.length).replace(/^[:\s-]+/, "") || code);
  }
  if (/not found/i.test(message)) return new JoinError("NOT_FOUND", "that game does not exist (or has finished)");
  return new JoinError("NETWORK", message || "the server cannot be reached");
}

interface LinkEvents extends ServerMessages {
  state: GolfSnapshot;
  status: LinkStatus;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function endpoint(): string {
  return (import.meta.env.VITE_GOLF_SERVER as string | undefined) || window.location.origin;
}

export class GameLink {
  private readonly client = new Client(endpoint());
  private room: Room | null = null;
  private readonly listeners = new Map<keyof LinkEvents, Set<(value: never) => void>>();
  private nextRid = 1;
  private leaving = false;

  welcome: Welcome | null = null;
  snapshot: GolfSnapshot | null = null;
  status: LinkStatus = "connected";
  /** Every `event` message received, in seq order, without repeats. */
  readonly received: EventMessage[] = [];

  private constructor(private name: string) {}

  /** Joins a room (create, quick play or by code) and waits for its `welcome`. */
  static async open(how: JoinHow): Promise<GameLink> {
    const name = how.kind === "create" ? how.options.name : how.name;
    const link = new GameLink(name);
    let room: Room;
    try {
      if (how.kind === "create") room = await link.client.create(ROOM_NAME, how.options);
      else if (how.kind === "quick") room = await link.client.joinOrCreate(ROOM_NAME, { name } satisfies JoinOptionsInput);
      else {
        const ticket = how.spectate ? null : seatTicket(how.code);
        room = await link.client.joinById(how.code.toUpperCase(), {
          name,
          ...(ticket ? { token: ticket.token } : {}),
          ...(how.spectate ? { spectate: true } : {}),
          // From the start: the whole history (projected for us) fills the score sheet.
          sinceSeq: 0,
        } satisfies JoinOptionsInput);
      }
    } catch (error) {
      throw joinError(error);
    }
    link.attach(room);
    await link.waitForWelcome();
    return link;
  }

  on<K extends keyof LinkEvents>(kind: K, listener: (value: LinkEvents[K]) => void): () => void {
    let set = this.listeners.get(kind);
    if (!set) this.listeners.set(kind, (set = new Set()));
    set.add(listener as (value: never) => void);
    return () => set.delete(listener as (value: never) => void);
  }

  private emit<K extends keyof LinkEvents>(kind: K, value: LinkEvents[K]): void {
    for (const listener of this.listeners.get(kind) ?? []) (listener as (value: LinkEvents[K]) => void)(value);
  }

  private setStatus(status: LinkStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.emit("status", status);
  }

  get lastEventSeq(): number {
    return this.received.at(-1)?.seq ?? 0;
  }

  /** Sends a game action; returns its rid (the answer's `event`s or `error` echo it). */
  send(type: string, payload: Record<string, unknown> = {}): string {
    const rid = `r${this.nextRid++}`;
    this.room?.send(type, { ...payload, rid });
    return rid;
  }

  /** Leaves for good (back to the lobby). */
  leave(): void {
    this.leaving = true;
    this.setStatus("closed");
    const room = this.room;
    this.room = null;
    void room?.leave(true).catch(() => undefined);
  }

  /** Takes a seat back after another window took it over, or tries again after giving up. */
  retake(): void {
    if (this.status === "superseded" || this.status === "lost") void this.rejoin();
  }

  /** A spectator in a lobby with a free seat joins again as a player. */
  async takeSeat(): Promise<void> {
    if (!this.welcome) return;
    const code = this.welcome.code;
    const old = this.room;
    this.room = null;
    old?.removeAllListeners();
    await old?.leave(true).catch(() => undefined);
    try {
      const room = await this.client.joinById(code, { name: this.name, sinceSeq: this.lastEventSeq } satisfies JoinOptionsInput);
      this.attach(room);
      await this.waitForWelcome();
    } catch (error) {
      // Back to watching, if we can.
      await this.rejoin();
      throw joinError(error);
    }
  }

  private waitForWelcome(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new JoinError("UNAVAILABLE", "the game did not answer")), 10_000);
      const off = this.on("welcome", () => {
        clearTimeout(timer);
        off();
        resolve();
      });
    });
  }

  private attach(room: Room): void {
    this.room = room;
    // Retry the same session briefly (~15 s), then fall back to rejoining with the seat token.
    room.reconnection.maxRetries = 8;
    room.reconnection.minUptime = 1000;

    room.onMessage("welcome", (welcome: ServerMessages["welcome"]) => {
      this.welcome = welcome;
      if (welcome.role === "player" && welcome.token) saveSeatTicket(welcome.code, { token: welcome.token, gameId: welcome.gameId });
      this.emit("welcome", welcome);
    });
    room.onMessage("event", (event: ServerMessages["event"]) => {
      if (typeof event?.seq !== "number" || event.seq <= this.lastEventSeq) return; // a repeat after a rejoin
      this.received.push(event);
      this.emit("event", event);
    });
    room.onMessage("error", (error: ServerMessages["error"]) => this.emit("error", error));
    room.onMessage("timerWarning", (warning: ServerMessages["timerWarning"]) => this.emit("timerWarning", warning));
    room.onMessage("playAgain", (answer: ServerMessages["playAgain"]) => this.emit("playAgain", answer));
    room.onMessage("*", () => undefined); // anything newer than this client: ignore quietly

    room.onStateChange((state: unknown) => {
      if (room !== this.room) return;
      this.snapshot = snapshotOf(state as Record<string, unknown>);
      this.emit("state", this.snapshot);
    });
    room.onDrop(() => {
      if (room === this.room && !this.leaving) this.setStatus("reconnecting");
    });
    room.onReconnect(() => {
      if (room === this.room) this.setStatus("connected");
    });
    room.onLeave((code: number) => {
      if (room !== this.room || this.leaving) return;
      if (code === CLOSE_CODES.replaced) {
        // The server let us go on purpose: a newer connection took this seat, or the game is over.
        this.setStatus(this.snapshot?.phase === "gameOver" ? "closed" : "superseded");
        return;
      }
      void this.rejoin();
    });
    this.setStatus("connected");
  }

  /** A new join with the seat token (players) or as a spectator, until it works or cannot. */
  private async rejoin(): Promise<void> {
    const welcome = this.welcome;
    if (!welcome) {
      this.setStatus("lost");
      return;
    }
    this.room?.removeAllListeners();
    this.room = null;
    this.setStatus("rejoining");
    for (let attempt = 0; attempt < 40 && !this.leaving; attempt++) {
      try {
        const room = await this.client.joinById(welcome.code, {
          name: this.name,
          ...(welcome.role === "player" && welcome.token ? { token: welcome.token } : { spectate: true }),
          sinceSeq: this.lastEventSeq,
        } satisfies JoinOptionsInput);
        if (this.leaving) {
          void room.leave(true);
          return;
        }
        this.attach(room);
        return;
      } catch (error) {
        const failure = joinError(error);
        if (failure.code === "NOT_FOUND" || failure.code === "BAD_TOKEN" || failure.code === "BAD_OPTIONS") {
          this.setStatus("lost");
          return;
        }
      }
      await sleep(Math.min(500 * 2 ** attempt, 4000));
    }
    if (!this.leaving) this.setStatus("lost");
  }
}
