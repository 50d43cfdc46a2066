// Comings and goings at a table, run in the room's queue: a new player sits down (with the creator's
// CPUs after the first), a player comes back, a connection drops, a client leaves. Each says what it
// means at the table as commands, which the room applies through the narrow interface it gives
// (`AttendedTable`); who holds which seat is Seating's, the clock the scheduler's.
import { randomUUID } from "node:crypto";
import type { Client } from "@colyseus/core";
import { StateView } from "@colyseus/schema";
import type pino from "pino";
import { goesAwayWhenGone, returnsFromAway, type Actor, type Command, type GameEvent, type GameState } from "../../shared/golf/index.ts";
import type { Outcome } from "./commit.ts";
import type { TableOptions } from "./game-setup.ts";
import type { Viewer } from "./intake.ts";
import { reply, sendSince, type CatchUpSource } from "./replies.ts";
import type { GolfStateSchema } from "./schema.ts";
import type { JoinAuth, Seating } from "./seating.ts";
import type { TableScheduler } from "./table-scheduler.ts";

/** What attendance needs of its room. */
export interface AttendedTable {
  game(): GameState;
  closing(): boolean;
  /** Decides, commits, applies and sends one command. */
  apply(actor: Actor, command: Command): Promise<Outcome>;
  logger(): pino.Logger | undefined;
}

/** A joined client's place: its seat (-1: watching), its token ("" for none) and the events its join made. */
export interface Seated {
  seat: number;
  token: string;
  joined: GameEvent[];
}

export class Attendance {
  /** Set once a human took a seat here. */
  seatedOnce = false;

  constructor(
    private readonly table: AttendedTable,
    private readonly seating: Seating,
    private readonly scheduler: TableScheduler,
  ) {}

  /**
   * A joined client: seated (or watching), welcomed, sent the events it asked for (`sinceSeq`; by
   * default those of its own join: its seat, the CPUs seated after it), back in its seat if it had one.
   */
  async arrive(client: Client, auth: JoinAuth, requestedSince: unknown, where: { table: TableOptions; state: GolfStateSchema; messagesPerSecond: number; catchUp: Omit<CatchUpSource, "upTo">; code: string }): Promise<void> {
    const seqBefore = this.table.game().seq;
    const sinceSeq = typeof requestedSince === "number" && Number.isInteger(requestedSince) && requestedSince >= 0 ? requestedSince : seqBefore;
    client.view = new StateView();
    const { seat, token, joined } = await this.seat(auth, where.table);
    const viewer = this.seating.connect(client, seat, where.messagesPerSecond, where.state);
    // playerId: the client finds its seat by it in the state, wherever the start puts the seat.
    const playerId = viewer.player ? (this.table.game().seats[seat]?.playerId ?? "") : "";
    reply(client, "welcome", { gameId: where.catchUp.gameId, code: where.code, seat, role: viewer.role, token, playerId });
    await sendSince(client, viewer, sinceSeq, { firstSeq: seqBefore + 1, events: joined }, { ...where.catchUp, upTo: this.table.game().seq });
    if (seat >= 0) await this.returned(seat);
    this.scheduler.humanActed();
  }

  /** The seat a join takes: a free one for a new player, their own for a returning one, none for a spectator. */
  private seat(auth: JoinAuth, options: TableOptions): Promise<Seated> {
    if (auth.kind === "join") return this.seatNewPlayer(auth.name, auth.userId, options);
    if (auth.kind === "rejoin") return Promise.resolve({ seat: auth.seat, token: auth.token, joined: [] });
    return Promise.resolve({ seat: -1, token: "", joined: [] });
  }

