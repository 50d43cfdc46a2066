// The room's clock: it asks the table policy (shared/golf/table-policy.ts) what is due (a CPU move, the
// turn timer and its warning, a timeout's stand-in moves, the next hole, a quick-play start, idle
// checks, passing the host) and schedules it in the named slots of RoomTimers. What it does when a
// timer fires goes through the narrow interface the room gives it (`ScheduledTable`): commands are
// applied by the room, in the room's queue, never by reaching into it.
import type pino from "pino";
import { cpuNoise, type Actor, type Command, type CpuTraits, type GameState, type Rng } from "../../shared/golf/index.ts";
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
  turnClock,
  type CpuMoveDue,
  type QuickStartDue,
  type TablePresence,
  type TableSettings,
  type TurnDeadline,
} from "../../shared/golf/table-policy.ts";
import type { Outcome } from "./commit.ts";
import { RoomTimers } from "./timers.ts";

/** What the scheduler needs of its room. */
export interface ScheduledTable {
  /** The game as the room has applied it. */
  game(): GameState;
  /** The seats a client holds. */
  seatsWithClient(): TablePresence["seatsWithClient"];
  settings(): TableSettings;
  /** Set once the room is going away: nothing more is scheduled or played. */
  closing(): boolean;
  /**
   * Runs `task` in the room's queue; then, unless it returns "quiet" (it changed nothing, or the
   * room is closing), the room schedules what is due and pushes its patch.
   */
  run(task: () => Promise<void | "quiet">): Promise<void>;
  /** Decides, commits, applies and sends one command. */
  apply(actor: Actor, command: Command): Promise<Outcome>;
  /** Tells the table that `seat`'s time runs out at `endsAt`. */
  warn(seat: number, endsAt: number): void;
  /** Closes the room (a lobby nobody is in). */
  close(): void;
  logger(): pino.Logger | undefined;
}

export class TableScheduler {
  /** Every timer of the room (CPU pacing, turn, hole, lobby, listing): cleared when it goes. */
  readonly timers: RoomTimers;
  /** The turn deadline the table shows (0: no timer runs). */
  turnEndsAt = 0;
  /** Timeouts in a row, by seat: reset by any action of the seat's player. */
  private readonly timeouts = new Map<number, number>();
  private readonly cpuRngs = new Map<number, Rng>();
  private lastHumanActionAt = Date.now();
  private cpuRetryAt = 0;

  constructor(
    private readonly table: ScheduledTable,
    onError: (error: unknown) => void,
  ) {
    this.timers = new RoomTimers(onError);
  }

  /** A human joined, came back or acted (`seat`: the player's own timeouts start again). */
  humanActed(seat?: number): void {
    this.lastHumanActionAt = Date.now();
    if (seat !== undefined) this.timeouts.delete(seat);
  }

  /** A player back from a lost connection: their timeouts start again, and a turn of theirs gets more time. */
  playerReturned(seat: number, wasDisconnected: boolean): void {
    this.timeouts.delete(seat);
    if (!wasDisconnected) return;
    const now = Date.now();
    const deadline = deadlineOnReturn(this.table.game(), seat, this.turnEndsAt, now);
    if (deadline) this.startTurnTimer(deadline, this.timers.keyOf("turn"), now);
  }

  /** Schedules everything that is due (CPUs, the turn timer, the next hole, quick start, idle checks). */
  schedule(): void {
    const now = Date.now();
    const game = this.table.game();
    const due = tableAgenda(game, this.presence(), this.table.settings(), now, (seat) => this.rngFor(seat));
    this.scheduleCpu(due.cpuMove, now);
    this.scheduleTurn(now);
    this.scheduleNextHole(due.nextHole, now);
    this.scheduleQuickStart(due.quickStart, now);
    if (!this.timers.holds("idleCheck")) this.timers.everyIn("idleCheck", due.idleCheckEveryMs, () => void this.table.run(() => this.checkIdle()));
  }

  /**
   * Starts, keeps or stops the turn timer for the game as it is now, so that `turnEndsAt` is right
   * before the patch of a change leaves. A timer already running for the same turn keeps its deadline.
   */
  scheduleTurn(now = Date.now()): void {
    const clock = turnClock(this.table.game(), now);
    if (!clock) this.stopTurnTimer();
    else if (!this.timers.holds("turn", clock.key)) this.startTurnTimer(clock, clock.key, now);
  }

  /** The host left (lobby) or is gone past the reconnection window: the next human takes over. */
  async passHostIfGone(): Promise<void> {
    const next = nextHost(this.table.game(), this.presence());
    if (next !== null) await this.table.apply("system", { type: "setHost", seat: next });
  }

  /**
   * A lobby nobody takes a seat in goes away: after `ms`, unless `claimed` (a human sat down once),
   * a lobby with no human seated is abandoned and closed.
   */
  abandonUnclaimedAfter(ms: number, claimed: () => boolean): void {
    this.timers.after(() => void this.table.run(() => this.abandonIfUnclaimed(claimed)), ms);
  }

