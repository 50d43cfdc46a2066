// GolfRoom: one game, as an actor. For every message: validate it (intake.ts, the contract), decide
// with the shared engine, commit the events to the store (commit.ts), apply them (evolve, mirror into
// the schema), then send each viewer its projection (replies.ts). The room holds no rule logic and no
// SQL; how a game is made, recovered or played again is in game-setup.ts, who sits where in
// seating.ts. Each node defines its own room class with its services (golfRoomFor).
import { matchMaker, Room, ServerError, type AuthContext, type Client } from "@colyseus/core";
import { StateView } from "@colyseus/schema";
import type pino from "pino";
import { randomUUID } from "node:crypto";
import { cpuNoise, EMPTY_STATE, evolve, fold, type Actor, type Command, type CpuTraits, type GameEvent, type GameState, type Rng } from "../../shared/golf/index.ts";
import { awayAfterTimeout, cpuMove, cpuStillDue, deadlineOnReturn, humansToAct, idleVerdict, nextHost, quickStartCpus, STAND_IN_STEPS, standInMove, tableAgenda, type CpuMoveDue, type QuickStartDue, type TablePresence, type TableSettings, type TurnClock, type TurnDeadline } from "../../shared/golf/table-policy.ts";
import { decideCommand, failedAppend, GameLog, MovePipeline, recordPatch, TaskQueue, toGameEvent, type Outcome, type Refusal } from "./commit.ts";
import { withGolfSerializer } from "./colyseus-internals.ts";
import { installIntake } from "./frame-guard.ts";
import { authorizeMatchmaking, createNextGame, NextGame, openGame, planGame, recoverGame, type RecoverOption, type TableOptions } from "./game-setup.ts";
import { FLOOD_CLOSE_CODE, HOLDING_MESSAGE, isGameAction, screenAction, screenUnknown, type Refused, type Viewer } from "./intake.ts";
import { MESSAGE_TYPES, type MessageType } from "../../shared/protocol/index.ts";
import { Listing } from "./listing.ts";
import { mirrorState } from "./mirror.ts";
import { releaseRoom } from "./owners.ts";
import { reply, sendEvents, sendSince, type Origin } from "./replies.ts";
import { newGolfState, type GolfStateSchema } from "./schema.ts";
import { Seating, type JoinAuth } from "./seating.ts";
import type { HostedGame, RoomServices } from "./services.ts";
import { RoomTimers } from "./timers.ts";

export { GAME_OVER } from "./game-setup.ts";

export const SPECTATOR_CAP = 100;

/** The golf room of one node: its services passed in, its matchmaking checked with its limits. */
export function golfRoomFor(services: RoomServices): typeof GolfRoom {
  return class NodeGolfRoom extends GolfRoom {
    constructor() {
      super(services);
    }
    static override onAuth(_token: string | undefined, options: unknown, context: AuthContext): Promise<true> {
      return authorizeMatchmaking(services.limits, options, context);
    }
  };
}

export class GolfRoom extends Room implements HostedGame {
  declare state: GolfStateSchema;
  private game!: GameState;
  private gameId = "";
  private code = "";
  private table: TableOptions = { isQuickPlay: false, isPrivate: false, cpuDelayMs: undefined, cpusToSeat: [] };
  private readonly services: RoomServices;
  private readonly seating: Seating;
  private readonly viewers: Map<string, Viewer>;
  private readonly gameLog: GameLog;
  /** Every state change runs through this queue, one at a time, in arrival order. */
  private readonly tasks: TaskQueue;
  /** Players' moves decided but not yet answered: see onAction. */
  private readonly moves = new MovePipeline();
  private readonly nextGame = new NextGame();
  private readonly listing: Listing;
  private timeouts = new Map<number, number>();
  private cpuRngs = new Map<number, Rng>();
  /** Listing writes after milestones, in order, off the action path (recordMilestones, record). */
  private records: Promise<void> = Promise.resolve();
  /** Every timer of the room (CPU pacing, turn, hole, lobby, listing): cleared when it goes. */
  private readonly timers = new RoomTimers((error) => this.onUncaughtException(error, "timer"));
  private lastHumanActionAt = Date.now();
  private cpuRetryAt = 0;
  private log_!: pino.Logger;
  private closing = false;
  /** Set when this node stopped hosting the game (another node runs it now). */
  private gaveUp = false;
  /** Set once the room counts in the golf_rooms gauge (a refused create never does). */
  private counted = false;
  /** The address that created this game, when it counts against ROOMS_PER_ADDRESS. */
  private owner: string | null = null;
  /** Set once a human took a seat here. */
  private seatedOnce = false;

