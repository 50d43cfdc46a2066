// How a room gets its game: a new one (its options checked, a place among its creator's rooms, the
// lease, a join code), one recovered from its log, or the next game of a finished one (play again).
import { matchMaker, ServerError, type AuthContext } from "@colyseus/core";
import { createdEvent, CURRENT_RNG, fold, mergeRules, STANDARD_RULES, type GameEvent, type GameState } from "../../shared/golf/index.ts";
import type { Limits } from "../limits.ts";
import { CodeTakenError, StoreUnavailableError } from "../store/index.ts";
import { addressOf } from "./address.ts";
import { newJoinCode } from "../../shared/protocol/index.ts";
import { newSeed } from "./codes.ts";
import { failedAppend, seatInfos, toGameEvent, type GameLog } from "./commit.ts";
import { createOptionsSchema, describeIssues, joinOptionsSchema, type CreateOptions } from "../../shared/protocol/index.ts";
import { claimRoom, roomsHeld } from "./owners.ts";
import type { RoomServices } from "./services.ts";
import { ACCOUNT_OPTION, joinAccount, type SessionChecker } from "./join-account.ts";

/** Recovery found a log that ends the game: its record is finished now, and no room runs it. */
export const GAME_OVER = "GAME_OVER";

/** Options only the server sets: a client's are dropped by authorizeMatchmaking. */
const SERVER_OPTIONS = ["__owner", "__playAgain", "__recover", ACCOUNT_OPTION];

/** The recovery option: the game to bring back, and the node's secret that proves the node asks. */
export interface RecoverOption {
  gameId: string;
  secret: string;
}

/** How a table runs beyond its log. */
export interface TableOptions {
  isQuickPlay: boolean;
  isPrivate: boolean;
  cpuDelayMs: number | undefined;
  /** CPUs seated right after the creator (undefined: a personality picked by the engine). */
  cpusToSeat: (string | undefined)[];
}

/** What a game was created with that its log does not hold, kept in its record (GameRecord.settings) for recovery. */
interface StoredSettings {
  cpuDelayMs?: number;
  quickPlay?: boolean;
  /** The CPUs to seat after the creator (null: a personality picked by the engine). */
  cpus?: (string | null)[];
}

/** A new game, checked and ready to be opened. */
export interface GamePlan {
  created: GameEvent;
  table: TableOptions;
  /** The address that created it, when it counts against ROOMS_PER_ADDRESS. */
  owner: string | null;
  /** Asked for by playAgain: its lobby waits longer for its players. */
  forPlayAgain: boolean;
}

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

/**
 * Runs in the matchmaking request, before any room exists: every option is checked here, and a
 * create from an address that holds ROOMS_PER_ADDRESS rooms is refused, and a session token is
 * checked (UNAUTHORIZED, BANNED). Returns true, so the room's own onAuth (seats, tokens) still runs
 * at the join; a signed-in player's account goes to it in the options.
 */
export async function authorizeMatchmaking(limits: Limits, sessions: SessionChecker, rawOptions: unknown, context: AuthContext): Promise<true> {
  if (rawOptions === null || typeof rawOptions !== "object" || Array.isArray(rawOptions)) throw new ServerError(400, "BAD_OPTIONS: options must be an object");
  const options = rawOptions as Record<string, unknown>;
  for (const key of SERVER_OPTIONS) delete options[key];
  const method = matchmakeMethod(context.req);
  const creates = method === "create" || method === "joinOrCreate";
  if (creates) checkCreateOptions(options);
  const parsed = joinOptionsSchema.safeParse(options);
  if (!parsed.success) throw new ServerError(400, `BAD_OPTIONS: ${describeIssues(parsed.error)}`);
  const account = await joinAccount(sessions, context.token);
  if (account) options[ACCOUNT_OPTION] = account;
  const address = addressOf(context.headers);
  if (address) {
    // joinOrCreate may join a table: only openGame's claim can tell (it is the one that counts).
    if (method === "create" && (await roomsHeld(matchMaker.presence, address)) >= limits.roomsPerAddress) throw roomsPerAddressError(limits.roomsPerAddress);
    if (creates) options.__owner = address;
  }
  return true;
}

