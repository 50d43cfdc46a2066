// GolfRoom: one game, as an actor. For every message: validate it (intake.ts), decide with the shared
// engine, commit the events (commit.ts), apply them (mirrored into the schema), send each viewer its
// projection (replies.ts). No rules, no SQL: a new, recovered or next game is game-setup.ts's; who
// comes, goes and sits where attendance.ts's and seating.ts's; what the table policy says is due
// table-scheduler.ts's; the node's registry, lease and creator's place hosting.ts's (docs/server.md).
import { Room, ServerError, type AuthContext, type Client } from "@colyseus/core";
import type pino from "pino";
import { randomUUID } from "node:crypto";
import { returnsFromAway, type Actor, type Command, type GameEvent, type GameState } from "../../shared/golf/index.ts";
import { MESSAGE_TYPES, type MessageType } from "../../shared/protocol/index.ts";
import { Attendance } from "./attendance.ts";
import { catchUpWithLog, decideCommand, failedAppend, GameLog, MovePipeline, recordPatch, TaskQueue, type Outcome, type Refusal } from "./commit.ts";
import { withGolfSerializer } from "./colyseus-internals.ts";
import { installIntake } from "./frame-guard.ts";
import { authorizeMatchmaking, createGame, NextGame, recoverGame, type RecoverOption, type TableOptions } from "./game-setup.ts";
import { Hosting } from "./hosting.ts";
import { cutOff, HOLDING_MESSAGE, isGameAction, refuse, refuseUnknown, screenAction, type Viewer } from "./intake.ts";
import { Listing, ListingWrites } from "./listing.ts";
import { mirrorState } from "./mirror.ts";
import { reply, sendEvents, sendRejoin, type Origin } from "./replies.ts";
import { newGolfState, type GolfStateSchema } from "./schema.ts";
import { SeatRatings } from "./seat-ratings.ts";
import { Seating, type JoinAuth } from "./seating.ts";
import type { HostedGame, RoomServices } from "./services.ts";
import { TableScheduler } from "./table-scheduler.ts";

export { GAME_OVER } from "./game-setup.ts";

export const SPECTATOR_CAP = 100;

/** The golf room of one node: its services passed in, its matchmaking checked with its limits. */
export function golfRoomFor(services: RoomServices): typeof GolfRoom {
  return class NodeGolfRoom extends GolfRoom {
    constructor() {
      super(services);
    }
    static override onAuth(_token: string | undefined, options: unknown, context: AuthContext): Promise<true> {
      return authorizeMatchmaking(services.limits, services.accounts, options, context);
    }
  };
}

/** A player's move as it came in: its client and request id, its type and when it arrived. */
type Move = Origin & { type: MessageType; receivedAt: number };

export class GolfRoom extends Room implements HostedGame {
  declare state: GolfStateSchema;
  private game!: GameState;
  /** The game state last mirrored into the schema (mirrorState skips the seats it left unchanged). */
  private mirrored: GameState | null = null;
  private gameId = "";
  private code = "";
  private table: TableOptions = { isQuickPlay: false, isPrivate: false, cpuDelayMs: undefined, cpusToSeat: [] };
  /** The address that created this game, when it counts against ROOMS_PER_ADDRESS. */
  private owner: string | null = null;
  private log_!: pino.Logger;
  private closing = false;
  private readonly services: RoomServices;
  private readonly seating: Seating;
  private readonly viewers: ReadonlyMap<string, Viewer>;
  private readonly gameLog: GameLog;
  private readonly ratings: SeatRatings;
  /** Every state change runs through this queue, one at a time, in arrival order, once the players' moves before it are answered. */
  private readonly tasks: TaskQueue;
  /** Players' moves decided but not yet answered: see onAction. */
  private readonly moves = new MovePipeline();
  private readonly scheduler: TableScheduler;
  private readonly attendance: Attendance;
  private readonly hosting: Hosting;
  private readonly listing: Listing;
  private readonly listingWrites = new ListingWrites((error, what) => this.log_?.warn({ err: error }, `${what}: not written`));
  private readonly nextGame = new NextGame();

