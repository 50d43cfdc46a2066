// SDK players that keep every acknowledged move across connections and nodes (the one bot,
// bench/lib/bot.ts, with a record), and an audit of a finished game's log against what its players
// were shown. Nothing here reaches into a node: players see only what a client sees.
// No vitest in here: bench/recovery.ts uses it as well as server/test/cluster.test.ts.
import { isDeepStrictEqual } from "node:util";
import { Client } from "@colyseus/sdk";
import { projectEvent, seededRng, type GameEvent, type Rng } from "../../shared/golf/index.ts";
import { viewFromSyncedState } from "../../shared/protocol/index.ts";
import type { ErrorMessage, EventMessage, GolfExport, SyncedState, Welcome } from "../../shared/protocol/index.ts";
import { Bot, type Move } from "./bot.ts";
import { chooseMove } from "./moves.ts";
import { until } from "./time.ts";

/** An export without the header fields the audit does not read (tests build such logs by hand). */
export type ExportLog = Pick<GolfExport, "format" | "version" | "events"> & { game: Pick<GolfExport["game"], "id" | "code" | "seats" | "totals" | "winners"> };

// --- players ---------------------------------------------------------------------------------------

/** An action the server answered with its effect: every seq that carried its rid. */
export interface Ack {
  rid: string;
  action: string;
  seqs: number[];
  /** Which connection of this player got the answer (1 = the first). */
  connection: number;
}

/** What an action got: its effect, or an error (CLOSED: the connection closed before an answer). */
export type Reply = { ok: true; ack: Ack } | { ok: false; error: ErrorMessage | { code: "CLOSED"; message: string } };

export interface PlayerOptions {
  /** Pause before each move (keeps a game running long enough to be interrupted; default 30 ms). */
  thinkMs?: number;
  seed?: number;
  /** Chance of a random legal move instead of the plain one (default 0.1). */
  randomness?: number;
}

/** What a Player asks its next move: the plain player's, on the engine's view of its seat. */
function playerMove(state: SyncedState, seat: number, rng: Rng, randomness: number): Move | null {
  if (state.phase === "holeOver") return state.seats[seat]!.host ? { type: "nextHole", payload: {} } : null;
  if (!["initialFlip", "playing", "finalTurn"].includes(state.phase)) return null;
  if (state.seats[seat]!.cards.length !== 6) return null;
  const move = chooseMove(viewFromSyncedState(state, seat), rng, { randomness });
  if (!move) return null;
  const { type, ...payload } = move;
  return { type, payload };
}

/**
 * One human through the real SDK, across connections (create or join, then rejoins by token and
 * sinceSeq): the one bot (bench/lib/bot.ts) with the plain player's moves, a pause before each, and
 * a record for the audit. With `play()` it makes its next legal move whenever the synchronized
 * state says it may, one action at a time, each with a unique rid. It remembers every event it was
 * ever shown, by seq, and every action the server acknowledged.
 */
export class Player extends Bot<SyncedState> {
  welcomes: Welcome[] = [];
  /** Every event shown to this player, by seq, over all its connections. */
  readonly seen = new Map<number, EventMessage>();
  /** The same seq shown twice with different contents. */
  readonly conflicts: string[] = [];
  readonly acks: Ack[] = [];
  readonly errors: ErrorMessage[] = [];
  /** Actions still unanswered when their connection closed: their effect may or may not have committed. */
  readonly unanswered: { rid: string; action: string }[] = [];
  /** Close codes of this player's connections, in order. */
  readonly closes: number[] = [];
  private readonly pace: { thinkMs: number };
  private readonly listeners = new Set<() => void>();

  constructor(
    public url: string,
    name: string,
    options: PlayerOptions = {},
  ) {
    const rng = seededRng(options.seed ?? [...name].reduce((sum, char) => sum * 31 + char.charCodeAt(0), 7) >>> 0);
    const randomness = options.randomness ?? 0.1;
    const pace = { thinkMs: options.thinkMs ?? 30 };
    super(new Client(url), name, {
      chooseMove: (state, seat) => playerMove(state, seat, rng, randomness),
      pace: (paused) => (paused ? 0 : pace.thinkMs),
      // Nothing changed after an error, so no patch will wake the player: look again shortly.
      retryMs: 100,
      rid: (n) => `${name}-${n}`,
    });
    this.pace = pace;
  }

  /** Pause before each move; may be changed between moves. */
  get thinkMs(): number {
    return this.pace.thinkMs;
  }
  set thinkMs(ms: number) {
    this.pace.thinkMs = ms;
  }

  override get state(): SyncedState {
    return (this.room.state as { toJSON(): unknown }).toJSON() as SyncedState;
  }
  get phase(): string | undefined {
    return (this.room?.state as { phase?: string } | undefined)?.phase;
  }
  get lastSeen(): number {
    let last = 0;
    for (const seq of this.seen.keys()) if (seq > last) last = seq;
    return last;
  }
  get role(): string | undefined {
    return this.welcome?.role;
  }
  /** Seat index in the running game, found by name (names are unique at a table here). */
  mySeat(): number {
    if (!this.room?.state) return -1;
    return this.state.seats.findIndex((seat) => seat.name === this.name && seat.kind === "human");
  }
  get ackedSeqs(): Set<number> {
    return new Set(this.acks.flatMap((ack) => ack.seqs));
  }

