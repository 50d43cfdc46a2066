// GolfRoom: one game, as an actor. For every action: validate (zod), `decide` with the shared engine,
// append the events to the store and wait for the commit, `evolve`, mirror the state into the schema,
// then send each viewer its projection of the events. The room holds no rule logic and no SQL.
// Players' moves are pipelined: a move that arrives while earlier ones are still committing is
// decided at once against the state they lead to, and its append follows theirs (the store commits
// a game's appends in order, and together when they are queued together, as both players' initial
// flips usually are). Each move is still published only after its own commit, in order.
import { matchMaker, Room, SchemaSerializer, ServerError, type Client } from "@colyseus/core";
import { StateView } from "@colyseus/schema";
import type pino from "pino";
import {
  cpuCommand,
  cpuThinkMs,
  createdEvent,
  decide,
  EMPTY_STATE,
  evolve,
  findProfile,
  fold,
  mergeRules,
  mixSeed,
  projectEvent,
  seededRng,
  STANDARD_RULES,
  view,
  type Actor,
  type Command,
  type CpuTraits,
  type GameEvent,
  type GameState,
  type Rng,
} from "../../shared/golf/index.ts";
import type { Cluster } from "../cluster/cluster.ts";
import type { Limits } from "../limits.ts";
import type { NodeMetrics } from "../metrics.ts";
import { CodeTakenError, ConflictError, StoreUnavailableError, type EventStore, type SeatInfo, type StoredEvent } from "../store/index.ts";
import { hashToken, newJoinCode, newSeatToken, newSeed } from "./codes.ts";
import { commandFor, createOptionsSchema, describeIssues, joinOptionsSchema, MESSAGE_TYPES, messageSchemas, ridOf, type CreateOptions, type MessageType } from "./messages.ts";
import { guardFrames } from "./frame-guard.ts";
import { mirrorState } from "./mirror.ts";
import { GolfSerializer } from "./serializer.ts";
import { RoomTimers } from "./timers.ts";
import { newGolfState, type GolfStateSchema } from "./schema.ts";

/** What rooms need from their node; set once by the node before any room is created. */
export interface RoomServices {
  store: EventStore;
  metrics: NodeMetrics;
  logger: pino.Logger;
  nodeId: string;
  /** Guards the recovery option: only this process can ask a room to recover a game. */
  recoverySecret: string;
  holeIntervalMs: number;
  reconnectSeconds: number;
  lobbyIdleMs: number;
  abandonAfterMs: number;
  /** When set, the default CPU pacing of new rooms (tests and load tests use 0). */
  defaultCpuDelayMs?: number;
  /** Present when several nodes share Redis: leases decide which node runs a game. */
  cluster?: Cluster;
  /** The rooms of this node, by game id. */
  rooms: Map<string, GolfRoom>;
  /** Limits on abuse (server/limits.ts). */
  limits: Limits;
}

let services: RoomServices | null = null;
export function setRoomServices(value: RoomServices | null): void {
  services = value;
}
function deps(): RoomServices {
  if (!services) throw new Error("GolfRoom: the node has not set the room services");
  return services;
}

export const SPECTATOR_CAP = 100;
/** The contract asks for at least 30; 40 leaves a fast two-player table room for both players. */
const MESSAGES_PER_SECOND = 40;
const TIMER_WARNING_MS = 10_000;
const RECONNECT_BONUS_MS = 15_000;
/** A CPU plays an absent human's seat with this personality's traits. */
const STAND_IN = findProfile("Marcus")!.traits;

interface Viewer {
  /** Held from the start of the join: Colyseus lists a client in `clients` only after onJoin. */
  client: Client;
  seat: number;
  role: "player" | "spectator";
  /** A token bucket for the rate limit. */
  allowance: number;
  lastMessageAt: number;
}

interface JoinAuth {
  kind: "join" | "rejoin" | "spectator";
  seat: number;
  name: string;
  token: string;
}

interface RecoverOption {
  gameId: string;
  secret: string;
}

type Outcome = { ok: true; events: GameEvent[] } | { ok: false; code: string; message: string };
type Committed = { ok: true } | { ok: false; error: unknown };

/** The engine's decision on `state`; once the game is over, only the system's `abandon` is heard. */
function decideOn(state: GameState, actor: Actor, command: Command): { ok: true; state: GameState; events: GameEvent[] } | (Outcome & { ok: false }) {
  if (state.phase === "gameOver" && command.type !== "abandon") return { ok: false, code: "WRONG_PHASE", message: "the game is over" };
  const decision = decide(state, actor, command);
  return decision.ok ? decision : { ok: false, code: decision.error.code, message: decision.error.message };
}

/** A stored event as the engine's event. */
function toGameEvent(stored: StoredEvent): GameEvent {
  return { type: stored.type, seat: stored.seat, data: stored.data } as GameEvent;
}

export class GolfRoom extends Room {
  declare state: GolfStateSchema;
  private game!: GameState;
  private gameId = "";
  private code = "";
  private isQuickPlay = false;
  private isPrivate = false;
  private cpuDelayMs: number | undefined;
  /** CPUs seated right after the creator. */
  private cpusToSeat: (string | undefined)[] = [];
  private tokens = new Map<string, number>();
  private seatClients = new Map<number, Client>();
  private viewers = new Map<string, Viewer>();
  private disconnectedSeats = new Set<number>();
  private timeouts = new Map<number, number>();
  private cpuRngs = new Map<number, Rng>();
  /** Every state change runs through this chain, one at a time, in arrival order. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Players' moves decided but not yet published: see pipelineMove. */
  private pipeline = { head: null as GameState | null, pending: 0, broken: false, published: Promise.resolve() };
  /** Writes to the game's record, in order, off the action path (recordMilestones, record). */
  private records: Promise<void> = Promise.resolve();
  /** Every timer of the room (CPU pacing, turn, hole, lobby, listing): cleared when it goes. */
  private readonly timers = new RoomTimers((error) => this.onUncaughtException(error, "timer"));
  private cpuTimer: { clear(): void } | null = null;
  private turnTimer: { clear(): void } | null = null;
  private warningTimer: { clear(): void } | null = null;
  private holeTimer: { clear(): void } | null = null;
  private quickStartTimer: { clear(): void } | null = null;
  private idleTimer: { clear(): void } | null = null;
  private lastHumanActionAt = Date.now();
  private cpuRetryAt = 0;
  private log_!: pino.Logger;
  private closing = false;
  /** Set when this node stopped hosting the game (another node runs it now). */
  private gaveUp = false;

