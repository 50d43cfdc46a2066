// GolfRoom: one game, as an actor. For every action: validate (zod), `decide` with the shared engine,
// append the events to the store and wait for the commit, `evolve`, mirror the state into the schema,
// then send each viewer its projection of the events. The room holds no rule logic and no SQL.
// Players' moves are pipelined: a move that arrives while earlier ones are still committing is
// decided at once against the state they lead to, and its append follows theirs (the store commits
// a game's appends in order, and together when they are queued together, as both players' initial
// flips usually are). Each move is still published only after its own commit, in order.
import { matchMaker, Room, SchemaSerializer, ServerError, type AuthContext, type Client } from "@colyseus/core";
import { StateView } from "@colyseus/schema";
import type pino from "pino";
import {
  cpuNoise,
  createdEvent,
  CURRENT_RNG,
  decide,
  EMPTY_STATE,
  evolve,
  fold,
  mergeRules,
  projectEvent,
  STANDARD_RULES,
  type Actor,
  type Command,
  type CpuTraits,
  type GameEvent,
  type GameState,
  type Rng,
} from "../../shared/golf/index.ts";
import {
  awayAfterTimeout,
  cpuMove,
  cpuStillDue,
  deadlineOnReturn,
  humansToAct,
  idleVerdict,
  nextHost,
  quickStartCpus,
  STAND_IN_STEPS,
  standInMove,
  tableAgenda,
  type CpuMoveDue,
  type QuickStartDue,
  type TablePresence,
  type TableSettings,
  type TurnClock,
  type TurnDeadline,
} from "../../shared/golf/table-policy.ts";
import type { Cluster } from "../cluster/cluster.ts";
import type { Limits } from "../limits.ts";
import type { NodeMetrics } from "../metrics.ts";
import { randomUUID } from "node:crypto";
import { CodeTakenError, CommitUnknownError, ConflictError, StoreUnavailableError, type Store, type NewEvent, type RecordPatch, type SeatInfo, type StoredEvent } from "../store/index.ts";
import { hashToken, newJoinCode, newSeatToken, newSeed } from "./codes.ts";
import { CLOSE_CODES, commandFor, createOptionsSchema, describeIssues, joinOptionsSchema, MESSAGE_TYPES, messageSchemas, ridOf, type CreateOptions, type MessageType } from "../../shared/protocol/index.ts";
import { installIntake } from "./frame-guard.ts";
import { addressOf } from "./address.ts";
import { claimRoom, releaseRoom, roomsHeld } from "./owners.ts";
import { mirrorState } from "./mirror.ts";
import { GolfSerializer } from "./serializer.ts";
import { RoomTimers } from "./timers.ts";
import { newGolfState, type GolfStateSchema } from "./schema.ts";