  async create(options: Record<string, unknown>): Promise<void> {
    await this.enter((client) => client.create("golf", { name: this.name, ...options }));
  }

  async join(code: string, options: Record<string, unknown> = {}): Promise<void> {
    await this.enter((client) => client.joinById(code, { name: this.name, ...options }));
  }

  async spectate(code: string): Promise<void> {
    await this.enter((client) => client.joinById(code, { spectate: true }));
  }

  /** Takes the seat back by code and token, through `url` (any node), asking for everything it missed. */
  async rejoin(url = this.url): Promise<void> {
    if (url !== this.url) {
      this.url = url;
      this.client = new Client(url);
    }
    const options = this.token ? { name: this.name, token: this.token, sinceSeq: this.lastSeen } : { spectate: true, sinceSeq: this.lastSeen };
    await this.enter((client) => client.joinById(this.code, options));
  }

  /** Rejoins until it works (the game is being recovered meanwhile); returns the failures seen. */
  async rejoinWhenBack(url = this.url, timeoutMs = 45_000): Promise<string[]> {
    const failures: string[] = [];
    await until(
      async () => {
        try {
          await this.rejoin(url);
          return true;
        } catch (error) {
          failures.push((error as Error).message);
          return false;
        }
      },
      timeoutMs,
      `${this.name} to rejoin ${this.code}`,
      150,
    );
    return failures;
  }

  /** Resolves once nothing of this player's is in flight. */
  async idle(timeoutMs = 30_000): Promise<void> {
    await until(() => this.inFlight === null || !this.connected, timeoutMs, `${this.name} to be idle`, 10);
  }