  // --- lifecycle -------------------------------------------------------------------------------

  /** Setting the state installs Colyseus's SchemaSerializer: ours instead (see serializer.ts). */
  override setSerializer(serializer: Parameters<Room["setSerializer"]>[0]): void {
    super.setSerializer(serializer instanceof SchemaSerializer && !(serializer instanceof GolfSerializer) ? new GolfSerializer() : serializer);
  }

  override async onCreate(options: Record<string, unknown>): Promise<void> {
    const { logger } = deps();
    this.setState(newGolfState());
    // A game in progress outlives its connections (players come back with their token); the room
    // goes once the game is over and everyone has left (disposeWhenEmpty) or it is abandoned.
    this.autoDispose = false;
    this.setPatchRate(1000); // a safety net: every change pushes its patch at once (publish)
    const recover = options.__recover as RecoverOption | undefined;
    if (recover) {
      if (recover.secret !== deps().recoverySecret) throw new ServerError(400, "BAD_OPTIONS: unknown option __recover");
      await this.recover(recover.gameId);
    } else {
      await this.createGame(options);
    }
    this.log_ = logger.child({ room: this.code, gameId: this.gameId });
    deps().rooms.set(this.gameId, this);
    if (deps().cluster) this.timers.every(() => this.updateListing(true), 5000);
    this.maxClients = this.game.tableSize + SPECTATOR_CAP;
    for (const type of MESSAGE_TYPES) this.onMessage(type, (client, payload) => this.onAction(client, type, payload));
    this.onMessage("*", (client, type, payload) => this.onUnknown(client, type, payload));
    deps().metrics.rooms.inc();
    this.afterChange();
    this.log_.info({ recovered: Boolean(recover), quickPlay: this.isQuickPlay }, "room created");
  }

  private async createGame(options: Record<string, unknown>): Promise<void> {
    const parsed = createOptionsSchema.safeParse(options);
    if (!parsed.success) throw new ServerError(400, `BAD_OPTIONS: ${describeIssues(parsed.error)}`);
    const settings: CreateOptions = parsed.data;
    // A game created with nothing but a name is a quick-play table (joinOrCreate with { name }).
    this.isQuickPlay = Object.keys(options).every((key) => ["name", "token", "spectate", "sinceSeq"].includes(key));
    this.isPrivate = settings.private ?? false;
    this.cpuDelayMs = settings.cpuDelayMs ?? deps().defaultCpuDelayMs;
    const tableSize = settings.seats ?? 4;
    const cpus = settings.cpus ?? 0;
    this.cpusToSeat = typeof cpus === "number" ? Array.from({ length: cpus }, () => undefined) : cpus;
    if (this.cpusToSeat.length > tableSize - 1) throw new ServerError(400, `BAD_OPTIONS: ${this.cpusToSeat.length} CPUs do not fit at a table of ${tableSize} with you`);
    const rules = mergeRules(STANDARD_RULES, settings.rules ?? {});
    const created = createdEvent({
      tableSize,
      rules,
      holes: settings.holes ?? 9,
      decks: settings.decks ?? null,
      turnSeconds: settings.turnSeconds ?? 30,
      seed: newSeed(),
    });
    this.gameId = crypto.randomUUID();
    // The lease comes before the game's row: a node adopts at once any unleased game of its own.
    await deps().cluster?.acquire(this.gameId);
    this.code = await this.reserveCode(created);
    this.roomId = this.code;
    this.game = EMPTY_STATE;
    const committed = await this.append([created], 0);
    if (!committed.ok) throw new ServerError(503, `UNAVAILABLE: ${this.failure(committed.error).message}`);
    this.game = evolve(EMPTY_STATE, created);
    this.mirror();
    if (this.isPrivate) await this.setPrivate(true);
  }

  /** Reserves a join code unique among unfinished games on every node (the store's index decides). */
  private async reserveCode(created: GameEvent): Promise<string> {
    const data = created.data as { rules: object; holes: number; decks: number | null; tableSize: number };
    for (let attempt = 0; attempt < 20; attempt++) {
      const code = newJoinCode();
      try {
        await deps().store.createGame({
          id: this.gameId,
          code,
          private: this.isPrivate,
          rules: data.rules as Record<string, unknown>,
          holes: data.holes,
          decks: data.decks,
          seats: Array.from({ length: data.tableSize }, () => ({ name: "", kind: "empty", profile: "" })),
          node: deps().nodeId,
        });
        return code;
      } catch (error) {
        if (error instanceof CodeTakenError) continue;
        if (error instanceof StoreUnavailableError) throw new ServerError(503, `UNAVAILABLE: ${error.message}`);
        throw error;
      }
    }
    throw new ServerError(503, "UNAVAILABLE: could not find a free join code");
  }

  /** Brings an unfinished game back from its log: same code, same seats, same tokens. */
  private async recover(gameId: string): Promise<void> {
    const { store } = deps();
    const { game: record, events } = await store.load(gameId);
    this.gameId = gameId;
    this.code = record.code;
    this.roomId = record.code;
    this.isPrivate = record.private;
    this.game = fold(events.map(toGameEvent));
    for (const { seat, tokenHash } of await store.seatTokens(gameId)) this.tokens.set(tokenHash, seat);
    // Its players are not connected yet: the clock keeps their seats until they rejoin.
    this.game.seats.forEach((seat, index) => {
      if (seat.kind === "human") this.disconnectedSeats.add(index);
    });
    this.cpuDelayMs = deps().defaultCpuDelayMs;
    if (this.game.phase !== "lobby") await this.setPrivate(true);
    await store.updateGame(gameId, { node: deps().nodeId });
    this.mirror();
    // Its players get the usual reconnection window; after it a CPU plays for whoever is still away.
    this.timers.after(() => {
      void this.enqueue(async () => {
        for (const seat of this.disconnectedSeats) {
          const player = this.game.seats[seat];
          if (player && !player.away && this.game.phase !== "lobby" && this.game.phase !== "gameOver") await this.apply(seat, { type: "setAway", away: true });
        }
        await this.passHostIfGone();
        this.afterChange();
      });
    }, deps().reconnectSeconds * 1000);
  }

