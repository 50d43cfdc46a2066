// The commit pipeline of a room: decisions become events in the game's log, and nothing becomes the
// game before its events are committed.
// - `GameLog` appends one game's events and answers whether they committed; an append whose answer
//   was lost is resolved from the log before it answers.
// - `MovePipeline` keeps track of the players' moves decided but not yet answered: a move that
//   arrives while earlier ones are still committing is decided at once against the state they lead
//   to, and its append follows theirs (the store commits a game's appends in order, and together
//   when they are queued together, as both players' initial flips usually are).
// - `TaskQueue` runs the room's state changes one at a time, in arrival order; each move is answered
//   only after its own commit, in order, and other tasks wait until every move before them is.
import type pino from "pino";
import { decide, fold, type Actor, type Command, type GameEvent, type GameState } from "../../shared/golf/index.ts";
import type { Cluster } from "../cluster/cluster.ts";
import type { NodeMetrics } from "../metrics.ts";
import { CommitUnknownError, ConflictError, StoreUnavailableError, type EventLog, type NewEvent, type RecordPatch, type SeatInfo, type StoredEvent } from "../store/index.ts";

export interface Refusal {
  ok: false;
  code: string;
  message: string;
}
export type Outcome = { ok: true; events: GameEvent[] } | Refusal;
export type Decided = { ok: true; state: GameState; events: GameEvent[] } | Refusal;
/** The answer to an append: committed, or known not to be. */
export type Committed = { ok: true } | { ok: false; error: unknown };
/** A refusal, and whether the room's state is behind its log and must catch up with it (resync). */
export interface FailedMove {
  refusal: Refusal;
  catchUp: boolean;
}

/** The engine's decision, its error as the refusal the client gets. */
export function decideCommand(state: GameState, actor: Actor, command: Command): Decided {
  const decision = decide(state, actor, command);
  return decision.ok ? decision : { ok: false, code: decision.error.code, message: decision.error.message };
}

/** A stored event as the engine's event. */
export function toGameEvent(stored: StoredEvent): GameEvent {
  return { type: stored.type, seat: stored.seat, data: stored.data } as GameEvent;
}

export function seatInfos(state: GameState): SeatInfo[] {
  return state.seats.map((seat) => ({ name: seat.name, kind: seat.kind, profile: seat.profile }));
}

/**
 * What `events` change in the game's record, read from the state they lead to; undefined for most
 * moves. It is committed with the events (EventLog.append), so the record never says something the
 * log does not.
 */