  constructor(services: RoomServices) {
    super();
    this.services = services;
    this.seating = new Seating(services.store.tokens, () => this.gameId, () => this.game);
    this.viewers = this.seating.viewers;
    this.gameLog = new GameLog({ log: services.store.log, metrics: services.metrics, gameId: () => this.gameId, logger: () => this.log_, closing: () => this.closing });
    this.listing = new Listing(() => this.gameId, services.nodeId);
    this.tasks = new TaskQueue((error, what) => this.log_?.error({ err: error }, what));
  }

  // --- lifecycle -------------------------------------------------------------------------------

  /** Setting the state installs Colyseus's SchemaSerializer: ours instead (see colyseus-internals.ts). */
  override setSerializer(serializer: Parameters<Room["setSerializer"]>[0]): void {
    super.setSerializer(withGolfSerializer(serializer));
  }

  override async onCreate(options: Record<string, unknown>): Promise<void> {
    const { logger, rooms, cluster, metrics } = this.services;
    this.setState(newGolfState());
    // A game in progress outlives its connections (players come back with their token); the room
    // goes once the game is over and everyone has left (disposeWhenEmpty) or it is abandoned.
    this.autoDispose = false;
    this.setPatchRate(1000); // a safety net: every change pushes its patch at once (applyCommitted)
    const recover = options.__recover as RecoverOption | undefined;
    if (recover) {
      if (recover.secret !== this.services.recoverySecret) throw new ServerError(400, "BAD_OPTIONS: unknown option __recover");
      await this.recover(recover.gameId);
    } else {
      await this.createGame(options);
    }
    this.log_ = logger.child({ room: this.code, gameId: this.gameId });
    rooms.set(this.gameId, this);
    if (cluster) this.timers.every(() => this.updateListing(true), 5000);
    this.maxClients = this.game.tableSize + SPECTATOR_CAP;
    for (const type of MESSAGE_TYPES) this.onMessage(type, (client, payload) => this.onAction(client, type, payload));
    this.onMessage("*", (client, type, payload) => this.onUnknown(client, type, payload));
    metrics.rooms.inc();
    this.counted = true;
    // A recovered lobby with no human seated is not kept: abandoned as soon as the room is up.
    if (recover && this.game.phase === "lobby") this.timers.after(() => void this.enqueue(() => this.closeIfUnclaimed()), 0);
    this.afterChange();
    this.log_.info({ recovered: Boolean(recover), quickPlay: this.table.isQuickPlay }, "room created");
  }

  private async createGame(options: Record<string, unknown>): Promise<void> {
    const plan = planGame(options, this.services.defaultCpuDelayMs);
    this.table = plan.table;
    this.gameId = randomUUID();
    this.code = await openGame(this.services, this.gameId, plan);
    this.owner = plan.owner;
    this.roomId = this.code;
    this.game = EMPTY_STATE;
    const committed = await this.gameLog.append([plan.created], 0);
    if (!committed.ok) throw new ServerError(503, `UNAVAILABLE: ${failedAppend(committed.error).refusal.message}`);
    this.game = evolve(EMPTY_STATE, plan.created);
    this.mirror();
    if (this.table.isPrivate) await this.setPrivate(true);
    // A lobby nobody takes a seat in goes away: its creator had the seat reservation's time (a
    // table asked for by playAgain waits longer, for its players to follow).
    const { reconnectSeconds, unclaimedLobbyMs } = this.services;
    const claimMs = plan.forPlayAgain ? reconnectSeconds * 1000 : (unclaimedLobbyMs ?? (this.seatReservationTimeout + 5) * 1000);
    this.timers.after(() => void this.enqueue(() => (this.seatedOnce ? Promise.resolve() : this.closeIfUnclaimed())), claimMs);
  }