  override async onAuth(_client: Client, rawOptions: unknown): Promise<JoinAuth> {
    const parsed = joinOptionsSchema.safeParse(rawOptions ?? {});
    if (!parsed.success) throw new ServerError(400, `BAD_OPTIONS: ${describeIssues(parsed.error)}`);
    const options = parsed.data;
    if (options.token) {
      const seat = await this.seatForToken(options.token);
      // A seat the game no longer has: a token stored before the start re-indexed the seats, when
      // the node stopped before it could write the new index (see reattachViews).
      const player = seat === null ? undefined : this.game.seats[seat];
      if (seat === null || !player || player.kind !== "human") throw new ServerError(401, "BAD_TOKEN: that token holds no seat in this game");
      return { kind: "rejoin", seat, name: player.name, token: options.token };
    }
    const hasFreeSeat = this.game.phase === "lobby" && this.game.seats.some((seat) => seat.kind === "empty");
    if (options.spectate || !hasFreeSeat) return { kind: "spectator", seat: -1, name: "", token: "" };
    const name = options.name?.trim() ?? "";
    if (name.length < 1 || name.length > 20 || /[\u0000-\u001f\u007f-\u009f]/.test(name)) {
      throw new ServerError(400, "BAD_OPTIONS: name must be 1-20 characters with no control characters");
    }
    return { kind: "join", seat: -1, name, token: "" };
  }

  private async seatForToken(token: string): Promise<number | null> {
    const hash = hashToken(token);
    const known = this.tokens.get(hash);
    if (known !== undefined) return known;
    const stored = await deps().store.seatForToken(this.gameId, hash).catch(() => null);
    if (stored !== null) this.tokens.set(hash, stored);
    return stored;
  }

  override onJoin(client: Client, rawOptions: unknown, auth: JoinAuth): Promise<void> {
    deps().metrics.clients.inc();
    const requested = (rawOptions as { sinceSeq?: unknown } | undefined)?.sinceSeq;
    return this.enqueue(async () => {
      // A client that asks for nothing gets the events of its own join (its seat, the CPUs seated after it).
      const seqBefore = this.game.seq;
      const sinceSeq = typeof requested === "number" && Number.isInteger(requested) && requested >= 0 ? requested : seqBefore;
      client.view = new StateView();
      let seat = -1;
      let token = "";
      /** The events this join committed (its seat, the CPUs seated after it), in seq order. */
      const joined: GameEvent[] = [];
      if (auth.kind === "join") {
        const outcome = await this.apply("system", { type: "join", name: auth.name });
        if (outcome.ok) {
          joined.push(...outcome.events);
          seat = outcome.events[0]!.seat!;
          token = newSeatToken();
          try {
            await deps().store.setSeatToken(this.gameId, seat, hashToken(token));
          } catch (error) {
            this.log_.warn({ err: error }, "seat token not stored");
            token = "";
          }
          this.tokens.set(hashToken(token), seat);
          if (this.cpusToSeat.length > 0) {
            const cpus = this.cpusToSeat;
            this.cpusToSeat = [];
            for (const profile of cpus) {
              const added = await this.apply("system", { type: "addCpu", profile });
              if (added.ok) joined.push(...added.events);
            }
          }
        }
        // The last seat went to someone else first: watch instead.
      } else if (auth.kind === "rejoin") {
        seat = auth.seat;
        token = auth.token;
        const previous = this.seatClients.get(seat);
        if (previous && previous !== client) {
          this.viewers.delete(previous.sessionId);
          previous.leave(4000, "this seat was taken over by a newer connection");
        }
      }
      this.viewers.set(client.sessionId, { client, seat, role: seat >= 0 ? "player" : "spectator", allowance: MESSAGES_PER_SECOND, lastMessageAt: Date.now() });
      if (seat >= 0) {
        this.seatClients.set(seat, client);
        this.attachView(client, seat);
      }
      this.reply(client, "welcome", { gameId: this.gameId, code: this.code, seat, role: seat >= 0 ? "player" : "spectator", token });
      await this.sendSince(client, sinceSeq, { firstSeq: seqBefore + 1, events: joined });
      if (seat >= 0) await this.seatReturned(seat);
      this.lastHumanActionAt = Date.now();
      this.afterChange();
    });
  }

  /** A returning player: connected again, back from away (unless conceded), timer extended. */
  private async seatReturned(seat: number): Promise<void> {
    const wasDisconnected = this.disconnectedSeats.delete(seat);
    const player = this.game.seats[seat];
    if (player && player.away && !player.conceded) await this.apply(seat, { type: "setAway", away: false });
    this.timeouts.delete(seat);
    if (wasDisconnected && this.state.turnEndsAt > 0 && this.isActing(seat)) this.startTurnTimer(this.state.turnEndsAt - Date.now() + RECONNECT_BONUS_MS);
  }

  private attachView(client: Client, seat: number): void {
    const seatSchema = this.state.seats[seat];
    if (!seatSchema || !client.view) return;
    client.view.add(seatSchema);
    client.view.add(seatSchema.drawn);
  }

  override async onDrop(client: Client): Promise<void> {
    const viewer = this.viewers.get(client.sessionId);
    if (!viewer || viewer.seat < 0 || this.game.phase === "lobby" || this.game.phase === "gameOver") return;
    const seat = viewer.seat;
    await this.enqueue(async () => {
      if (this.seatClients.get(seat) === client) {
        this.disconnectedSeats.add(seat);
        this.afterChange();
      }
    });
    try {
      await this.allowReconnection(client, deps().reconnectSeconds);
    } catch {
      // The window passed: the seat stays theirs, played by a CPU while away (see onLeave).
    }
  }