export function recordPatch(events: GameEvent[], after: GameState): RecordPatch | undefined {
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

/** What a failed append means for the client. */
export function failedAppend(error: unknown): FailedMove {
  if (error instanceof ConflictError && error.expectedSeq > 0) {
    // The log has events this room has not applied. Never fork it: catch up from it, or give the
    // game up if another node holds it (the room's resync decides).
    return { refusal: { ok: false, code: "UNAVAILABLE", message: "the game had moved on: nothing was changed, look again and retry" }, catchUp: true };
  }
  const message = error instanceof StoreUnavailableError ? "the database is unavailable: nothing was changed, try again" : `the move was not saved: ${(error as Error).message}`;
  return { refusal: { ok: false, code: "UNAVAILABLE", message }, catchUp: false };
}

/** What catching up with the log came to: another node runs the game, or the events this room missed and the state they lead to. */
export type CatchUp = { kind: "givenUp" } | { kind: "missed"; state: GameState; events: GameEvent[] } | { kind: "nothing" };

/**
 * The log holds events this room has not applied (a conflict). Another node holding the game's
 * lease runs it: give it up. Otherwise (one node, or the lease is still this node's) nobody else
 * runs it: the room applies the log's events and goes on from them.
 */
export async function catchUpWithLog(source: { log: EventLog; cluster?: Cluster; gameId: string; game: GameState; logger?: pino.Logger }): Promise<CatchUp> {
  const { log, cluster, gameId, game, logger } = source;
  if (cluster && !(await cluster.acquire(gameId).catch(() => false))) return { kind: "givenUp" };
  let stored: StoredEvent[];
  try {
    stored = await log.loadSince(gameId, game.seq);
  } catch (error) {
    logger?.warn({ err: error }, "could not catch up with the log; the next conflict retries");
    return { kind: "nothing" };
  }
  if (stored.length === 0) return { kind: "nothing" };
  logger?.warn({ from: game.seq + 1, events: stored.length }, "catching up with events this room had not applied");
  const events = stored.map(toGameEvent);
  return { kind: "missed", state: fold(events, game), events };
}

interface GameLogContext {
  log: EventLog;
  metrics: NodeMetrics;
  gameId(): string;
  logger(): pino.Logger | undefined;
  /** A room going away stops waiting for the database: the next host recovers the game from its log. */
  closing(): boolean;
}

/** The appends of one game's events. */
export class GameLog {
  /** Appends whose commit is unconfirmed and being looked up in the log: while any, the game holds. */
  private unconfirmed = 0;

  constructor(private readonly context: GameLogContext) {}

  /** Whether an append's commit is unconfirmed: actions are then answered UNAVAILABLE. */
  get holding(): boolean {
    return this.unconfirmed > 0;
  }

  /**
   * Appends events (and what they change in the game's record) after `expectedSeq`; resolves once
   * they are committed, or known not to be (never rejects).
   */
  async append(events: GameEvent[], expectedSeq: number, record?: RecordPatch): Promise<Committed> {
    const { log, metrics, gameId, logger } = this.context;
    const started = performance.now();
    // An engine event is a NewEvent as it is (type, seat, data; the store stamps the time).
    const sent: NewEvent[] = events;
    try {
      await log.append(gameId(), sent, expectedSeq, record);
    } catch (error) {
      logger()?.warn({ err: error }, "append failed");
      if (!(error instanceof CommitUnknownError) || !(await this.committedAfterAll(sent, expectedSeq))) return { ok: false, error };
    }
    metrics.appendLatency.observe((performance.now() - started) / 1000);
    return { ok: true };
  }

  /**
   * Whether an append whose answer was lost committed: the log decides, read as soon as the database
   * answers again (with growing pauses). Meanwhile the game holds: actions are answered UNAVAILABLE,
   * and the CPUs and timers, whose tasks wait for the moves before them, wait.
   */
  private async committedAfterAll(events: NewEvent[], expectedSeq: number): Promise<boolean> {
    const { log, gameId, logger, closing } = this.context;
    this.unconfirmed++;
    try {
      for (let attempt = 1, pause = 25; ; attempt++, pause = Math.min(pause * 2, 2000)) {
        try {
          const outcome = await log.appendOutcome(gameId(), expectedSeq, events);
          logger()?.info({ expectedSeq, committed: outcome.committed, lastSeq: outcome.lastSeq }, "unconfirmed append looked up in the log");
          return outcome.committed;
        } catch (error) {
          if (!(error instanceof StoreUnavailableError) || (closing() && attempt >= 3)) return false;
          await new Promise((resolve) => setTimeout(resolve, pause));
        }
      }
    } finally {
      this.unconfirmed--;
    }
  }
}

/** The players' moves decided but not yet answered. */
export class MovePipeline {
  /** The state the moves in flight lead to. */
  private head: GameState | null = null;
  private inFlight = 0;
  /** Set when a move in flight failed while others were decided on top of it. */
  private broken = false;

  /** The state a new move is decided against: the game once the moves in flight are in. */
  base(game: GameState): GameState {
    return this.head ?? game;
  }

  /** A move decided, its append sent. */
  sent(state: GameState): void {
    this.head = state;
    this.inFlight++;
  }

  /**
   * The answer to a move's append, taken in order. After a move that failed, the moves decided on
   * top of it cannot commit (their expected seq is past the log's end): they fail too, as "nothing
   * was changed", not as another server's conflict. One that did commit means the move before it
   * was stored after all (a statement of a lost connection that ran after the log was read): the
   * room's state is behind its log, so it catches up from the log.
   */
  answer(result: Committed, events: GameEvent[]): { outcome: Outcome; catchUp: boolean } {
    this.inFlight--;
    let answer: { outcome: Outcome; catchUp: boolean };
    if (this.broken) {
      answer = { outcome: { ok: false, code: "UNAVAILABLE", message: "a move before this one was not saved: nothing was changed, try again" }, catchUp: result.ok };
    } else if (!result.ok) {
      const failed = failedAppend(result.error);
      answer = { outcome: failed.refusal, catchUp: failed.catchUp };
      this.broken = this.inFlight > 0;
    } else {
      answer = { outcome: { ok: true, events }, catchUp: false };
    }
    if (this.inFlight === 0) {
      this.head = null;
      this.broken = false;
    }
    return answer;
  }
}

/** The room's state changes, one at a time, in arrival order. */
export class TaskQueue {
  private tail: Promise<unknown> = Promise.resolve();
  /** Resolves once every move queued so far is answered. */
  private answered: Promise<void> = Promise.resolve();

  constructor(private readonly onError: (error: unknown, what: string) => void) {}

  /** Runs `task` in turn, once the moves before it are answered. */
  enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(() => this.answered).then(task, task);
    this.tail = run.catch((error) => this.onError(error, "room task failed"));
    return run;
  }

  /**
   * A player's move: `send` runs in turn without waiting for the moves before it to be answered (it
   * decides the move and sends its append); the answer it returns runs once theirs have.
   */
  enqueueMove(send: () => (() => Promise<void>) | null): void {
    this.tail = this.tail
      .then(() => {
        const answer = send();
        if (answer) this.answered = this.answered.then(answer).catch((error) => this.onError(error, "answering a move failed"));
      })
      .catch((error) => this.onError(error, "room task failed"));
  }

  /** Resolves once every task queued so far has run and every move is answered. */
  async idle(): Promise<void> {
    await this.tail.catch(() => undefined);
    await this.answered;
  }
}