  /** A lobby with no human seated is abandoned and closed. */
  private async closeIfUnclaimed(): Promise<void> {
    if (this.closing || this.game.phase !== "lobby" || this.game.seats.some((seat) => seat.kind === "human")) return;
    this.log_?.info("nobody took a seat: abandoned");
    await this.apply("system", { type: "abandon" });
    // Not awaited: disposal waits for this room's queue, which this task is part of.
    void this.disconnect();
  }

  /** Brings an unfinished game back from its log: same code, same seats, same tokens. */
  private async recover(gameId: string): Promise<void> {
    this.gameId = gameId;
    const recovered = await recoverGame(this.services, gameId);
    this.code = recovered.code;
    this.roomId = recovered.code;
    this.table = recovered.table;
    this.game = recovered.game;
    // Its players are not connected yet: the clock keeps their seats until they rejoin.
    this.game.seats.forEach((seat, index) => {
      if (seat.kind === "human") this.seating.markGone(index);
    });
    if (this.game.phase !== "lobby") await this.setPrivate(true);
    this.mirror();
    // Its players get the usual reconnection window; after it a CPU plays for whoever is still away.
    this.timers.after(() => {
      void this.enqueue(async () => {
        for (const seat of this.seating.goneSeats()) {
          const player = this.game.seats[seat];
          if (player && !player.away && this.game.phase !== "lobby" && this.game.phase !== "gameOver") await this.apply(seat, { type: "setAway", away: true });
        }
        await this.passHostIfGone();
        this.afterChange();
      });
    }, this.services.reconnectSeconds * 1000);
  }

  override onAuth(_client: Client, rawOptions: unknown): Promise<JoinAuth> {
    return this.seating.admit(rawOptions, this.game);
  }

  override onJoin(client: Client, rawOptions: unknown, auth: JoinAuth): Promise<void> {
    this.services.metrics.clients.inc();
    const requested = (rawOptions as { sinceSeq?: unknown } | undefined)?.sinceSeq;
    return this.enqueue(async () => {
      // A client that asks for nothing gets the events of its own join (its seat, the CPUs seated after it).
      const seqBefore = this.game.seq;
      const sinceSeq = typeof requested === "number" && Number.isInteger(requested) && requested >= 0 ? requested : seqBefore;
      client.view = new StateView();
      const { seat, token, joined } =
        auth.kind === "join" ? await this.seatNewPlayer(auth.name) : auth.kind === "rejoin" ? { seat: auth.seat, token: auth.token, joined: [] } : { seat: -1, token: "", joined: [] };
      const viewer = this.seating.connect(client, seat, this.services.limits.messagesPerSecond, this.state);
      // playerId: the client finds its seat by it in the state, wherever the start puts the seat.
      const playerId = viewer.player ? (this.game.seats[seat]?.playerId ?? "") : "";
      reply(client, "welcome", { gameId: this.gameId, code: this.code, seat, role: viewer.role, token, playerId });
      await sendSince(client, viewer, sinceSeq, { firstSeq: seqBefore + 1, events: joined }, { log: this.services.store.log, gameId: this.gameId, upTo: this.game.seq, logger: this.log_ });
      if (seat >= 0) await this.seatReturned(seat);
      this.lastHumanActionAt = Date.now();
      this.afterChange();
    });
  }

  /**
   * A new player takes a free seat, named by an id the log records and a token that names that id;
   * the creator's CPUs sit down after the first. Seat -1 when the last seat went to someone else
   * first: the client watches instead.
   */
  private async seatNewPlayer(name: string): Promise<{ seat: number; token: string; joined: GameEvent[] }> {
    const playerId = randomUUID();
    const outcome = await this.apply("system", { type: "join", name, playerId });
    if (!outcome.ok) return { seat: -1, token: "", joined: [] };
    const joined = [...outcome.events];
    this.seatedOnce = true;
    const token = await this.seating.issueToken(playerId).catch((error: unknown) => {
      this.log_.warn({ err: error }, "seat token not stored");
      return "";
    });
    const cpus = this.table.cpusToSeat;
    this.table.cpusToSeat = [];
    for (const profile of cpus) {
      const added = await this.apply("system", { type: "addCpu", profile });
      if (added.ok) joined.push(...added.events);
    }
    return { seat: outcome.events[0]!.seat!, token, joined };
  }