  override async onReconnect(client: Client): Promise<void> {
    const viewer = this.viewers.get(client.sessionId);
    if (!viewer || viewer.seat < 0) return;
    await this.enqueue(async () => {
      viewer.client = client;
      this.seatClients.set(viewer.seat, client);
      await this.seatReturned(viewer.seat);
      this.afterChange();
    });
  }

  override async onLeave(client: Client): Promise<void> {
    deps().metrics.clients.dec();
    const viewer = this.viewers.get(client.sessionId);
    this.viewers.delete(client.sessionId);
    if (!viewer || viewer.seat < 0) {
      if (!this.closing) this.enqueue(async () => this.afterChange());
      return;
    }
    const seat = viewer.seat;
    await this.enqueue(async () => {
      if (this.seatClients.get(seat) !== client) return; // a newer connection holds the seat
      this.seatClients.delete(seat);
      if (this.closing) return;
      if (this.game.phase === "lobby") {
        await this.apply(seat, { type: "leave" });
        this.tokens.forEach((tokenSeat, hash) => tokenSeat === seat && this.tokens.delete(hash));
        await deps().store.clearSeatToken(this.gameId, seat).catch(() => undefined);
      } else if (this.game.phase !== "gameOver") {
        this.disconnectedSeats.add(seat);
        const player = this.game.seats[seat]!;
        if (!player.away) await this.apply(seat, { type: "setAway", away: true });
      }
      await this.passHostIfGone();
      this.afterChange();
    });
  }

  override async onDispose(): Promise<void> {
    this.closing = true;
    this.clearTimers();
    this.timers.clearAll();
    deps().metrics.rooms.dec();
    await this.settled();
    await this.records;
    const { cluster, rooms } = deps();
    if (rooms.get(this.gameId) === this) rooms.delete(this.gameId);
    if (cluster && !this.gaveUp) {
      // An unfinished game leaving this node (a drain) is handed to another node at once. The
      // listing of this room is removed by now, so the next host's listing will not be deleted.
      const unfinished = this.game.phase !== "gameOver";
      await cluster.release(this.gameId, unfinished);
    }
    this.log_?.info("room disposed");
  }

  /** Another node runs this game now (this node was cut off): stop, and send the players there. */
  giveUp(reason: string): void {
    if (this.gaveUp) return;
    this.gaveUp = true;
    this.closing = true;
    this.clearTimers();
    this.log_.warn({ reason }, "giving the game up");
    for (const viewer of this.viewers.values()) {
      this.reply(viewer.client, "error", { code: "UNAVAILABLE", message: `${reason}: rejoin with your token` });
    }
    void this.disconnect(4001);
  }

  /** SIGTERM: stop taking actions, let in-flight ones commit, tell clients the node is going away. */
  override async onBeforeShutdown(): Promise<void> {
    this.closing = true;
    this.clearTimers();
    await this.settled();
    await this.records;
    const where = deps().cluster && this.game.phase !== "gameOver" ? "this game is moving to another server" : "this server is going away";
    for (const client of this.clients) {
      this.reply(client, "error", { code: "UNAVAILABLE", message: `${where}: rejoin with your token in a moment` });
      client.leave(4001, "server shutting down");
    }
    await this.disconnect(4001);
  }

  // --- actions ---------------------------------------------------------------------------------

  private onAction(client: Client, type: MessageType, payload: unknown): void {
    const receivedAt = performance.now();
    const rid = ridOf(payload);
    const viewer = this.viewers.get(client.sessionId);
    const refuse = (code: string, message: string) => {
      deps().metrics.actions.inc({ type, outcome: code });
      this.reply(client, "error", { code, message, action: type, rid });
    };
    if (!viewer) return refuse("WRONG_PHASE", "you have not joined yet");
    if (!this.takeAllowance(viewer)) return refuse("RATE_LIMITED", `at most ${MESSAGES_PER_SECOND} messages a second`);
    const parsed = messageSchemas[type].safeParse(payload ?? {});
    if (!parsed.success) return refuse("BAD_MESSAGE", describeIssues(parsed.error));
    if (viewer.role === "spectator") return refuse("SPECTATOR", "spectators cannot play: join a free seat from the lobby");
    if (this.game.seats[viewer.seat]?.conceded && type !== "playAgain") return refuse("ILLEGAL_MOVE", "you conceded: a CPU plays your seat to the end");
    if (this.closing) return refuse("UNAVAILABLE", "this server is going away: rejoin with your token in a moment");
    if (type === "playAgain") {
      void this.enqueue(() => this.playAgain(client, rid));
      return;
    }
    const command = commandFor(type, parsed.data as Record<string, unknown>);
    this.queue = this.queue.then(() => this.pipelineMove(viewer.seat, command, { client, rid, type, receivedAt })).catch((error) => this.log_?.error({ err: error }, "room task failed"));
  }

  /**
   * A player's move, its turn in the queue come: decided now, against the state the moves still
   * committing before it lead to (`pipeline.head`), its append sent now; answered (published, or
   * refused) in order, after the moves before it. Other tasks wait until every move is published
   * (enqueue), so they see `this.game` as the players do.
   */
  private pipelineMove(seat: number, command: Command, move: { client: Client; rid?: string | number; type: MessageType; receivedAt: number }): void {
    const { client, rid, type, receivedAt } = move;
    const base = this.pipeline.head ?? this.game;
    const decision = decideOn(base, seat, command);
    let committed: Promise<Committed> | null = null;
    if (decision.ok) {
      this.pipeline.head = decision.state;
      this.pipeline.pending++;
      committed = this.append(decision.events, base.seq);
    }
    this.pipeline.published = this.pipeline.published.then(async () => {
      let outcome: Outcome;
      if (!decision.ok) {
        outcome = decision;
      } else {
        const result = await committed!;
        outcome = this.settleMove(result, decision.events);
        if (outcome.ok) this.adopt(decision.state, decision.events, { client, rid });
      }
      deps().metrics.actions.inc({ type, outcome: outcome.ok ? "ok" : outcome.code });
      if (!outcome.ok) {
        this.reply(client, "error", { code: outcome.code, message: outcome.message, action: type, rid });
        return;
      }
      deps().metrics.actionLatency.observe({ type }, (performance.now() - receivedAt) / 1000);
      // Any action brings an away player back and resets their timeouts.
      this.timeouts.delete(seat);
      this.lastHumanActionAt = Date.now();
      const player = this.game.seats[seat];
      if (player?.away && !player.conceded && !this.disconnectedSeats.has(seat)) {
        void this.enqueue(async () => {
          const now = this.game.seats[seat];
          if (now?.away && !now.conceded && !this.disconnectedSeats.has(seat)) await this.apply(seat, { type: "setAway", away: false });
          this.afterChange();
        });
      }
      this.afterChange();
    }).catch((error) => this.log_?.error({ err: error }, "publishing a move failed"));
  }