/** What rooms need from their node; set once by the node before any room is created. */
export interface RoomServices {
  store: Store;
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
  /** How long a created lobby waits for its creator to take the seat (default: the seat reservation's time and 5 s). */
  unclaimedLobbyMs?: number;
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
/** The close code of a client cut off for sending far over its rate (FLOOD_MESSAGES_PER_SECOND). */
export const FLOOD_CLOSE_CODE = CLOSE_CODES.flooded;
/** Events a lobby may log before the host's configure, addCpu and removeCpu are refused: each is a stored row. */
const LOBBY_EVENT_CAP = 200;
const LOBBY_CHANGES = new Set<MessageType>(["configure", "addCpu", "removeCpu"]);
const HOLDING_MESSAGE = "the database is unavailable: nothing was changed, try again in a moment";

interface Viewer {
  /** Held from the start of the join: Colyseus lists a client in `clients` only after onJoin. */
  client: Client;
  seat: number;
  role: "player" | "spectator";
  /** A token bucket for the rate limit (MESSAGES_PER_SECOND). */
  allowance: number;
  lastMessageAt: number;
}

/** Options only the server sets: a client's are dropped by onAuth. */
const SERVER_OPTIONS = ["__owner", "__playAgain", "__recover"];

/** The matchmaking method of a request (create, joinOrCreate, joinById, ...), from its path. */
function matchmakeMethod(request: unknown): string {
  const url = (request as { url?: unknown } | undefined)?.url;
  if (typeof url !== "string") return "";
  return /\/matchmake\/([^/?]+)/.exec(url)?.[1] ?? "";
}

function roomsPerAddressError(limit: number): ServerError {
  return new ServerError(429, `RATE_LIMITED: an address may hold ${limit} open games at once (lobbies and running games it created)`);
}

/** Create options checked, or a BAD_OPTIONS error. */
function checkCreateOptions(options: Record<string, unknown>): CreateOptions {
  const parsed = createOptionsSchema.safeParse(options);
  if (!parsed.success) throw new ServerError(400, `BAD_OPTIONS: ${describeIssues(parsed.error)}`);
  const settings = parsed.data;
  const cpus = typeof settings.cpus === "number" ? settings.cpus : (settings.cpus?.length ?? 0);
  const tableSize = settings.seats ?? 4;
  if (cpus > tableSize - 1) throw new ServerError(400, `BAD_OPTIONS: ${cpus} CPUs do not fit at a table of ${tableSize} with you`);
  return settings;
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

/** What a game was created with that its log does not hold, kept in its record (GameRecord.settings) for recovery. */
interface StoredSettings {
  cpuDelayMs?: number;
  quickPlay?: boolean;
  /** The CPUs to seat after the creator (null: a personality picked by the engine). */
  cpus?: (string | null)[];
}
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

function seatInfos(state: GameState): SeatInfo[] {
  return state.seats.map((seat) => ({ name: seat.name, kind: seat.kind, profile: seat.profile }));
}

/**
 * What `events` change in the game's record, read from the state they lead to; undefined for
 * most moves. It is committed with the events (EventLog.append), so the record never says
 * something the log does not.
 */
function recordPatch(events: GameEvent[], after: GameState): RecordPatch | undefined {
  let patch: RecordPatch | undefined;
  for (const e of events) {
    if (e.type === "started") patch = { ...patch, status: "running", seats: seatInfos(after), decks: after.decks };
    else if (e.type === "seatTaken" || e.type === "seatFreed") patch = { ...patch, seats: seatInfos(after) };
    else if (e.type === "configured") patch = { ...patch, rules: after.rules as unknown as Record<string, unknown>, holes: after.holes, decks: after.decksChoice };
    else if (e.type === "gameEnded") patch = { ...patch, status: "finished", totals: e.data.totals, winners: e.data.winners };
    else if (e.type === "abandoned") patch = { ...patch, status: "abandoned" };
  }
  return patch;
}

/** Recovery found a log that ends the game: its record is finished now, and no room runs it. */
export const GAME_OVER = "GAME_OVER";

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
  /** Token hashes seen so far, and the player each one names. */
  private tokens = new Map<string, string>();
  private seatClients = new Map<number, Client>();
  private viewers = new Map<string, Viewer>();
  private disconnectedSeats = new Set<number>();
  private timeouts = new Map<number, number>();
  private cpuRngs = new Map<number, Rng>();
  /** Every state change runs through this chain, one at a time, in arrival order. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Players' moves decided but not yet published: see pipelineMove. */
  private pipeline = { head: null as GameState | null, pending: 0, broken: false, published: Promise.resolve() };
  /** Listing writes after milestones, in order, off the action path (recordMilestones, record). */
  private records: Promise<void> = Promise.resolve();
  /** Appends whose commit is unconfirmed and being settled: while any, actions are answered UNAVAILABLE. */
  private holding = 0;
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
  /** The game `playAgain` made: one per finished game, whoever asks and however often. */
  private nextGame: Promise<string> | null = null;
  /** Set once a human took a seat here. */
  private seatedOnce = false;

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
    this.counted = true;
    // A recovered lobby with no human seated is not kept: abandoned as soon as the room is up.
    if (recover && this.game.phase === "lobby") this.timers.after(() => void this.enqueue(() => this.closeIfUnclaimed()), 0);
    this.afterChange();
    this.log_.info({ recovered: Boolean(recover), quickPlay: this.isQuickPlay }, "room created");
  }