  /** Sends an action with a fresh rid and waits for its answer. */
  async act(type: string, payload: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<Reply> {
    return this.answerTo(String(this.sendAction(type, payload)), type, timeoutMs);
  }

  /**
   * Sends actions in one TCP write, so the node reads them in one go: the later ones arrive while
   * the first is still committing (pipelined), whatever the machine's load. Waits for every answer.
   */
  async actTogether(moves: Move[], timeoutMs = 30_000): Promise<Reply[]> {
    const socket = (this.room.connection.transport as unknown as { ws: { _socket?: { cork(): void; uncork(): void } } }).ws._socket;
    if (!socket) throw new Error("no TCP socket under this connection");
    socket.cork();
    const rids = moves.map((move) => String(this.sendAction(move.type, move.payload)));
    socket.uncork();
    return Promise.all(rids.map((rid, index) => this.answerTo(rid, moves[index]!.type, timeoutMs)));
  }

  private async answerTo(rid: string, type: string, timeoutMs: number): Promise<Reply> {
    await until(() => this.answered(rid) || this.unanswered.some((u) => u.rid === rid), timeoutMs, `an answer to ${type} ${rid}`, 5);
    const ack = this.acks.find((a) => a.rid === rid);
    if (ack) return { ok: true, ack };
    const error = this.errors.find((e) => e.rid === rid);
    return { ok: false, error: error ?? { code: "CLOSED", message: "the connection closed before an answer" } };
  }

  answered(rid: string): boolean {
    return this.acks.some((a) => a.rid === rid) || this.errors.some((e) => e.rid === rid);
  }

  /** Calls back on every message and state change (for `until`-style waits). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // --- the record, through the bot's hooks -------------------------------------------------------

  protected override async ready(): Promise<void> {
    await until(() => this.welcome !== null && this.room?.state !== undefined && (this.room.state as { code?: string }).code !== undefined, 30_000, `${this.name}'s welcome`, 5);
  }

  protected override moverSeat(): number {
    return this.mySeat();
  }

  protected override onWelcome(message: Welcome): void {
    this.welcomes.push(message);
  }

  protected override onEvent(data: EventMessage, connection: number): void {
    const earlier = this.seen.get(data.seq);
    if (earlier) {
      const { rid: _a, ...before } = earlier;
      const { rid: _b, ...now } = data;
      if (!isDeepStrictEqual(normalize(before), normalize(now))) this.conflicts.push(`seq ${data.seq}: first ${earlier.type}/${earlier.seat}, then ${data.type}/${data.seat}`);
    } else {
      this.seen.set(data.seq, data);
    }
    if (data.rid === undefined) return;
    const ack = this.acks.find((a) => a.rid === data.rid);
    if (ack) ack.seqs.push(data.seq);
    else this.acks.push({ rid: String(data.rid), action: this.inFlight?.rid === data.rid ? this.inFlight.type : "?", seqs: [data.seq], connection });
  }

  protected override onError(message: ErrorMessage): void {
    this.errors.push(message);
  }

  protected override onClosed(code: number, inFlight: { rid: string; type: string } | null): void {
    this.closes.push(code);
    if (inFlight) this.unanswered.push({ rid: inFlight.rid, action: inFlight.type });
  }

  protected override changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

// --- the audit ---------------------------------------------------------------------------------------

/** Events a seated player makes by acting (system events of the same batch carry its rid too). */
const MOVE_TYPES = new Set(["flippedInitial", "drew", "cancelledDraw", "swapped", "discarded", "flipped", "skippedFlip", "knocked"]);

export interface Audit {
  /** The log's seqs are 1..N with no gap and no repeat. */
  contiguous: boolean;
  events: number;
  /** Acknowledged actions checked. */
  acknowledged: number;
  /** Acknowledged events (shown with the sender's rid) missing from the log or different there. */
  lostMoves: number;
  /** Moves of a human seat in the log beyond what its player made (acknowledged, or in flight when cut). */
  duplicatedMoves: number;
  /** Any event shown to a client that the log does not hold as shown. */
  seenMismatches: number;
  /** A client shown the same seq twice with different contents. */
  conflicts: number;
  /** Gaps in what a client was shown, from its first event to the end of the log. */
  missedByClients: number;
  problems: string[];
}

function normalize(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/**
 * Checks a finished game's log (the export, unredacted) against what its clients were shown: every
 * acknowledged action's events are in it once, at the seq they were shown with, as shown; every human
 * seat's moves are the ones its player made; every client saw the log from its first event on.
 */
export function auditGame(doc: ExportLog, players: Player[], spectators: Player[] = []): Audit {
  const problems: string[] = [];
  const audit: Audit = { contiguous: true, events: doc.events.length, acknowledged: 0, lostMoves: 0, duplicatedMoves: 0, seenMismatches: 0, conflicts: 0, missedByClients: 0, problems };
  doc.events.forEach((e, index) => {
    if (e.seq !== index + 1) {
      if (audit.contiguous) problems.push(`log seq ${e.seq} at position ${index + 1}`);
      audit.contiguous = false;
    }
  });
  const bySeq = new Map(doc.events.map((e) => [e.seq, e]));
  const lastSeq = doc.events.length;
  const shownAs = (seq: number, viewer: number | "spectator"): unknown => {
    const logged = bySeq.get(seq);
    if (!logged) return undefined;
    const projected = projectEvent({ type: logged.type, ...(logged.seat === null ? {} : { seat: logged.seat }), data: logged.data } as GameEvent, viewer);
    return normalize({ type: projected.type, seat: projected.seat ?? null, data: projected.data });
  };
  const asShown = (e: EventMessage) => normalize({ type: e.type, seat: e.seat ?? null, data: e.data });

  for (const viewer of [...players, ...spectators]) {
    const seat: number | "spectator" = players.includes(viewer) ? doc.game.seats.findIndex((s) => s.name === viewer.name && s.kind === "human") : "spectator";
    if (seat === -1) {
      problems.push(`${viewer.name} has no seat in the log's game`);
      continue;
    }
    audit.conflicts += viewer.conflicts.length;
    problems.push(...viewer.conflicts.map((c) => `${viewer.name}: ${c}`));
    for (const [seq, shown] of viewer.seen) {
      if (!isDeepStrictEqual(asShown(shown), shownAs(seq, seat))) {
        audit.seenMismatches++;
        if (audit.seenMismatches <= 5) problems.push(`${viewer.name} was shown seq ${seq} ${shown.type}/${shown.seat}, the log has ${JSON.stringify(bySeq.get(seq))?.slice(0, 200)}`);
      }
    }
    const first = Math.min(...viewer.seen.keys());
    for (let seq = first; seq <= lastSeq; seq++) {
      if (!viewer.seen.has(seq)) {
        audit.missedByClients++;
        if (audit.missedByClients <= 5) problems.push(`${viewer.name} never saw seq ${seq}`);
      }
    }
    if (seat === "spectator") continue;
    // Acknowledged actions: every event that carried the rid is in the log, as shown.
    const acked = new Map<number, string>();
    for (const ack of viewer.acks) {
      audit.acknowledged++;
      for (const seq of ack.seqs) {
        if (acked.has(seq)) {
          audit.duplicatedMoves++;
          problems.push(`${viewer.name}: seq ${seq} acknowledged for ${acked.get(seq)} and ${ack.rid}`);
        }
        acked.set(seq, ack.rid);
        const shown = viewer.seen.get(seq);
        if (!shown || !isDeepStrictEqual(asShown(shown), shownAs(seq, seat))) {
          audit.lostMoves++;
          problems.push(`${viewer.name}: acknowledged ${ack.action} ${ack.rid} at seq ${seq} is not in the log as shown`);
        }
      }
    }
    // The seat's moves in the log: each one made by this player, once. An action cut off in flight
    // may have committed without an answer; nothing else may appear.
    const unexplained = doc.events.filter((e) => e.seat === seat && MOVE_TYPES.has(e.type) && !acked.has(e.seq));
    const extra = Math.max(0, unexplained.length - viewer.unanswered.length);
    if (extra > 0) {
      audit.duplicatedMoves += extra;
      problems.push(`${viewer.name}: ${extra} move(s) of seat ${seat} in the log it never made: ${unexplained.map((e) => `${e.seq}:${e.type}`).join(", ")}`);
    }
  }
  return audit;
}