  /**
   * The answer to a pipelined move's append, taken in order. After a move that failed, the moves
   * decided on top of it cannot commit (their expected seq is past the log's end): they fail too,
   * as "nothing was changed", not as another server's conflict; one that did commit means the move
   * before it was stored after all, unconfirmed, and this room's state is behind the log: give up
   * (the players rejoin and the game is recovered from its events).
   */
  private settleMove(result: Committed, events: GameEvent[]): Outcome {
    const pipeline = this.pipeline;
    pipeline.pending--;
    let outcome: Outcome;
    if (pipeline.broken) {
      if (result.ok) this.giveUp("a move this server could not confirm was stored after all");
      outcome = { ok: false, code: "UNAVAILABLE", message: "a move before this one was not saved: nothing was changed, try again" };
    } else if (!result.ok) {
      outcome = this.failure(result.error);
      pipeline.broken = pipeline.pending > 0;
    } else {
      outcome = { ok: true, events };
    }
    if (pipeline.pending === 0) {
      pipeline.head = null;
      pipeline.broken = false;
    }
    return outcome;
  }

  /**
   * Any message type without a handler. A message typed "*" itself reaches this handler with its
   * payload first (core calls "*" handlers that way); a type core could not read arrives as undefined.
   */
  private onUnknown(client: Client, type: unknown, payload: unknown): void {
    if (type !== null && typeof type === "object") {
      payload = type;
      type = "*";
    } else if (typeof type !== "string" && typeof type !== "number") {
      type = "";
    }
    const name = String(type).slice(0, 40);
    const viewer = this.viewers.get(client.sessionId);
    if (viewer && !this.takeAllowance(viewer)) {
      this.reply(client, "error", { code: "RATE_LIMITED", message: `at most ${MESSAGES_PER_SECOND} messages a second`, action: name, rid: ridOf(payload) });
      return;
    }
    deps().metrics.actions.inc({ type: "unknown", outcome: "UNKNOWN_MESSAGE" });
    this.reply(client, "error", { code: "UNKNOWN_MESSAGE", message: `unknown message type ${name}`, action: name, rid: ridOf(payload) });
  }

  /** An error thrown in a handler is logged, never let out into the connection. */
  override onUncaughtException(error: unknown, method: string): void {
    // Join refusals (BAD_TOKEN, BAD_OPTIONS, ...) come through here too: they are answers, not faults.
    const cause = (error as { cause?: unknown }).cause ?? error;
    if (cause instanceof ServerError && cause.code < 500) this.log_?.debug({ method, message: cause.message }, "refused");
    else this.log_?.error({ err: error, method }, "uncaught error in the room");
  }

  private takeAllowance(viewer: Viewer): boolean {
    const now = Date.now();
    viewer.allowance = Math.min(MESSAGES_PER_SECOND, viewer.allowance + ((now - viewer.lastMessageAt) / 1000) * MESSAGES_PER_SECOND);
    viewer.lastMessageAt = now;
    if (viewer.allowance < 1) return false;
    viewer.allowance -= 1;
    return true;
  }

  /** Decides, commits, applies and publishes one command. Nothing changes unless it commits. */
  private async apply(actor: Actor, command: Command, origin?: { client: Client; rid?: string | number }): Promise<Outcome> {
    const decision = decideOn(this.game, actor, command);
    if (!decision.ok) return decision;
    const committed = await this.append(decision.events, this.game.seq);
    if (!committed.ok) return this.failure(committed.error);
    this.adopt(decision.state, decision.events, origin);
    return { ok: true, events: decision.events };
  }

  /** A committed decision becomes the game: its state mirrored and sent, its events projected, its milestones recorded. */
  private adopt(state: GameState, events: GameEvent[], origin?: { client: Client; rid?: string | number }): void {
    this.game = state;
    this.publish(events, origin);
    this.recordMilestones(events);
  }

  /** Appends events to the store after `expectedSeq`; resolves once they are committed (never rejects). */
  private async append(events: GameEvent[], expectedSeq: number): Promise<Committed> {
    const started = performance.now();
    try {
      await deps().store.append(
        this.gameId,
        events.map((e) => ({ type: e.type, seat: e.seat, data: e.data })),
        expectedSeq,
      );
    } catch (error) {
      this.log_?.warn({ err: error }, "append failed");
      return { ok: false, error };
    }
    deps().metrics.appendLatency.observe((performance.now() - started) / 1000);
    return { ok: true };
  }

  /** What a failed append means for the client. */
  private failure(error: unknown): Outcome & { ok: false } {
    if (error instanceof ConflictError && error.expectedSeq > 0) {
      // Someone else appended to this game: another node took it over. Never fork it.
      this.giveUp("another server is running this game now");
      return { ok: false, code: "UNAVAILABLE", message: "this game moved to another server: rejoin with your token" };
    }
    const message = error instanceof StoreUnavailableError ? "the database is unavailable: nothing was changed, try again" : `the move was not saved: ${(error as Error).message}`;
    return { ok: false, code: "UNAVAILABLE", message };
  }