/** A new game from its create options (BAD_OPTIONS when they do not make one). */
export function planGame(options: Record<string, unknown>, defaultCpuDelayMs: number | undefined): GamePlan {
  const settings = checkCreateOptions(options);
  const cpus = settings.cpus ?? 0;
  const created = createdEvent({
    tableSize: settings.seats ?? 4,
    rules: mergeRules(STANDARD_RULES, settings.rules ?? {}),
    holes: settings.holes ?? 9,
    decks: settings.decks ?? null,
    turnSeconds: settings.turnSeconds ?? 30,
    seed: newSeed(),
    rng: CURRENT_RNG,
  });
  return {
    created,
    table: {
      // A game created with nothing but a name is a quick-play table (joinOrCreate with { name }).
      isQuickPlay: Object.keys(options).every((key) => ["name", "token", "spectate", "sinceSeq", "__owner", ACCOUNT_OPTION].includes(key)),
      isPrivate: settings.private ?? false,
      cpuDelayMs: settings.cpuDelayMs ?? defaultCpuDelayMs,
      cpusToSeat: typeof cpus === "number" ? Array.from({ length: cpus }, () => undefined) : cpus,
    },
    owner: typeof options.__owner === "string" ? options.__owner : null,
    forPlayAgain: options.__playAgain === true,
  };
}

/**
 * Opens a planned game under `gameId`: its place among its creator's rooms (counted before anything
 * is stored, so a refused create leaves nothing behind), the lease, and its record under a join code
 * unique among unfinished games on every node (the store's index decides). Returns the code.
 */