  /** Clears every slot's timer (the room is going). */
  stop(): void {
    this.timers.releaseSlots();
  }

  private presence(): TablePresence {
    return { seatsWithClient: this.table.seatsWithClient(), lastHumanActionAt: this.lastHumanActionAt, cpuRetryAt: this.cpuRetryAt };
  }

  /** A CPU's own stream, derived from the seed: seeing its choices and pace reveals nothing of the deck. */
  private rngFor(seat: number): Rng {
    let rng = this.cpuRngs.get(seat);
    if (!rng) {
      rng = cpuNoise(this.table.game(), seat);
      this.cpuRngs.set(seat, rng);
    }
    return rng;
  }

  /** The CPU move due replaces the one scheduled before (a move due now is queued at once). */
  private scheduleCpu(move: CpuMoveDue | null, now: number): void {
    this.timers.release("cpuMove");
    if (!move) return;
    const act = () => void this.table.run(() => this.playCpu(move.seat, move.traits));
    if (move.at <= now) act();
    else this.timers.at("cpuMove", "", move.at, now, act);
  }

  private async playCpu(seat: number, traits: CpuTraits): Promise<void | "quiet"> {
    const game = this.table.game();
    if (this.table.closing() || !cpuStillDue(game, seat)) return "quiet";
    const command = cpuMove(game, seat, traits, this.rngFor(seat));
    if (!command) return;
    const outcome = await this.table.apply(seat, command);
    if (!outcome.ok) {
      this.table.logger()?.error({ command, outcome }, "CPU move refused");
      this.cpuRetryAt = Date.now() + 1000;
    }
  }

  private startTurnTimer(deadline: TurnDeadline, key: string, now: number): void {
    const { endsAt } = deadline;
    this.turnEndsAt = endsAt;
    this.timers.at("turnWarning", key, deadline.warnAt, now, () => {
      for (const seat of humansToAct(this.table.game())) this.table.warn(seat, endsAt);
    });
    this.timers.at("turn", key, endsAt, now, () => void this.table.run(() => this.onTurnTimeout()));
  }

  private stopTurnTimer(): void {
    this.timers.release("turn");
    this.timers.release("turnWarning");
    this.turnEndsAt = 0;
  }

  /** Time is up: the stand-in plays the turn (or the flips); two in a row and the seat goes away. */
  private async onTurnTimeout(): Promise<void> {
    this.timers.release("turn");
    for (const seat of humansToAct(this.table.game())) {
      const timedOut = (this.timeouts.get(seat) ?? 0) + 1;
      this.timeouts.set(seat, timedOut);
      for (let step = 0; step < STAND_IN_STEPS; step++) {
        const command = standInMove(this.table.game(), seat, this.rngFor(seat));
        if (!command || !(await this.table.apply(seat, command)).ok) break;
      }
      if (awayAfterTimeout(this.table.game(), seat, timedOut)) await this.table.apply(seat, { type: "setAway", away: true });
    }
  }

  private scheduleNextHole(due: { at: number } | null, now: number): void {
    if (!due) this.timers.release("nextHole");
    else if (!this.timers.holds("nextHole")) {
      this.timers.at("nextHole", "", due.at, now, () => {
        this.timers.release("nextHole");
        void this.table.run(async () => {
          if (this.table.game().phase === "holeOver") await this.table.apply("system", { type: "nextHole" });
        });
      });
    }
  }

  /** A full quick-play table starts at once; one waiting for more players keeps its first deadline. */
  private scheduleQuickStart(due: QuickStartDue | null, now: number): void {
    if (!due) this.timers.release("quickStart");
    else if (due.now) void this.table.run(() => this.startQuickPlay());
    else if (!this.timers.holds("quickStart")) this.timers.at("quickStart", "", due.at, now, () => void this.table.run(() => this.startQuickPlay()));
  }

  private async startQuickPlay(): Promise<void | "quiet"> {
    this.timers.release("quickStart");
    if (this.table.game().phase !== "lobby") return "quiet";
    const cpus = quickStartCpus(this.table.game());
    for (let added = 0; added < cpus; added++) {
      if (!(await this.table.apply("system", { type: "addCpu" })).ok) break;
    }
    await this.table.apply("system", { type: "start" });
  }

  private async abandonIfUnclaimed(claimed: () => boolean): Promise<"quiet"> {
    const game = this.table.game();
    if (claimed() || this.table.closing() || game.phase !== "lobby" || game.seats.some((seat) => seat.kind === "human")) return "quiet";
    this.table.logger()?.info("nobody took a seat: abandoned");
    await this.table.apply("system", { type: "abandon" });
    this.table.close();
    return "quiet";
  }

  private async checkIdle(): Promise<void | "quiet"> {
    const verdict = idleVerdict(this.table.game(), this.presence(), this.table.settings(), Date.now());
    if (verdict === null) return "quiet";
    await this.table.apply("system", { type: "abandon" });
    if (verdict !== "closeLobby") return;
    this.table.close();
    return "quiet";
  }
}