  /** Pushes the new state, then each viewer's projection of the events (rid to the sender only). */
  private publish(events: GameEvent[], origin?: { client: Client; rid?: string | number }): void {
    this.mirror();
    const started = events.find((e) => e.type === "started");
    if (started) this.reattachViews((started.data as { order: number[] }).order);
    // The patch and the events leave in one write per client, not one per frame.
    const sockets = this.corkSockets();
    this.broadcastPatch();
    const firstSeq = this.game.seq - events.length + 1;
    for (const viewer of this.viewers.values()) {
      const client = viewer.client;
      const seen = viewer.seat >= 0 ? viewer.seat : "spectator";
      events.forEach((e, index) => {
        const message: Record<string, unknown> = { seq: firstSeq + index, ...projectEvent(e, seen) };
        if (origin?.rid !== undefined && origin.client === client) message.rid = origin.rid;
        client.send("event", message);
      });
    }
    for (const socket of sockets) socket.uncork();
  }

  /** Corks each viewer's TCP socket (the ws transport's `_socket`), so frames queue until uncorked. */
  private corkSockets(): { uncork(): void }[] {
    const sockets: { cork(): void; uncork(): void }[] = [];
    for (const viewer of this.viewers.values()) {
      const socket = (viewer.client as unknown as { ref?: { _socket?: { cork(): void; uncork(): void } } }).ref?._socket;
      if (socket) {
        socket.cork();
        sockets.push(socket);
      }
    }
    return sockets;
  }

  /** After `started` the seats are re-indexed (empty seats dropped): follow each player to its new index. */
  private reattachViews(order: number[]): void {
    const moved = new Map<number, Client>();
    const tokens = new Map<string, number>();
    const renumbered: { from: number; to: number }[] = [];
    const reseated: [number, Client][] = [];
    order.forEach((oldSeat, newSeat) => {
      const client = this.seatClients.get(oldSeat);
      if (client) moved.set(newSeat, client);
      if (client && newSeat !== oldSeat) reseated.push([newSeat, client]);
      this.tokens.forEach((seat, hash) => {
        if (seat !== oldSeat) return;
        tokens.set(hash, newSeat);
        if (newSeat !== oldSeat) renumbered.push({ from: oldSeat, to: newSeat });
      });
    });
    this.seatClients = moved;
    this.tokens = tokens;
    // A player whose index is unchanged keeps its view: it still holds the same seat's schema.
    for (const [seat, client] of reseated) {
      const viewer = this.viewers.get(client.sessionId);
      if (viewer) viewer.seat = seat;
      client.view = new StateView();
      this.attachView(client, seat);
    }
    // The stored tokens follow their players (nothing to write when no seat was empty).
    if (renumbered.length > 0) this.record("seat tokens renumbered", () => deps().store.renumberSeatTokens(this.gameId, renumbered));
  }

  private mirror(): void {
    this.state.code = this.code;
    this.state.gameId = this.gameId;
    mirrorState(this.state, this.game, this.tableExtras, this.mirrored);
    this.mirrored = this.game;
  }
  private readonly tableExtras = { connected: (seat: number) => this.seatClients.has(seat) && !this.disconnectedSeats.has(seat) };
  /** The game state last mirrored into the schema (mirrorState skips the seats it left unchanged). */
  private mirrored: GameState | null = null;

  /**
   * Brings the game's record (status, seats, rules, totals) up to date with committed events. The
   * events are the truth and are already stored, so these writes run in order on a chain of their
   * own, off the action path: the room's next action does not wait for them (at a burst of starts
   * they would queue behind each other on the pool). Disposal and shutdown wait for the chain.
   */
  private recordMilestones(events: GameEvent[]): void {
    const { store } = deps();
    for (const e of events) {
      // The values are read now, with the state the event produced.
      let write: (() => Promise<unknown>) | null = null;
      if (e.type === "started") {
        const seats = this.seatInfos();
        const decks = this.game.decks;
        write = async () => {
          await store.updateGame(this.gameId, { status: "running", seats, decks });
          await this.setPrivate(true);
        };
      } else if (e.type === "seatTaken" || e.type === "seatFreed") {
        const seats = this.seatInfos();
        write = () => store.updateGame(this.gameId, { seats });
      } else if (e.type === "gameEnded") {
        const { totals, winners } = e.data;
        write = async () => {
          await store.finish(this.gameId, { status: "finished", totals, winners });
          this.disposeWhenEmpty();
        };
      } else if (e.type === "abandoned") {
        write = async () => {
          await store.finish(this.gameId, { status: "abandoned" });
          this.disposeWhenEmpty();
        };
      } else if (e.type === "configured") {
        const update = { rules: this.game.rules as unknown as Record<string, unknown>, holes: this.game.holes, decks: this.game.decksChoice };
        write = () => store.updateGame(this.gameId, update);
      }
      if (write) this.record(`game record after ${e.type}`, write);
    }
  }

  /** Queues a write to the game's record after the ones before it; a failure is logged. */
  private record(what: string, write: () => Promise<unknown>): void {
    this.records = this.records.then(write).then(
      () => undefined,
      (error) => this.log_?.warn({ err: error }, `${what}: not written`),
    );
  }

  /** A finished game's room goes away once everyone has left (at once if nobody is here). */
  private disposeWhenEmpty(): void {
    this.autoDispose = true;
    void deps().cluster?.release(this.gameId, false);
    if (this.clients.length === 0 && this.viewers.size === 0) this.timers.after(() => void this.disconnect(), 0);
  }

  private seatInfos(): SeatInfo[] {
    return this.game.seats.map((seat) => ({ name: seat.name, kind: seat.kind, profile: seat.profile }));
  }

  private async playAgain(client: Client, rid: string | number | undefined): Promise<void> {
    if (this.game.phase !== "gameOver") {
      this.reply(client, "error", { code: "WRONG_PHASE", message: "play again after the game is over", action: "playAgain", rid });
      return;
    }
    const cpus = this.game.seats.filter((seat) => seat.kind === "cpu").map((seat) => seat.profile);
    const listing = await matchMaker.createRoom("golf", {
      name: this.game.seats.find((seat) => seat.kind === "human")?.name ?? "Host",
      seats: this.game.seats.length,
      cpus,
      rules: this.game.rules,
      holes: this.game.holes,
      decks: this.game.decksChoice ?? undefined,
      turnSeconds: this.game.turnSeconds,
      cpuDelayMs: this.cpuDelayMs,
      private: this.isPrivate,
      __playAgain: true,
    });
    const code = listing.roomId;
    for (const seated of this.seatClients.values()) if (seated !== client) this.reply(seated, "playAgain", { code });
    this.reply(client, "playAgain", { code, rid });
  }