  constructor(services: RoomServices) {
    super();
    this.services = services;
    const gameId = () => this.gameId;
    const logger = () => this.log_;
    this.seating = new Seating(services.store.tokens, gameId, () => this.game);
    this.viewers = this.seating.viewers;
    this.gameLog = new GameLog({ log: services.store.log, metrics: services.metrics, gameId, logger, closing: () => this.closing });
    this.tasks = new TaskQueue((error, what) => this.log_?.error({ err: error }, what));
    this.ratings = new SeatRatings((userIds) => services.store.stats.ratingsFor(userIds));
    this.hosting = new Hosting(services, gameId, logger);
    this.listing = new Listing(gameId, services.nodeId);
    const { holeIntervalMs, lobbyIdleMs, abandonAfterMs } = services;
    const table = { game: () => this.game, closing: () => this.closing, apply: (actor: Actor, command: Command) => this.apply(actor, command), logger };
    const scheduled = {
      ...table,
      seatsWithClient: () => this.seating.seatsWithClient(),
      settings: () => ({ quickPlay: this.table.isQuickPlay, cpuDelayMs: this.table.cpuDelayMs, holeIntervalMs, lobbyIdleMs, abandonAfterMs }),
      run: (task: () => Promise<void | "quiet">) => this.tasks.enqueue(async () => this.changed(await task())),
      warn: (seat: number, endsAt: number) => this.broadcast("timerWarning", { seat, endsAt }),
      close: () => void this.disconnect(), // not awaited: disposal waits for this room's queue, which the caller is in
    };
    this.scheduler = new TableScheduler(scheduled, (error) => this.onUncaughtException(error, "timer"));
    this.attendance = new Attendance(table, this.seating, this.scheduler);
  }

  // --- lifecycle -------------------------------------------------------------------------------

  /** Setting the state installs Colyseus's SchemaSerializer: ours instead (see colyseus-internals.ts). */
  override setSerializer(serializer: Parameters<Room["setSerializer"]>[0]): void {
    super.setSerializer(withGolfSerializer(serializer));
  }

  override async onCreate(options: Record<string, unknown>): Promise<void> {
    this.setState(newGolfState());
    // A game in progress outlives its connections (players come back with their token); the room
    // goes once the game is over and everyone has left (recordMilestones) or it is abandoned.
    this.autoDispose = false;
    this.setPatchRate(1000); // a safety net: every change pushes its patch at once (applyCommitted)
    const recover = options.__recover as RecoverOption | undefined;
    if (recover && recover.secret !== this.services.recoverySecret) throw new ServerError(400, "BAD_OPTIONS: unknown option __recover");
    if (recover) await this.recover(recover.gameId);
    else await this.createGame(options);
    this.log_ = this.services.logger.child({ room: this.code, gameId: this.gameId });
    if (this.services.cluster) this.scheduler.timers.every(() => this.updateListing(true), 5000);
    this.maxClients = this.game.tableSize + SPECTATOR_CAP;
    for (const type of MESSAGE_TYPES) this.onMessage(type, (client, payload) => this.onAction(client, type, payload));
    this.onMessage("*", (client, type, payload) => this.onUnknown(client, type, payload));
    this.hosting.opened(this);
    // A recovered lobby with no human seated is not kept: abandoned as soon as the room is up.
    if (recover && this.game.phase === "lobby") this.scheduler.abandonUnclaimedAfter(0, () => false);
    this.afterChange();
    this.log_.info({ recovered: Boolean(recover), quickPlay: this.table.isQuickPlay }, "room created");
  }