  /**
   * A new player takes a free seat, named by an id the log records (a signed-in player's is their
   * user id) and a token that names that id; the creator's CPUs sit down after the first. Seat -1
   * when the last seat went to someone else first (or the account sat down from another device at
   * the same moment): the client watches instead.
   */
  private async seatNewPlayer(name: string, userId: string | undefined, options: TableOptions): Promise<Seated> {
    const playerId = userId ?? randomUUID();
    const outcome = await this.table.apply("system", userId ? { type: "join", name, playerId, userId } : { type: "join", name, playerId });
    if (!outcome.ok) return { seat: -1, token: "", joined: [] };
    const joined = [...outcome.events];
    this.seatedOnce = true;
    const token = await this.seating.issueToken(playerId).catch((error: unknown) => {
      this.table.logger()?.warn({ err: error }, "seat token not stored");
      return "";
    });
    const cpus = options.cpusToSeat;
    options.cpusToSeat = [];
    for (const profile of cpus) {
      const added = await this.table.apply("system", { type: "addCpu", profile });
      if (added.ok) joined.push(...added.events);
    }
    return { seat: outcome.events[0]!.seat!, token, joined };
  }

  /** What the table shows of who is here: the spectators, and who is connected (a CPU always is). */
  showOn(state: GolfStateSchema): void {
    state.spectators = this.seating.spectatorCount();
    state.seats.forEach((seat, index) => {
      const connected = seat.kind === "cpu" || this.seating.isConnected(index);
      if (seat.connected !== connected) seat.connected = connected;
    });
  }

  /** A returning player: connected again, back from away (unless conceded), timer extended. */
  async returned(seat: number): Promise<void> {
    const wasDisconnected = this.seating.markBack(seat);
    if (returnsFromAway(this.table.game(), seat, true)) await this.table.apply(seat, { type: "setAway", away: false });
    this.scheduler.playerReturned(seat, wasDisconnected);
  }

  /** A reconnected client (within its window) holds its seat again. */
  async reconnected(viewer: Viewer, client: Client): Promise<void> {
    this.seating.reconnect(viewer, client);
    await this.returned(viewer.seat);
  }

  /** A seated client's connection dropped during a game; "quiet" when a newer connection holds the seat. */
  dropped(viewer: Viewer, client: Client): "quiet" | void {
    if (!this.seating.holds(viewer.player, client)) return "quiet";
    this.seating.markGone(viewer.seat);
  }

  /**
   * A seated client left. In the lobby the seat is freed (and its tokens open nothing any more); in a
   * game the seat is away, played by a CPU until its player rejoins. The host passes on if it was
   * theirs. "quiet" when a newer connection holds the seat or the room is closing.
   */
  async left(viewer: Viewer, client: Client): Promise<"quiet" | void> {
    if (!this.seating.holds(viewer.player, client)) return "quiet";
    const seat = viewer.seat;
    this.seating.release(viewer.player);
    if (this.table.closing()) return "quiet";
    const game = this.table.game();
    if (game.phase === "lobby") {
      const playerId = game.seats[seat]?.playerId ?? "";
      if ((await this.table.apply(seat, { type: "leave" })).ok) await this.seating.forgetTokens(playerId, seat);
    } else if (game.phase !== "gameOver" && seat >= 0) {
      this.seating.markGone(seat);
      if (goesAwayWhenGone(game, seat)) await this.table.apply(seat, { type: "setAway", away: true });
    }
    await this.scheduler.passHostIfGone();
  }

  /** A player's move brings them back from away, unless they conceded or their connection is gone. */
  async backFromAway(seat: number): Promise<void> {
    if (returnsFromAway(this.table.game(), seat, !this.seating.isGone(seat))) await this.table.apply(seat, { type: "setAway", away: false });
  }

  /** After a recovery, a seat still away when the reconnection window passes is played by a CPU. */
  async awayAfterRecovery(): Promise<void> {
    for (const seat of this.seating.goneSeats()) {
      if (goesAwayWhenGone(this.table.game(), seat)) await this.table.apply(seat, { type: "setAway", away: true });
    }
    await this.scheduler.passHostIfGone();
  }
}