  // --- timers, CPUs and absence ----------------------------------------------------------------

  private isCpuControlled(seat: number): boolean {
    const player = this.game.seats[seat];
    return !!player && (player.kind === "cpu" || player.away || player.conceded);
  }

  private isActing(seat: number): boolean {
    if (this.game.phase === "initialFlip") return !this.game.seats[seat]?.initialFlipDone;
    return (this.game.phase === "playing" || this.game.phase === "finalTurn") && this.game.turn === seat;
  }

  /** After every change: schedule the CPUs, the turn timer, the next hole, idle checks; refresh the listing. */
  private afterChange(): void {
    if (this.closing) return;
    let spectators = 0;
    for (const viewer of this.viewers.values()) if (viewer.role === "spectator") spectators++;
    this.state.spectators = spectators;
    this.scheduleCpu();
    this.scheduleTurnTimer();
    this.scheduleNextHole();
    this.scheduleQuickStart();
    this.scheduleIdleCheck();
    this.updateListing();
    // Game changes were mirrored as they were applied; only connections change outside the engine.
    this.mirrorConnections();
    this.broadcastPatch();
  }

  private mirrorConnections(): void {
    this.state.seats.forEach((seat, index) => {
      const connected = seat.kind === "cpu" || (this.seatClients.has(index) && !this.disconnectedSeats.has(index));
      if (seat.connected !== connected) seat.connected = connected;
    });
  }

  private scheduleCpu(): void {
    this.cpuTimer?.clear();
    this.cpuTimer = null;
    const actor = this.nextCpuActor();
    if (actor === null) return;
    const player = this.game.seats[actor]!;
    const traits = player.kind === "cpu" ? findProfile(player.profile)!.traits : STAND_IN;
    // After a refused or failed CPU move (the database away, say), wait before trying again.
    const delay = Math.max(cpuThinkMs(traits, this.rngFor(actor), this.cpuDelayMs), this.cpuRetryAt - Date.now());
    const act = () => void this.enqueue(() => this.playCpu(actor, traits));
    if (delay <= 0) act();
    else this.cpuTimer = this.timers.after(act, delay);
  }

  private nextCpuActor(): number | null {
    if (this.game.phase === "initialFlip") {
      const waiting = this.game.seats.findIndex((seat, index) => !seat.initialFlipDone && this.isCpuControlled(index));
      return waiting >= 0 ? waiting : null;
    }
    if ((this.game.phase === "playing" || this.game.phase === "finalTurn") && this.isCpuControlled(this.game.turn)) return this.game.turn;
    return null;
  }

  private rngFor(seat: number): Rng {
    let rng = this.cpuRngs.get(seat);
    if (!rng) {
      rng = seededRng(mixSeed(this.game.seed, seat, 0xc0ffee));
      this.cpuRngs.set(seat, rng);
    }
    return rng;
  }

  private async playCpu(seat: number, traits: CpuTraits): Promise<void> {
    if (this.closing || !this.isCpuControlled(seat) || !this.isActing(seat)) return;
    const command = cpuCommand(view(this.game, seat), traits, this.rngFor(seat));
    if (command) {
      const outcome = await this.apply(seat, command);
      if (!outcome.ok) {
        this.log_.error({ command, outcome }, "CPU move refused");
        this.cpuRetryAt = Date.now() + 1000;
      }
    }
    this.afterChange();
  }

  private humansToAct(): number[] {
    return this.game.seats.flatMap((seat, index) => (seat.kind === "human" && !this.isCpuControlled(index) && this.isActing(index) ? [index] : []));
  }

  private scheduleTurnTimer(): void {
    if (this.game.turnSeconds <= 0 || this.humansToAct().length === 0) {
      this.stopTurnTimer();
      return;
    }
    // One timer per turn, and one for a hole's initial flips (however many humans are still flipping).
    const key = `${this.game.phase}:${this.game.hole}:${this.game.turn}`;
    if (key === this.turnKey && this.turnTimer) return;
    this.turnKey = key;
    this.startTurnTimer(this.game.turnSeconds * 1000);
  }
  private turnKey = "";

  private startTurnTimer(ms: number): void {
    this.turnTimer?.clear();
    this.warningTimer?.clear();
    const endsAt = Date.now() + Math.max(0, ms);
    this.state.turnEndsAt = endsAt;
    this.warningTimer = this.timers.after(() => {
      for (const seat of this.humansToAct()) this.broadcast("timerWarning", { seat, endsAt });
    }, Math.max(0, ms - TIMER_WARNING_MS));
    this.turnTimer = this.timers.after(() => void this.enqueue(() => this.onTurnTimeout()), Math.max(0, ms));
  }

  private stopTurnTimer(): void {
    this.turnTimer?.clear();
    this.warningTimer?.clear();
    this.turnTimer = null;
    this.warningTimer = null;
    this.turnKey = "";
    this.state.turnEndsAt = 0;
  }

  /** Time is up: the CPU policy plays the turn (or the flips); two in a row and the seat goes away. */
  private async onTurnTimeout(): Promise<void> {
    this.turnTimer = null;
    this.turnKey = "";
    for (const seat of this.humansToAct()) {
      const timedOut = (this.timeouts.get(seat) ?? 0) + 1;
      this.timeouts.set(seat, timedOut);
      for (let step = 0; step < 4 && this.isActing(seat); step++) {
        const command = cpuCommand(view(this.game, seat), STAND_IN, this.rngFor(seat));
        if (!command || !(await this.apply(seat, command)).ok) break;
      }
      if (timedOut >= 2 && !this.game.seats[seat]!.away) await this.apply(seat, { type: "setAway", away: true });
    }
    this.afterChange();
  }

  private scheduleNextHole(): void {
    if (this.game.phase !== "holeOver") {
      this.holeTimer?.clear();
      this.holeTimer = null;
      return;
    }
    if (this.holeTimer) return;
    this.holeTimer = this.timers.after(() => {
      this.holeTimer = null;
      void this.enqueue(async () => {
        if (this.game.phase === "holeOver") await this.apply("system", { type: "nextHole" });
        this.afterChange();
      });
    }, deps().holeIntervalMs);
  }