  private async createGame(options: Record<string, unknown>): Promise<void> {
    this.gameId = randomUUID();
    const created = await createGame(this.services, this.gameId, options, this.gameLog, this.seatReservationTimeout);
    ({ code: this.code, table: this.table, owner: this.owner, game: this.game } = created);
    this.roomId = this.code;
    this.mirror();
    if (this.table.isPrivate) await this.setPrivate(true);
    this.scheduler.abandonUnclaimedAfter(created.claimMs, () => this.attendance.seatedOnce);
  }

  /** Brings an unfinished game back from its log: same code, same seats, same tokens. */
  private async recover(gameId: string): Promise<void> {
    this.gameId = gameId;
    const recovered = await recoverGame(this.services, gameId);
    this.code = this.roomId = recovered.code;
    this.table = recovered.table;
    this.game = recovered.game;
    // Its players are not connected yet: the clock keeps their seats until they rejoin.
    this.game.seats.forEach((seat, index) => seat.kind === "human" && this.seating.markGone(index));
    if (this.game.phase !== "lobby") await this.setPrivate(true);
    this.mirror();
    this.showRatings();
    // Its players get the usual reconnection window; after it a CPU plays for whoever is still away.
    const awayAfterWindow = () => void this.tasks.enqueue(() => this.attendance.awayAfterRecovery().then(() => this.afterChange()));
    this.scheduler.timers.after(awayAfterWindow, this.services.reconnectSeconds * 1000);
  }

  override onAuth(_client: Client, rawOptions: unknown): Promise<JoinAuth> {
    return this.seating.admit(rawOptions, this.game);
  }

  override onJoin(client: Client, rawOptions: unknown, auth: JoinAuth): Promise<void> {
    this.services.metrics.clients.inc();
    const requestedSince = (rawOptions as { sinceSeq?: unknown } | undefined)?.sinceSeq;
    return this.tasks.enqueue(async () => {
      const catchUp = { log: this.services.store.log, gameId: this.gameId, logger: this.log_ };
      const where = { table: this.table, state: this.state, messagesPerSecond: this.services.limits.messagesPerSecond, catchUp, code: this.code };
      await this.attendance.arrive(client, auth, requestedSince, where);
      this.afterChange();
    });
  }

  override async onDrop(client: Client): Promise<void> {
    const viewer = this.viewers.get(client.sessionId);
    if (!viewer || viewer.seat < 0 || this.game.phase === "lobby" || this.game.phase === "gameOver") return;
    await this.tasks.enqueue(async () => this.changed(this.attendance.dropped(viewer, client)));
    try {
      await this.allowReconnection(client, this.services.reconnectSeconds);
    } catch {
      // The window passed: the seat stays theirs, played by a CPU while away (see onLeave).
    }
  }

  override async onReconnect(client: Client): Promise<void> {
    const viewer = this.viewers.get(client.sessionId);
    if (viewer && viewer.seat >= 0) await this.tasks.enqueue(() => this.attendance.reconnected(viewer, client).then(() => this.afterChange()));
  }

  override async onLeave(client: Client): Promise<void> {
    this.services.metrics.clients.dec();
    const viewer = this.viewers.get(client.sessionId);
    this.seating.disconnect(client.sessionId);
    if (viewer?.player) await this.tasks.enqueue(async () => this.changed(await this.attendance.left(viewer, client)));
    else if (!this.closing) void this.tasks.enqueue(async () => this.afterChange());
  }

  override async onDispose(): Promise<void> {
    this.closing = true;
    this.scheduler.stop();
    this.scheduler.timers.clearAll();
    this.hosting.closing(this.game.phase === "gameOver");
    await this.tasks.idle();
    await this.listingWrites.idle();
    await this.hosting.closed(this, this.game.phase === "gameOver");
    this.log_?.info("room disposed");
  }