  private async createGame(options: Record<string, unknown>): Promise<void> {
    const settings = checkCreateOptions(options);
    // A game created with nothing but a name is a quick-play table (joinOrCreate with { name }).
    this.isQuickPlay = Object.keys(options).every((key) => ["name", "token", "spectate", "sinceSeq", "__owner"].includes(key));
    this.isPrivate = settings.private ?? false;
    this.cpuDelayMs = settings.cpuDelayMs ?? deps().defaultCpuDelayMs;
    const tableSize = settings.seats ?? 4;
    const cpus = settings.cpus ?? 0;
    this.cpusToSeat = typeof cpus === "number" ? Array.from({ length: cpus }, () => undefined) : cpus;
    const rules = mergeRules(STANDARD_RULES, settings.rules ?? {});
    const created = createdEvent({
      tableSize,
      rules,
      holes: settings.holes ?? 9,
      decks: settings.decks ?? null,
      turnSeconds: settings.turnSeconds ?? 30,
      seed: newSeed(),
      rng: CURRENT_RNG,
    });
    this.gameId = crypto.randomUUID();
    // Counted before anything is stored: a refused create leaves nothing behind.
    const owner = typeof options.__owner === "string" ? options.__owner : null;
    if (owner) {
      const { limits } = deps();
      if (!(await claimRoom(matchMaker.presence, owner, this.gameId, limits.roomsPerAddress))) throw roomsPerAddressError(limits.roomsPerAddress);
      this.owner = owner;
    }
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
    // A lobby nobody takes a seat in goes away: its creator had the seat reservation's time (a
    // table asked for by playAgain waits longer, for its players to follow).
    const claimMs = options.__playAgain === true ? deps().reconnectSeconds * 1000 : (deps().unclaimedLobbyMs ?? (this.seatReservationTimeout + 5) * 1000);
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

  /** Reserves a join code unique among unfinished games on every node (the store's index decides). */
  private async reserveCode(created: GameEvent): Promise<string> {
    const data = created.data as { rules: object; holes: number; decks: number | null; tableSize: number };
    for (let attempt = 0; attempt < 20; attempt++) {
      const code = newJoinCode();
      try {
        await deps().store.games.create({
          id: this.gameId,
          code,
          private: this.isPrivate,
          rules: data.rules as Record<string, unknown>,
          holes: data.holes,
          decks: data.decks,
          seats: Array.from({ length: data.tableSize }, () => ({ name: "", kind: "empty", profile: "" })),
          node: deps().nodeId,
          settings: { cpuDelayMs: this.cpuDelayMs, quickPlay: this.isQuickPlay, cpus: this.cpusToSeat.map((cpu) => cpu ?? null) } satisfies StoredSettings,
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
    const { game: record, events } = await store.log.load(gameId);
    this.gameId = gameId;
    this.code = record.code;
    this.roomId = record.code;
    this.isPrivate = record.private;
    this.game = fold(events.map(toGameEvent));
    // The log is the truth: a game it ends is over, whatever its record says (an old record whose
    // last write was lost), and is not run again.
    if (this.game.phase === "gameOver") {
      const ended = events.findLast((e) => e.type === "gameEnded")?.data as { totals: number[]; winners: number[] } | undefined;
      await store.games.finish(gameId, this.game.abandoned || !ended ? { status: "abandoned" } : { status: "finished", ...ended });
      throw new ServerError(410, `${GAME_OVER}: game ${gameId} ended in its log`);
    }
    const settings = record.settings as StoredSettings;
    this.isQuickPlay = settings.quickPlay === true;
    this.cpuDelayMs = typeof settings.cpuDelayMs === "number" ? settings.cpuDelayMs : deps().defaultCpuDelayMs;
    // The creator's CPUs are seated at the creator's join: still owed if no human has joined yet.
    const humanJoined = this.game.seats.some((seat) => seat.kind === "human") || events.some((e) => e.type === "seatTaken" && (e.data as { kind: string }).kind === "human");
    this.cpusToSeat = humanJoined ? [] : (settings.cpus ?? []).map((cpu) => cpu ?? undefined);
    // Its players are not connected yet: the clock keeps their seats until they rejoin.
    this.game.seats.forEach((seat, index) => {
      if (seat.kind === "human") this.disconnectedSeats.add(index);
    });
    if (this.game.phase !== "lobby") await this.setPrivate(true);
    // The record is derived again from the log (for records written before they committed with
    // their events).
    await store.games.update(gameId, {
      node: deps().nodeId,
      status: this.game.phase === "lobby" ? "lobby" : "running",
      seats: seatInfos(this.game),
      rules: this.game.rules as unknown as Record<string, unknown>,
      holes: this.game.holes,
      decks: this.game.phase === "lobby" ? this.game.decksChoice : this.game.decks,
    });
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

  /**
   * Runs in the matchmaking request, before any room exists: every option is checked here, and a
   * create from an address that holds ROOMS_PER_ADDRESS rooms is refused. Returns true, so the
   * room's own onAuth (seats, tokens) still runs at the join.
   */
  static override async onAuth(_token: string | undefined, rawOptions: unknown, context: AuthContext): Promise<true> {
    if (rawOptions === null || typeof rawOptions !== "object" || Array.isArray(rawOptions)) throw new ServerError(400, "BAD_OPTIONS: options must be an object");
    const options = rawOptions as Record<string, unknown>;
    for (const key of SERVER_OPTIONS) delete options[key];
    const method = matchmakeMethod(context.req);
    const creates = method === "create" || method === "joinOrCreate";
    if (creates) checkCreateOptions(options);
    const parsed = joinOptionsSchema.safeParse(options);
    if (!parsed.success) throw new ServerError(400, `BAD_OPTIONS: ${describeIssues(parsed.error)}`);
    const address = addressOf(context.headers);
    if (address) {
      // joinOrCreate may join a table: only onCreate's claim can tell (it is the one that counts).
      const { limits } = deps();
      if (method === "create" && (await roomsHeld(matchMaker.presence, address)) >= limits.roomsPerAddress) throw roomsPerAddressError(limits.roomsPerAddress);
      if (creates) options.__owner = address;
    }
    return true;
  }

  override async onAuth(_client: Client, rawOptions: unknown): Promise<JoinAuth> {
    const parsed = joinOptionsSchema.safeParse(rawOptions ?? {});
    if (!parsed.success) throw new ServerError(400, `BAD_OPTIONS: ${describeIssues(parsed.error)}`);
    const options = parsed.data;
    if (options.token) {
      const seat = await this.seatForToken(options.token);
      const player = seat === null ? undefined : this.game.seats[seat];
      if (seat === null || !player || player.kind !== "human") throw new ServerError(401, "BAD_TOKEN: that token holds no seat in this game");
      return { kind: "rejoin", seat, name: player.name, token: options.token };
    }
    const hasFreeSeat = this.game.phase === "lobby" && this.game.seats.some((seat) => seat.kind === "empty");
    if (options.spectate || !hasFreeSeat) return { kind: "spectator", seat: -1, name: "", token: "" };
    // Checked and normalized by joinOptionsSchema (the engine's rule); the engine keeps it distinct.
    if (!options.name) throw new ServerError(400, "BAD_OPTIONS: name: a player needs a name");
    return { kind: "join", seat: -1, name: options.name, token: "" };
  }

  /**
   * The seat of the player a token names: the seat whose player id (from its seatTaken event) is the
   * one stored for the token, wherever that seat is now. Null when no seat is that player's.
   */
  private async seatForToken(token: string): Promise<number | null> {
    const { store } = deps();
    const hash = hashToken(token);
    let playerId = this.tokens.get(hash) ?? null;
    if (playerId === null) {
      playerId = await store.tokens.playerForToken(this.gameId, hash).catch(() => null);
      if (playerId !== null) this.tokens.set(hash, playerId);
    }
    if (playerId !== null) {
      const seat = this.game.seats.findIndex((player) => player.kind === "human" && player.playerId === playerId);
      return seat >= 0 ? seat : null;
    }
    // A game logged before player ids: its tokens name a seat index, and only a seat without a
    // player id can be taken back that way.
    const legacy = await store.tokens.seatForToken(this.gameId, hash).catch(() => null);
    return legacy !== null && this.game.seats[legacy]?.playerId === "" ? legacy : null;
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
        // The seat names its player by an id the log records; the token names that player.
        const playerId = randomUUID();
        const outcome = await this.apply("system", { type: "join", name: auth.name, playerId });
        if (outcome.ok) {
          joined.push(...outcome.events);
          seat = outcome.events[0]!.seat!;
          this.seatedOnce = true;
          token = newSeatToken();
          try {
            await deps().store.tokens.setPlayerToken(this.gameId, playerId, hashToken(token));
            this.tokens.set(hashToken(token), playerId);
          } catch (error) {
            this.log_.warn({ err: error }, "seat token not stored");
            token = "";
          }
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
      this.viewers.set(client.sessionId, { client, seat, role: seat >= 0 ? "player" : "spectator", allowance: deps().limits.messagesPerSecond, lastMessageAt: Date.now() });
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
    if (wasDisconnected) this.extendTurnOnReturn(seat);
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
        const playerId = this.game.seats[seat]?.playerId ?? "";
        // Once the seat is freed its player id names no seat: the token opens nothing.
        if ((await this.apply(seat, { type: "leave" })).ok) {
          this.tokens.forEach((tokenPlayer, hash) => tokenPlayer === playerId && this.tokens.delete(hash));
          if (playerId) await deps().store.tokens.clearPlayerTokens(this.gameId, playerId).catch(() => undefined);
          else await deps().store.tokens.clearSeatToken(this.gameId, seat).catch(() => undefined);
        }
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
    if (this.counted) deps().metrics.rooms.dec();
    // A game leaving for another node (a drain, a cut-off) still holds its creator's place.
    if (!this.counted || this.game.phase === "gameOver" || (!deps().cluster && !this.gaveUp)) void this.releaseOwner();
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
    if (!this.takeAllowance(viewer)) return refuse("RATE_LIMITED", `at most ${deps().limits.messagesPerSecond} messages a second`);
    const parsed = messageSchemas[type].safeParse(payload ?? {});
    if (!parsed.success) return refuse("BAD_MESSAGE", describeIssues(parsed.error));
    if (viewer.role === "spectator") return refuse("SPECTATOR", "spectators cannot play: join a free seat from the lobby");
    if (this.game.seats[viewer.seat]?.conceded && type !== "playAgain") return refuse("ILLEGAL_MOVE", "you conceded: a CPU plays your seat to the end");
    if (this.closing) return refuse("UNAVAILABLE", "this server is going away: rejoin with your token in a moment");
    if (this.holding > 0) return refuse("UNAVAILABLE", HOLDING_MESSAGE);
    if (this.game.seq >= LOBBY_EVENT_CAP && LOBBY_CHANGES.has(type) && this.game.phase === "lobby") {
      return refuse("ILLEGAL_MOVE", `this lobby has changed ${LOBBY_EVENT_CAP} times: start the game, or create a new one`);
    }
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
    // A move before this one is being settled (its commit unconfirmed): nothing is decided on top.
    if (this.holding > 0) {
      deps().metrics.actions.inc({ type, outcome: "UNAVAILABLE" });
      this.reply(client, "error", { code: "UNAVAILABLE", message: HOLDING_MESSAGE, action: type, rid });
      return;
    }
    const base = this.pipeline.head ?? this.game;
    const decision = decideOn(base, seat, command);
    let committed: Promise<Committed> | null = null;
    if (decision.ok) {
      this.pipeline.head = decision.state;
      this.pipeline.pending++;
      committed = this.append(decision.events, base.seq, recordPatch(decision.events, decision.state));
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
   * The answer to a pipelined move's append, taken in order (an unconfirmed commit has already
   * been settled from the log by append()). After a move that failed, the moves decided on top of
   * it cannot commit (their expected seq is past the log's end): they fail too, as "nothing was
   * changed", not as another server's conflict. One that did commit means the move before it was
   * stored after all (a statement of a lost connection that ran after the log was read): this
   * room's state is behind its log, so it catches up from the log (resync).
   */
  private settleMove(result: Committed, events: GameEvent[]): Outcome {
    const pipeline = this.pipeline;
    pipeline.pending--;
    let outcome: Outcome;
    if (pipeline.broken) {
      if (result.ok) void this.enqueue(() => this.resync());
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

  /** A decoded message frame (see frame-guard.ts): a game action or an unknown type. */
  private onFrame(client: Client, type: string | number, payload: unknown): void {
    if (typeof type === "string" && Object.hasOwn(messageSchemas, type)) this.onAction(client, type as MessageType, payload);
    else this.onUnknown(client, type, payload);
  }

  /** A client far over its rate: closed with FLOOD_CLOSE_CODE. A player's seat is kept, as for a dropped connection. */
  private cutOff(client: Client): void {
    this.log_?.warn({ sessionId: client.sessionId, limit: deps().limits.floodMessagesPerSecond }, "client cut off: message flood");
    deps().metrics.actions.inc({ type: "flood", outcome: "DISCONNECTED" });
    client.leave(FLOOD_CLOSE_CODE, "too many messages");
  }

  static {
    installIntake<GolfRoom>(GolfRoom, {
      floodLimit: () => deps().limits.floodMessagesPerSecond,
      onFlood: (room, client) => room.cutOff(client),
      onUnreadable: (_room, client) => client.send("error", { code: "BAD_MESSAGE", message: "the message could not be decoded (malformed msgpack)" }),
      onData: (room, client, type, payload) => room.onFrame(client, type, payload),
    });
  }

  /**
   * Any message type without a handler. Frames come through onFrame; a raw-bytes frame still goes
   * through core, whose "*" handler passes the payload first when the type is "*" itself.
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
      this.reply(client, "error", { code: "RATE_LIMITED", message: `at most ${deps().limits.messagesPerSecond} messages a second`, action: name, rid: ridOf(payload) });
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
    const rate = deps().limits.messagesPerSecond;
    if (rate <= 0) return true; // 0: no limit
    const now = Date.now();
    viewer.allowance = Math.min(rate, viewer.allowance + ((now - viewer.lastMessageAt) / 1000) * rate);
    viewer.lastMessageAt = now;
    if (viewer.allowance < 1) return false;
    viewer.allowance -= 1;
    return true;
  }

  /** Decides, commits, applies and publishes one command. Nothing changes unless it commits. */
  private async apply(actor: Actor, command: Command, origin?: { client: Client; rid?: string | number }): Promise<Outcome> {
    const decision = decideOn(this.game, actor, command);
    if (!decision.ok) return decision;
    const committed = await this.append(decision.events, this.game.seq, recordPatch(decision.events, decision.state));
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

  /**
   * Appends events (and what they change in the game's record) to the store after `expectedSeq`;
   * resolves once they are committed, or known not to be (never rejects). A commit left
   * unconfirmed by a lost connection is settled from the log before this resolves.
   */
  private async append(events: GameEvent[], expectedSeq: number, record?: RecordPatch): Promise<Committed> {
    const started = performance.now();
    const sent: NewEvent[] = events.map((e) => ({ type: e.type, seat: e.seat, data: e.data }));
    try {
      await deps().store.log.append(this.gameId, sent, expectedSeq, record);
    } catch (error) {
      this.log_?.warn({ err: error }, "append failed");
      if (!(error instanceof CommitUnknownError) || !(await this.settleUnconfirmed(sent, expectedSeq))) return { ok: false, error };
    }
    deps().metrics.appendLatency.observe((performance.now() - started) / 1000);
    return { ok: true };
  }

  /**
   * Whether an append whose answer was lost committed: the log decides, read as soon as the
   * database answers again (with growing pauses). Meanwhile the game holds: actions are answered
   * UNAVAILABLE, and the CPUs and timers, whose tasks wait for the moves before them, wait.
   */
  private async settleUnconfirmed(events: NewEvent[], expectedSeq: number): Promise<boolean> {
    this.holding++;
    try {
      for (let attempt = 1, pause = 25; ; attempt++, pause = Math.min(pause * 2, 2000)) {
        try {
          const outcome = await deps().store.log.appendOutcome(this.gameId, expectedSeq, events);
          this.log_?.info({ expectedSeq, committed: outcome.committed, lastSeq: outcome.lastSeq }, "unconfirmed append settled from the log");
          return outcome.committed;
        } catch (error) {
          // A node going away stops asking: the next host recovers the game from its log.
          if (!(error instanceof StoreUnavailableError) || (this.closing && attempt >= 3)) return false;
          await new Promise((resolve) => setTimeout(resolve, pause));
        }
      }
    } finally {
      this.holding--;
    }
  }

  /** What a failed append means for the client. */
  private failure(error: unknown): Outcome & { ok: false } {
    if (error instanceof ConflictError && error.expectedSeq > 0) {
      // The log has events this room has not adopted. Never fork it: catch up from it, or give the
      // game up if another node holds it (resync decides).
      void this.enqueue(() => this.resync());
      return { ok: false, code: "UNAVAILABLE", message: "the game had moved on: nothing was changed, look again and retry" };
    }
    const message = error instanceof StoreUnavailableError ? "the database is unavailable: nothing was changed, try again" : `the move was not saved: ${(error as Error).message}`;
    return { ok: false, code: "UNAVAILABLE", message };
  }

  /**
   * The log holds events this room has not adopted (a conflict). Another node holding the game's
   * lease runs it: give it up. Otherwise (one node, or the lease is still this node's) nobody else
   * runs it: adopt the log's events and go on from them.
   */
  private async resync(): Promise<void> {
    if (this.closing) return;
    const { cluster, store } = deps();
    if (cluster && !(await cluster.acquire(this.gameId).catch(() => false))) {
      this.giveUp("another server is running this game now");
      return;
    }
    let stored: StoredEvent[];
    try {
      stored = await store.log.loadSince(this.gameId, this.game.seq);
    } catch (error) {
      this.log_?.warn({ err: error }, "could not catch up with the log; the next conflict retries");
      return;
    }
    if (stored.length === 0) return;
    this.log_?.warn({ from: this.game.seq + 1, events: stored.length }, "catching up with events this room had not adopted");
    const events = stored.map(toGameEvent);
    this.adopt(fold(events, this.game), events);
    this.afterChange();
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
    const reseated: [number, Client][] = [];
    order.forEach((oldSeat, newSeat) => {
      const client = this.seatClients.get(oldSeat);
      if (client) moved.set(newSeat, client);
      if (client && newSeat !== oldSeat) reseated.push([newSeat, client]);
    });
    // Tokens name players, not seat indices: nothing to move.
    this.seatClients = moved;
    // A player whose index is unchanged keeps its view: it still holds the same seat's schema.
    for (const [seat, client] of reseated) {
      const viewer = this.viewers.get(client.sessionId);
      if (viewer) viewer.seat = seat;
      client.view = new StateView();
      this.attachView(client, seat);
    }
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
    void deps().cluster?.release(this.gameId, false);
    if (this.clients.length === 0 && this.viewers.size === 0) this.timers.after(() => void this.disconnect(), 0);
  }

  /** Gives the creator's place among its address's rooms back (once the game is over or gone). */
  private async releaseOwner(): Promise<void> {
    if (!this.gameId) return;
    await releaseRoom(matchMaker.presence, this.gameId).catch((error: unknown) => this.log_?.warn({ err: error }, "room owner not released"));
  }

  private async playAgain(client: Client, rid: string | number | undefined): Promise<void> {
    if (this.game.phase !== "gameOver") {
      this.reply(client, "error", { code: "WRONG_PHASE", message: "play again after the game is over", action: "playAgain", rid });
      return;
    }
    const first = this.nextGame === null;
    this.nextGame ??= this.createNextGame();
    let code: string;
    try {
      code = await this.nextGame;
    } catch (error) {
      if (this.nextGame && first) this.nextGame = null; // a failed attempt: the next playAgain tries again
      const message = error instanceof Error ? error.message : String(error);
      const known = /^(RATE_LIMITED|UNAVAILABLE)/.exec(message)?.[1];
      this.reply(client, "error", { code: known ?? "UNAVAILABLE", message: known ? message : "the next game could not be created: try again", action: "playAgain", rid });
      return;
    }
    if (first) for (const seated of this.seatClients.values()) if (seated !== client) this.reply(seated, "playAgain", { code });
    this.reply(client, "playAgain", { code, rid });
  }

  /** The finished game's table, again: created once (every playAgain of this game answers its code). */
  private async createNextGame(): Promise<string> {
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
      // The new table counts against the address that created this one.
      ...(this.owner ? { __owner: this.owner } : {}),
    });
    return listing.roomId;
  }

  // --- table policy: the room schedules what shared/golf/table-policy.ts says is due -----------

  /** Who is at the table, as the table policy reads it. */
  private tablePresence(): TablePresence {
    return { seatsWithClient: this.seatClients, lastHumanActionAt: this.lastHumanActionAt, cpuRetryAt: this.cpuRetryAt };
  }

  private tableSettings(): TableSettings {
    const { holeIntervalMs, lobbyIdleMs, abandonAfterMs } = deps();
    return { quickPlay: this.isQuickPlay, cpuDelayMs: this.cpuDelayMs, holeIntervalMs, lobbyIdleMs, abandonAfterMs };
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
      const connected = seat.kind === "cpu" || (this.seatClients.has(index) && !this.disconnectedSeats.has(index));
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
      missed = await deps().store.log.loadSince(this.gameId, sinceSeq);
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