  /** Quick play: start 15 s after the second human joins, or at once when the table is full. */
  private scheduleQuickStart(): void {
    if (!this.isQuickPlay || this.game.phase !== "lobby") {
      this.quickStartTimer?.clear();
      this.quickStartTimer = null;
      return;
    }
    const humans = this.game.seats.filter((seat) => seat.kind === "human").length;
    const full = this.game.seats.every((seat) => seat.kind !== "empty");
    if (full) {
      void this.enqueue(() => this.startQuickPlay());
    } else if (humans >= 2 && !this.quickStartTimer) {
      this.quickStartTimer = this.timers.after(() => void this.enqueue(() => this.startQuickPlay()), deps().holeIntervalMs);
    } else if (humans < 2) {
      this.quickStartTimer?.clear();
      this.quickStartTimer = null;
    }
  }

  private async startQuickPlay(): Promise<void> {
    this.quickStartTimer = null;
    if (this.game.phase !== "lobby") return;
    while (this.game.seats.some((seat) => seat.kind === "empty")) {
      if (!(await this.apply("system", { type: "addCpu" })).ok) break;
    }
    await this.apply("system", { type: "start" });
    this.afterChange();
  }

  /** Lobbies with no human for 5 minutes close; running games with no human action for 30 are abandoned. */
  private scheduleIdleCheck(): void {
    if (this.idleTimer) return;
    this.idleTimer = this.timers.every(() => {
      void this.enqueue(async () => {
        const { lobbyIdleMs, abandonAfterMs } = deps();
        const now = Date.now();
        if (this.game.phase === "lobby" && this.seatClients.size === 0 && now - this.lastHumanActionAt > lobbyIdleMs) {
          await this.apply("system", { type: "abandon" });
          await this.disconnect();
        } else if (this.game.phase !== "lobby" && this.game.phase !== "gameOver" && now - this.lastHumanActionAt > abandonAfterMs) {
          await this.apply("system", { type: "abandon" });
          this.afterChange();
        }
      });
    }, Math.min(60_000, deps().lobbyIdleMs));
  }

  /** The host left (lobby) or is gone past the reconnection window: the next human takes over. */
  private async passHostIfGone(): Promise<void> {
    const host = this.game.host;
    if (host >= 0 && this.seatClients.has(host)) return;
    const next = this.game.seats.findIndex((seat, index) => seat.kind === "human" && this.seatClients.has(index) && index !== host);
    if (next >= 0) await this.apply("system", { type: "setHost", seat: next });
  }

  private clearTimers(): void {
    for (const timer of [this.cpuTimer, this.turnTimer, this.warningTimer, this.holeTimer, this.quickStartTimer, this.idleTimer]) timer?.clear();
    this.cpuTimer = this.turnTimer = this.warningTimer = this.holeTimer = this.quickStartTimer = this.idleTimer = null;
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** Runs `task` in the room's queue, once the players' moves before it are published. */
  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => this.pipeline.published).then(task, task);
    this.queue = run.catch((error) => this.log_?.error({ err: error }, "room task failed"));
    return run;
  }

  /** Resolves once every task queued so far has run and every move is published. */
  private async settled(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.pipeline.published;
  }

  private reply(client: Client, type: string, message: Record<string, unknown>): void {
    if (message.rid === undefined) delete message.rid;
    client.send(type, message);
  }

  /**
   * Sends the events after `sinceSeq`, projected for this client, so a returning client misses
   * nothing. `inHand`: events the caller has just committed (from `firstSeq` on); when they cover
   * what is asked they are sent as they are, otherwise the events come from the store (the room
   * keeps no copy of its log: memory per game).
   */
  private async sendSince(client: Client, sinceSeq: number, inHand: { firstSeq: number; events: GameEvent[] }): Promise<void> {
    const upTo = this.game.seq;
    if (sinceSeq >= upTo) return;
    const viewer = this.viewers.get(client.sessionId);
    const seen = viewer && viewer.seat >= 0 ? viewer.seat : "spectator";
    if (sinceSeq >= inHand.firstSeq - 1 && inHand.firstSeq + inHand.events.length - 1 === upTo) {
      for (let seq = sinceSeq + 1; seq <= upTo; seq++) client.send("event", { seq, ...projectEvent(inHand.events[seq - inHand.firstSeq]!, seen) });
      return;
    }
    let missed: StoredEvent[];
    try {
      missed = await deps().store.loadSince(this.gameId, sinceSeq);
    } catch (error) {
      this.log_?.warn({ err: error }, "missed events not loaded");
      this.reply(client, "error", { code: "UNAVAILABLE", message: `the events after seq ${sinceSeq} could not be loaded: rejoin to get them` });
      return;
    }
    for (const stored of missed) {
      if (stored.seq > upTo) break;
      client.send("event", { seq: stored.seq, ...projectEvent(toGameEvent(stored), seen) });
    }
  }

  /** What the listing last said (phase, hole, players, spectators): it is saved only when this moves. */
  private lastListing = { phase: "", hole: -1, players: -1, spectators: -1 };
  /** `force` re-saves the listing even if unchanged (after a Redis restart the listings are gone). */
  private updateListing(force = false): void {
    let players = 0;
    for (const seat of this.game.seats) if (seat.kind !== "empty") players++;
    const last = this.lastListing;
    const { phase, hole } = this.game;
    const spectators = this.state.spectators;
    if (!force && last.phase === phase && last.hole === hole && last.players === players && last.spectators === spectators) return;
    this.lastListing = { phase, hole, players, spectators };
    const metadata = { gameId: this.gameId, phase, hole, holes: this.game.holes, players, spectators, node: deps().nodeId, private: this.isPrivate };
    const full = players === this.game.seats.length;
    this.setMatchmaking({ metadata, private: this.isPrivate || phase !== "lobby" || full }).catch((error: unknown) => this.log_?.warn({ err: error }, "listing not updated"));
  }

}

guardFrames(GolfRoom, (client) => client.send("error", { code: "BAD_MESSAGE", message: "the message could not be decoded (malformed msgpack)" }));