  /** A returning player: connected again, back from away (unless conceded), timer extended. */
  private async seatReturned(seat: number): Promise<void> {
    const wasDisconnected = this.seating.markBack(seat);
    const player = this.game.seats[seat];
    if (player && player.away && !player.conceded) await this.apply(seat, { type: "setAway", away: false });
    this.timeouts.delete(seat);
    if (wasDisconnected) this.extendTurnOnReturn(seat);
  }

  override async onDrop(client: Client): Promise<void> {
    const viewer = this.viewers.get(client.sessionId);
    if (!viewer || viewer.seat < 0 || this.game.phase === "lobby" || this.game.phase === "gameOver") return;
    await this.enqueue(async () => {
      if (this.seating.holds(viewer.player, client)) {
        this.seating.markGone(viewer.seat);
        this.afterChange();
      }
    });
    try {
      await this.allowReconnection(client, this.services.reconnectSeconds);
    } catch {
      // The window passed: the seat stays theirs, played by a CPU while away (see onLeave).
    }
  }

  override async onReconnect(client: Client): Promise<void> {
    const viewer = this.viewers.get(client.sessionId);
    if (!viewer || viewer.seat < 0) return;
    await this.enqueue(async () => {
      this.seating.reconnect(viewer, client);
      await this.seatReturned(viewer.seat);
      this.afterChange();
    });
  }