  /** Another node runs this game now (this node was cut off): stop, and send the players there. */
  giveUp(reason: string): void {
    if (this.hosting.gaveUp) return;
    this.hosting.gaveUp = true;
    this.closing = true;
    this.scheduler.stop();
    this.log_.warn({ reason }, "giving the game up");
    sendRejoin([...this.viewers.values()].map((viewer) => viewer.client), `${reason}: rejoin with your token`);
    void this.disconnect(4001);
  }

  /** SIGTERM: stop taking actions, let in-flight ones commit, tell clients the node is going away. */
  override async onBeforeShutdown(): Promise<void> {
    this.closing = true;
    this.scheduler.stop();
    await this.tasks.idle();
    await this.listingWrites.idle();
    const where = this.services.cluster && this.game.phase !== "gameOver" ? "this game is moving to another server" : "this server is going away";
    sendRejoin(this.clients, `${where}: rejoin with your token in a moment`);
    for (const client of this.clients) client.leave(4001, "server shutting down");
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
      onFlood: (room, client) => cutOff(client, room.services, room.log_),
      onUnreadable: (_room, client) => client.send("error", { code: "BAD_MESSAGE", message: "the message could not be decoded (malformed msgpack)" }),
      onData: (room, client, type, payload) => (isGameAction(type) ? room.onAction(client, type, payload) : room.onUnknown(client, type, payload)),
    });
  }

  private onUnknown(client: Client, type: unknown, payload: unknown): void {
    refuseUnknown(client, this.viewers.get(client.sessionId), type, payload, this.services);
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
    if (screened.kind === "refused") return refuse(client, screened.refused, this.services.metrics);
    if (screened.kind === "playAgain") return void this.tasks.enqueue(() => this.playAgain(client, screened.rid));
    const { seat, command, rid } = screened;
    this.tasks.enqueueMove(() => this.sendMove(seat, command, { client, rid, type, receivedAt }));
  }

  /** Decides a player's move and sends its append; returns how to answer it once the moves before it are. */
  private sendMove(seat: number, command: Command, move: Move): (() => Promise<void>) | null {
    // A move before this one has an unconfirmed commit: nothing is decided on top.
    if (this.gameLog.holding) {
      refuse(move.client, { code: "UNAVAILABLE", message: HOLDING_MESSAGE, action: move.type, rid: move.rid }, this.services.metrics);
      return null;
    }
    const base = this.moves.base(this.game);
    const decision = decideCommand(base, seat, command);
    if (!decision.ok) return async () => this.answerMove(seat, move, decision);
    this.moves.sent(decision.state);
    const committed = this.gameLog.append(decision.events, base.seq, recordPatch(decision.events, decision.state));
    return async () => {
      const answer = this.moves.answer(await committed, decision.events);
      if (answer.catchUp) void this.tasks.enqueue(() => this.resync());
      if (answer.outcome.ok) this.applyCommitted(decision.state, decision.events, move);
      this.answerMove(seat, move, answer.outcome);
    };
  }

  /** A move's answer: its refusal, or (it was applied and sent) what any action of a player means. */
  private answerMove(seat: number, move: Move, outcome: Outcome): void {
    const { metrics } = this.services;
    if (!outcome.ok) return refuse(move.client, { code: outcome.code, message: outcome.message, action: move.type, rid: move.rid }, metrics);
    metrics.actionPlayed(move.type, (performance.now() - move.receivedAt) / 1000);
    // Any action brings an away player back and resets their timeouts.
    this.scheduler.humanActed(seat);
    if (returnsFromAway(this.game, seat, !this.seating.isGone(seat))) {
      void this.tasks.enqueue(() => this.attendance.backFromAway(seat).then(() => this.afterChange()));
    }
    this.afterChange();
  }

  /** The next game of this table: created by the first request, its code sent to every player. */
  private async playAgain(client: Client, rid: string | number | undefined): Promise<void> {
    const next = await this.nextGame.answer(this.game, this.table, this.owner);
    if (!next.ok) return reply(client, "error", { code: next.code, message: next.message, action: "playAgain", rid });
    if (next.first) for (const seated of this.seating.playerClients()) if (seated !== client) reply(seated, "playAgain", { code: next.code });
    reply(client, "playAgain", { code: next.code, rid });
  }

  // --- changes ---------------------------------------------------------------------------------

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
    if (failed.catchUp) void this.tasks.enqueue(() => this.resync());
    return failed.refusal;
  }

  /**
   * Committed events become the game: the state mirrored with every table field it changes (the turn
   * deadline included), then its one patch and each viewer's projection of the events (`rid` to the
   * sender only) in one write, then what the events mean beyond the state.
   */
  private applyCommitted(state: GameState, events: GameEvent[], origin?: Origin): void {
    this.game = state;
    this.mirror();
    if (!this.closing) this.scheduler.scheduleTurn();
    this.showTable();
    sendEvents(this.viewers, events, this.game.seq - events.length + 1, () => this.broadcastPatch(), origin);
    this.recordMilestones(events);
  }

  /** A started game leaves the quick-play listing (off the action path); an ended game's room goes once everyone has left. */
  private recordMilestones(events: GameEvent[]): void {
    for (const e of events) {
      if (e.type === "started") {
        this.listingWrites.add("listing after started", () => this.setPrivate(true));
        this.showRatings();
      }
      if (e.type !== "gameEnded" && e.type !== "abandoned") continue;
      this.autoDispose = true;
      this.hosting.ended();
      if (this.clients.length === 0 && this.viewers.size === 0) this.scheduler.timers.after(() => void this.disconnect(), 0);
    }
  }

  /** Shows the players' ratings on their seats once the game has started (read once, off the move path). */
  private showRatings(): void {
    this.ratings.once(this.game).then(
      (show) => {
        if (show && !this.closing) void this.tasks.enqueue(async () => (show(this.state), this.afterChange()));
      },
      (error: unknown) => this.log_.warn({ err: error }, "the players' ratings were not read: their seats show none"),
    );
  }

  /** Catches up with events the log holds and this room has not applied (or gives the game up). */
  private async resync(): Promise<void> {
    if (this.closing) return;
    const { cluster, store } = this.services;
    const caught = await catchUpWithLog({ log: store.log, cluster, gameId: this.gameId, game: this.game, logger: this.log_ });
    if (caught.kind === "givenUp") this.giveUp("another server is running this game now");
    if (caught.kind !== "missed") return;
    this.applyCommitted(caught.state, caught.events);
    this.afterChange();
  }

  /** After every change: schedule what is due, show the table, refresh the listing, push what is left to push. */
  private afterChange(): void {
    if (this.closing) return;
    this.scheduler.schedule();
    this.showTable();
    this.updateListing();
    this.broadcastPatch();
  }

  /** After a task: what it changed is scheduled and pushed ("quiet": it changed nothing, or the room is closing). */
  private changed(result: void | "quiet"): void {
    if (result !== "quiet") this.afterChange();
  }

  private mirror(): void {
    this.state.code = this.code;
    this.state.gameId = this.gameId;
    const before = this.mirrored;
    mirrorState(this.state, this.game, before);
    this.mirrored = this.game;
    // Each player's view follows the player's seat (it moves when the start closes up the seats).
    if (!before || before.phase !== this.game.phase || before.seats.length !== this.game.seats.length) this.seating.followPlayers(this.state);
  }

  /** What the table shows beyond the game: the turn deadline, the spectators, who is connected. */
  private showTable(): void {
    this.state.turnEndsAt = this.scheduler.turnEndsAt;
    this.attendance.showOn(this.state);
  }

  /** Saves the room's listing when what it shows moved (`force`: even if not). */
  private updateListing(force = false): void {
    const update = this.listing.update(this.game, this.state.spectators, this.table.isPrivate, force);
    if (update) this.setMatchmaking(update).catch((error: unknown) => this.log_?.warn({ err: error }, "listing not updated"));
  }
}