export async function openGame(services: RoomServices, gameId: string, plan: GamePlan): Promise<string> {
  const { limits, cluster, store, nodeId } = services;
  if (plan.owner && !(await claimRoom(matchMaker.presence, plan.owner, gameId, limits.roomsPerAddress))) throw roomsPerAddressError(limits.roomsPerAddress);
  // The lease comes before the game's row: a node adopts at once any unleased game of its own.
  await cluster?.acquire(gameId);
  const data = plan.created.data as { rules: object; holes: number; decks: number | null; tableSize: number };
  const { table } = plan;
  for (let attempt = 0; attempt < 20; attempt++) {
    const code = newJoinCode();
    try {
      await store.games.create({
        id: gameId,
        code,
        private: table.isPrivate,
        rules: data.rules as Record<string, unknown>,
        holes: data.holes,
        decks: data.decks,
        seats: Array.from({ length: data.tableSize }, () => ({ name: "", kind: "empty", profile: "" })),
        node: nodeId,
        settings: { cpuDelayMs: table.cpuDelayMs, quickPlay: table.isQuickPlay, cpus: table.cpusToSeat.map((cpu) => cpu ?? null) } satisfies StoredSettings,
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

/** A new game, opened and its first event committed. */
export interface CreatedGame {
  code: string;
  game: GameState;
  table: TableOptions;
  owner: string | null;
  /** How long its lobby waits for a human to sit down before it is abandoned. */
  claimMs: number;
}

/**
 * Creates the game a room was asked for under `gameId` (planned, opened, its `created` event
 * committed). Its creator has the seat reservation's time (`reservationSeconds`) to sit down; a
 * table asked for by playAgain waits the reconnection window, for its players to follow.
 */
export async function createGame(services: RoomServices, gameId: string, options: Record<string, unknown>, gameLog: GameLog, reservationSeconds: number): Promise<CreatedGame> {
  const plan = planGame(options, services.defaultCpuDelayMs);
  const code = await openGame(services, gameId, plan);
  const committed = await gameLog.append([plan.created], 0);
  if (!committed.ok) throw new ServerError(503, `UNAVAILABLE: ${failedAppend(committed.error).refusal.message}`);
  const { reconnectSeconds, unclaimedLobbyMs } = services;
  const claimMs = plan.forPlayAgain ? reconnectSeconds * 1000 : (unclaimedLobbyMs ?? (reservationSeconds + 5) * 1000);
  return { code, game: fold([plan.created]), table: plan.table, owner: plan.owner, claimMs };
}

/** An unfinished game brought back from its log. */
export interface RecoveredGame {
  code: string;
  game: GameState;
  table: TableOptions;
}

/**
 * Brings an unfinished game back from its log: same code, same seats, same tokens. A game its log
 * ends is marked finished and not run (GAME_OVER).
 */
export async function recoverGame(services: RoomServices, gameId: string): Promise<RecoveredGame> {
  const { store, nodeId, defaultCpuDelayMs } = services;
  const { game: record, events } = await store.log.load(gameId);
  const game = fold(events.map(toGameEvent));
  // The log is the truth: a game it ends is over, whatever its record says (an old record whose
  // last write was lost), and is not run again.
  if (game.phase === "gameOver") {
    const ended = events.findLast((e) => e.type === "gameEnded")?.data as { totals: number[]; winners: number[] } | undefined;
    await store.games.finish(gameId, game.abandoned || !ended ? { status: "abandoned" } : { status: "finished", ...ended });
    throw new ServerError(410, `${GAME_OVER}: game ${gameId} ended in its log`);
  }
  const settings = record.settings as StoredSettings;
  // The creator's CPUs are seated at the creator's join: still owed if no human has joined yet.
  const humanJoined = game.seats.some((seat) => seat.kind === "human") || events.some((e) => e.type === "seatTaken" && (e.data as { kind: string }).kind === "human");
  const table: TableOptions = {
    isQuickPlay: settings.quickPlay === true,
    isPrivate: record.private,
    cpuDelayMs: typeof settings.cpuDelayMs === "number" ? settings.cpuDelayMs : defaultCpuDelayMs,
    cpusToSeat: humanJoined ? [] : (settings.cpus ?? []).map((cpu) => cpu ?? undefined),
  };
  // The record is derived again from the log (for records written before they committed with their events).
  await store.games.update(gameId, {
    node: nodeId,
    status: game.phase === "lobby" ? "lobby" : "running",
    seats: seatInfos(game),
    rules: game.rules as unknown as Record<string, unknown>,
    holes: game.holes,
    decks: game.phase === "lobby" ? game.decksChoice : game.decks,
  });
  return { code: record.code, game, table };
}

/** The next game of a finished one: its table again, created once whoever asks and however often. */
export class NextGame {
  private created: Promise<string> | null = null;

  /** The answer to a playAgain sent at `game`: the next game's code, refused before the game is over. */
  answer(game: GameState, table: TableOptions, owner: string | null): Promise<{ ok: true; code: string; first: boolean } | { ok: false; code: string; message: string }> {
    if (game.phase !== "gameOver") return Promise.resolve({ ok: false, code: "WRONG_PHASE", message: "play again after the game is over" });
    return this.code(() => createNextGame(game, table, owner));
  }

  /** The next game's code, or the refusal to send; `first`: this request created it. */
  async code(create: () => Promise<string>): Promise<{ ok: true; code: string; first: boolean } | { ok: false; code: string; message: string }> {
    const first = this.created === null;
    this.created ??= create();
    try {
      return { ok: true, code: await this.created, first };
    } catch (error) {
      if (this.created && first) this.created = null; // a failed attempt: the next playAgain tries again
      const message = error instanceof Error ? error.message : String(error);
      const known = /^(RATE_LIMITED|UNAVAILABLE)/.exec(message)?.[1];
      return { ok: false, code: known ?? "UNAVAILABLE", message: known ? message : "the next game could not be created: try again" };
    }
  }
}

/** Creates the next game of a finished one with the same table, and returns its code. */
export async function createNextGame(game: GameState, table: TableOptions, owner: string | null): Promise<string> {
  const cpus = game.seats.filter((seat) => seat.kind === "cpu").map((seat) => seat.profile);
  const listing = await matchMaker.createRoom("golf", {
    name: game.seats.find((seat) => seat.kind === "human")?.name ?? "Host",
    seats: game.seats.length,
    cpus,
    rules: game.rules,
    holes: game.holes,
    decks: game.decksChoice ?? undefined,
    turnSeconds: game.turnSeconds,
    cpuDelayMs: table.cpuDelayMs,
    private: table.isPrivate,
    __playAgain: true,
    // The new table counts against the address that created this one.
    ...(owner ? { __owner: owner } : {}),
  });
  return listing.roomId;
}