  override async onLeave(client: Client): Promise<void> {
    this.services.metrics.clients.dec();
    const viewer = this.viewers.get(client.sessionId);
    this.viewers.delete(client.sessionId);
    if (!viewer || !viewer.player) {
      if (!this.closing) this.enqueue(async () => this.afterChange());
      return;
    }
    await this.enqueue(async () => {
      if (!this.seating.holds(viewer.player, client)) return; // a newer connection holds the seat
      const seat = viewer.seat;
      this.seating.release(viewer.player);
      if (this.closing) return;
      if (this.game.phase === "lobby") {
        const playerId = this.game.seats[seat]?.playerId ?? "";
        // Once the seat is freed its player id names no seat: the token opens nothing.
        if ((await this.apply(seat, { type: "leave" })).ok) await this.seating.forgetTokens(playerId, seat);
      } else if (this.game.phase !== "gameOver" && seat >= 0) {
        this.seating.markGone(seat);
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
    const { cluster, rooms, metrics } = this.services;
    if (this.counted) metrics.rooms.dec();
    // A game leaving for another node (a drain, a cut-off) still holds its creator's place.
    if (!this.counted || this.game.phase === "gameOver" || (!cluster && !this.gaveUp)) void this.releaseOwner();
    await this.tasks.idle();
    await this.records;
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
      reply(viewer.client, "error", { code: "UNAVAILABLE", message: `${reason}: rejoin with your token` });
    }
    void this.disconnect(4001);
  }

  /** SIGTERM: stop taking actions, let in-flight ones commit, tell clients the node is going away. */
  override async onBeforeShutdown(): Promise<void> {
    this.closing = true;
    this.clearTimers();
    await this.tasks.idle();
    await this.records;
    const where = this.services.cluster && this.game.phase !== "gameOver" ? "this game is moving to another server" : "this server is going away";
    for (const client of this.clients) {
      reply(client, "error", { code: "UNAVAILABLE", message: `${where}: rejoin with your token in a moment` });
      client.leave(4001, "server shutting down");
    }
    await this.disconnect(4001);
  }

  /** An error thrown in a handler is logged, never let out into the connection. */
  override onUncaughtException(error: unknown, method: string): void {
    // Join refusals (BAD_TOKEN, BAD_OPTIONS, ...) come through here too: they are answers, not faults.
    const cause = (error as { cause?: unknown }).cause ?? error;
    if (cause instanceof ServerError && cause.code < 500) this.log_?.debug({ method, message: cause.message }, "refused");
    else this.log_?.error({ err: error, method }, "uncaught error in the room");
  }

  // --- messages --------------------------------------------------------------------------------

  static {
    installIntake<GolfRoom>(GolfRoom, {
      floodLimit: (room) => room.services.limits.floodMessagesPerSecond,
      onFlood: (room, client) => room.cutOff(client),
      onUnreadable: (_room, client) => client.send("error", { code: "BAD_MESSAGE", message: "the message could not be decoded (malformed msgpack)" }),
      onData: (room, client, type, payload) => (isGameAction(type) ? room.onAction(client, type, payload) : room.onUnknown(client, type, payload)),
    });
  }

  /** A client far over its rate: closed with FLOOD_CLOSE_CODE. A player's seat is kept, as for a dropped connection. */
  private cutOff(client: Client): void {
    this.log_?.warn({ sessionId: client.sessionId, limit: this.services.limits.floodMessagesPerSecond }, "client cut off: message flood");
    this.services.metrics.actions.inc({ type: "flood", outcome: "DISCONNECTED" });
    client.leave(FLOOD_CLOSE_CODE, "too many messages");
  }

  private onUnknown(client: Client, type: unknown, payload: unknown): void {
    const { rateLimited, ...refused } = screenUnknown(this.viewers.get(client.sessionId), type, payload, this.services.limits.messagesPerSecond);
    if (!rateLimited) this.services.metrics.actions.inc({ type: "unknown", outcome: "UNKNOWN_MESSAGE" });
    reply(client, "error", { ...refused });
  }

  private refuse(client: Client, refused: Refused): void {
    this.services.metrics.actions.inc({ type: refused.action, outcome: refused.code });
    reply(client, "error", { ...refused });
  }

  /**
   * A game action: checked (intake.ts), then queued. A player's move is decided as soon as its turn
   * in the queue comes, against the state the moves still committing before it lead to
   * (MovePipeline), and its append sent at once; it is answered (applied and sent, or refused) in
   * order, after the moves before it. Other tasks wait until every move is answered (enqueue), so
   * they see `this.game` as the players do.
   */
  private onAction(client: Client, type: MessageType, payload: unknown): void {
    const receivedAt = performance.now();
    const table = { game: this.game, closing: this.closing, holding: this.gameLog.holding, messagesPerSecond: this.services.limits.messagesPerSecond };
    const screened = screenAction(table, this.viewers.get(client.sessionId), type, payload);
    if (screened.kind === "refused") return this.refuse(client, screened.refused);
    if (screened.kind === "playAgain") {
      void this.enqueue(() => this.playAgain(client, screened.rid));
      return;
    }
    const { seat, command, rid } = screened;
    this.tasks.enqueueMove(() => this.sendMove(seat, command, { client, rid, type, receivedAt }));
  }

  /** Decides a player's move and sends its append; returns how to answer it once the moves before it are. */
  private sendMove(seat: number, command: Command, move: Origin & { type: MessageType; receivedAt: number }): (() => Promise<void>) | null {
    const { client, rid, type } = move;
    // A move before this one has an unconfirmed commit: nothing is decided on top.
    if (this.gameLog.holding) {
      this.refuse(client, { code: "UNAVAILABLE", message: HOLDING_MESSAGE, action: type, rid });
      return null;
    }
    const base = this.moves.base(this.game);
    const decision = decideCommand(base, seat, command);
    if (!decision.ok) return async () => this.answerMove(seat, move, decision);
    this.moves.sent(decision.state);
    const committed = this.gameLog.append(decision.events, base.seq, recordPatch(decision.events, decision.state));
    return async () => {
      const answer = this.moves.answer(await committed, decision.events);
      if (answer.catchUp) void this.enqueue(() => this.resync());
      if (answer.outcome.ok) this.applyCommitted(decision.state, decision.events, { client, rid });
      this.answerMove(seat, move, answer.outcome);
    };
  }

  /** A move's answer: its refusal, or (it was applied and sent) what any action of a player means. */
  private answerMove(seat: number, move: Origin & { type: MessageType; receivedAt: number }, outcome: Outcome): void {
    const { metrics } = this.services;
    if (!outcome.ok) return this.refuse(move.client, { code: outcome.code, message: outcome.message, action: move.type, rid: move.rid });
    metrics.actions.inc({ type: move.type, outcome: "ok" });
    metrics.actionLatency.observe({ type: move.type }, (performance.now() - move.receivedAt) / 1000);
    // Any action brings an away player back and resets their timeouts.
    this.timeouts.delete(seat);
    this.lastHumanActionAt = Date.now();
    const player = this.game.seats[seat];
    if (player?.away && !player.conceded && !this.seating.isGone(seat)) {
      void this.enqueue(async () => {
        const now = this.game.seats[seat];
        if (now?.away && !now.conceded && !this.seating.isGone(seat)) await this.apply(seat, { type: "setAway", away: false });
        this.afterChange();
      });
    }
    this.afterChange();
  }

  /** Decides, commits, applies and sends one command. Nothing changes unless it commits. */
  private async apply(actor: Actor, command: Command, origin?: Origin): Promise<Outcome> {
    const decision = decideCommand(this.game, actor, command);
    if (!decision.ok) return decision;
    const committed = await this.gameLog.append(decision.events, this.game.seq, recordPatch(decision.events, decision.state));
    if (!committed.ok) return this.refusalFor(committed.error);
    this.applyCommitted(decision.state, decision.events, origin);
    return { ok: true, events: decision.events };
  }

  /** What a failed append means for the client; a room behind its log catches up first. */
  private refusalFor(error: unknown): Refusal {
    const failed = failedAppend(error);
    if (failed.catchUp) void this.enqueue(() => this.resync());
    return failed.refusal;
  }

  /**
   * Committed events become the game: the state mirrored and its patch pushed, each viewer sent its
   * projection of the events (`rid` to the sender only), the milestones recorded.
   */
  private applyCommitted(state: GameState, events: GameEvent[], origin?: Origin): void {
    this.game = state;
    this.mirror();
    sendEvents(this.viewers, events, this.game.seq - events.length + 1, () => this.broadcastPatch(), origin);
    this.recordMilestones(events);
  }

  /**
   * The log holds events this room has not applied (a conflict). Another node holding the game's
   * lease runs it: give it up. Otherwise (one node, or the lease is still this node's) nobody else
   * runs it: apply the log's events and go on from them.
   */
  private async resync(): Promise<void> {
    if (this.closing) return;
    const { cluster, store } = this.services;
    if (cluster && !(await cluster.acquire(this.gameId).catch(() => false))) {
      this.giveUp("another server is running this game now");
      return;
    }
    let stored;
    try {
      stored = await store.log.loadSince(this.gameId, this.game.seq);
    } catch (error) {
      this.log_?.warn({ err: error }, "could not catch up with the log; the next conflict retries");
      return;
    }
    if (stored.length === 0) return;
    this.log_?.warn({ from: this.game.seq + 1, events: stored.length }, "catching up with events this room had not applied");
    const events = stored.map(toGameEvent);
    this.applyCommitted(fold(events, this.game), events);
    this.afterChange();
  }

  private mirror(): void {
    this.state.code = this.code;
    this.state.gameId = this.gameId;
    mirrorState(this.state, this.game, this.tableExtras, this.mirrored);
    this.mirrored = this.game;
    // Each player's view follows the player's seat (it moves when the start closes up the seats).
    this.seating.followPlayers(this.state);
  }
  private readonly tableExtras = { connected: (seat: number) => this.seating.isConnected(seat) };
  /** The game state last mirrored into the schema (mirrorState skips the seats it left unchanged). */
  private mirrored: GameState | null = null;

  /**
   * What committed events mean beyond the state: the game's record itself was written with them
   * (recordPatch); a started game leaves the quick-play listing (a presence write, in order on a
   * chain of its own off the action path, which disposal and shutdown wait for); an ended game's
   * room goes once everyone has left.
   */
  private recordMilestones(events: GameEvent[]): void {
    for (const e of events) {
      if (e.type === "started") this.record("listing after started", () => this.setPrivate(true));
      else if (e.type === "gameEnded" || e.type === "abandoned") this.disposeWhenEmpty();
    }
  }

  /** Queues a write after the ones before it; a failure is logged. */
  private record(what: string, write: () => Promise<unknown>): void {
    this.records = this.records.then(write).then(
      () => undefined,
      (error) => this.log_?.warn({ err: error }, `${what}: not written`),
    );
  }

  /** A finished game's room goes away once everyone has left (at once if nobody is here). */
  private disposeWhenEmpty(): void {
    this.autoDispose = true;
    void this.releaseOwner();
    void this.services.cluster?.release(this.gameId, false);
    if (this.clients.length === 0 && this.viewers.size === 0) this.timers.after(() => void this.disconnect(), 0);
  }

  /** Gives the creator's place among its address's rooms back (once the game is over or gone). */
  private async releaseOwner(): Promise<void> {
    if (!this.gameId) return;
    await releaseRoom(matchMaker.presence, this.gameId).catch((error: unknown) => this.log_?.warn({ err: error }, "room owner not released"));
  }

  /** The next game of this table: created by the first request, its code sent to every player. */
  private async playAgain(client: Client, rid: string | number | undefined): Promise<void> {
    if (this.game.phase !== "gameOver") {
      reply(client, "error", { code: "WRONG_PHASE", message: "play again after the game is over", action: "playAgain", rid });
      return;
    }
    const next = await this.nextGame.code(() => createNextGame(this.game, this.table, this.owner));
    if (!next.ok) {
      reply(client, "error", { code: next.code, message: next.message, action: "playAgain", rid });
      return;
    }
    if (next.first) for (const seated of this.seating.playerClients()) if (seated !== client) reply(seated, "playAgain", { code: next.code });
    reply(client, "playAgain", { code: next.code, rid });
  }

  // --- table policy: the room schedules what shared/golf/table-policy.ts says is due -----------

  /** Who is at the table, as the table policy reads it. */
  private tablePresence(): TablePresence {
    return { seatsWithClient: this.seating.seatsWithClient(), lastHumanActionAt: this.lastHumanActionAt, cpuRetryAt: this.cpuRetryAt };
  }

  private tableSettings(): TableSettings {
    const { holeIntervalMs, lobbyIdleMs, abandonAfterMs } = this.services;
    return { quickPlay: this.table.isQuickPlay, cpuDelayMs: this.table.cpuDelayMs, holeIntervalMs, lobbyIdleMs, abandonAfterMs };
  }

  /** After every change: schedule what is due (CPUs, the turn timer, the next hole, quick start, idle checks); refresh the listing. */
  private afterChange(): void {
    if (this.closing) return;
    let spectators = 0;
    for (const viewer of this.viewers.values()) if (viewer.role === "spectator") spectators++;
    this.state.spectators = spectators;
    this.scheduleAgenda();
    this.updateListing();
    // Game changes were mirrored as they were applied; only connections change outside the engine.
    this.mirrorConnections();
    this.broadcastPatch();
  }

  private mirrorConnections(): void {
    this.state.seats.forEach((seat, index) => {
      const connected = seat.kind === "cpu" || this.seating.isConnected(index);
      if (seat.connected !== connected) seat.connected = connected;
    });
  }

  private scheduleAgenda(): void {
    const now = Date.now();
    const due = tableAgenda(this.game, this.tablePresence(), this.tableSettings(), now, (seat) => this.rngFor(seat));
    this.scheduleCpu(due.cpuMove, now);
    this.scheduleTurn(due.turn, now);
    this.scheduleNextHole(due.nextHole, now);
    this.scheduleQuickStart(due.quickStart, now);
    if (!this.timers.holds("idleCheck")) this.timers.everyIn("idleCheck", due.idleCheckEveryMs, () => void this.enqueue(() => this.checkIdle()));
  }

  /** The CPU move due replaces the one scheduled before (a move due now is queued at once). */
  private scheduleCpu(move: CpuMoveDue | null, now: number): void {
    this.timers.release("cpuMove");
    if (!move) return;
    const act = () => void this.enqueue(() => this.playCpu(move.seat, move.traits));
    if (move.at <= now) act();
    else this.timers.at("cpuMove", "", move.at, now, act);
  }

  private rngFor(seat: number): Rng {
    let rng = this.cpuRngs.get(seat);
    if (!rng) {
      // A stream of its own, derived from the seed: seeing a CPU's choices and pace reveals nothing of it.
      rng = cpuNoise(this.game, seat);
      this.cpuRngs.set(seat, rng);
    }
    return rng;
  }

  private async playCpu(seat: number, traits: CpuTraits): Promise<void> {
    if (this.closing || !cpuStillDue(this.game, seat)) return;
    const command = cpuMove(this.game, seat, traits, this.rngFor(seat));
    if (command) {
      const outcome = await this.apply(seat, command);
      if (!outcome.ok) {
        this.log_.error({ command, outcome }, "CPU move refused");
        this.cpuRetryAt = Date.now() + 1000;
      }
    }
    this.afterChange();
  }

  /** A turn timer already running for the same turn keeps its deadline. */
  private scheduleTurn(clock: TurnClock | null, now: number): void {
    if (!clock) this.stopTurnTimer();
    else if (!this.timers.holds("turn", clock.key)) this.startTurnTimer(clock, clock.key, now);
  }

  private startTurnTimer(deadline: TurnDeadline, key: string, now: number): void {
    const { endsAt } = deadline;
    this.state.turnEndsAt = endsAt;
    this.timers.at("turnWarning", key, deadline.warnAt, now, () => {
      for (const seat of humansToAct(this.game)) this.broadcast("timerWarning", { seat, endsAt });
    });
    this.timers.at("turn", key, endsAt, now, () => void this.enqueue(() => this.onTurnTimeout()));
  }

  private stopTurnTimer(): void {
    this.timers.release("turn");
    this.timers.release("turnWarning");
    this.state.turnEndsAt = 0;
  }

  /** A player back from a lost connection during their turn gets more time. */
  private extendTurnOnReturn(seat: number): void {
    const now = Date.now();
    const deadline = deadlineOnReturn(this.game, seat, this.state.turnEndsAt, now);
    if (deadline) this.startTurnTimer(deadline, this.timers.keyOf("turn"), now);
  }

  /** Time is up: the stand-in plays the turn (or the flips); two in a row and the seat goes away. */
  private async onTurnTimeout(): Promise<void> {
    this.timers.release("turn");
    for (const seat of humansToAct(this.game)) {
      const timedOut = (this.timeouts.get(seat) ?? 0) + 1;
      this.timeouts.set(seat, timedOut);
      for (let step = 0; step < STAND_IN_STEPS; step++) {
        const command = standInMove(this.game, seat, this.rngFor(seat));
        if (!command || !(await this.apply(seat, command)).ok) break;
      }
      if (awayAfterTimeout(this.game, seat, timedOut)) await this.apply(seat, { type: "setAway", away: true });
    }
    this.afterChange();
  }

  private scheduleNextHole(due: { at: number } | null, now: number): void {
    if (!due) this.timers.release("nextHole");
    else if (!this.timers.holds("nextHole")) {
      this.timers.at("nextHole", "", due.at, now, () => {
        this.timers.release("nextHole");
        void this.enqueue(async () => {
          if (this.game.phase === "holeOver") await this.apply("system", { type: "nextHole" });
          this.afterChange();
        });
      });
    }
  }

  /** A full quick-play table starts at once; one waiting for more players keeps its first deadline. */
  private scheduleQuickStart(due: QuickStartDue | null, now: number): void {
    if (!due) this.timers.release("quickStart");
    else if (due.now) void this.enqueue(() => this.startQuickPlay());
    else if (!this.timers.holds("quickStart")) this.timers.at("quickStart", "", due.at, now, () => void this.enqueue(() => this.startQuickPlay()));
  }

  private async startQuickPlay(): Promise<void> {
    this.timers.release("quickStart");
    if (this.game.phase !== "lobby") return;
    const cpus = quickStartCpus(this.game);
    for (let added = 0; added < cpus; added++) {
      if (!(await this.apply("system", { type: "addCpu" })).ok) break;
    }
    await this.apply("system", { type: "start" });
    this.afterChange();
  }

  private async checkIdle(): Promise<void> {
    const verdict = idleVerdict(this.game, this.tablePresence(), this.tableSettings(), Date.now());
    if (verdict === null) return;
    await this.apply("system", { type: "abandon" });
    if (verdict === "closeLobby") void this.disconnect(); // not awaited: disposal waits for this very queue
    else this.afterChange();
  }

  /** The host left (lobby) or is gone past the reconnection window: the next human takes over. */
  private async passHostIfGone(): Promise<void> {
    const next = nextHost(this.game, this.tablePresence());
    if (next !== null) await this.apply("system", { type: "setHost", seat: next });
  }

  private clearTimers(): void {
    this.timers.releaseSlots();
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** Runs `task` in the room's queue, once the players' moves before it are answered. */
  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    return this.tasks.enqueue(task);
  }

  /** Saves the room's listing when what it shows moved (`force`: even if not). */
  private updateListing(force = false): void {
    const update = this.listing.update(this.game, this.state.spectators, this.table.isPrivate, force);
    if (update) this.setMatchmaking(update).catch((error: unknown) => this.log_?.warn({ err: error }, "listing not updated"));
  }
}
