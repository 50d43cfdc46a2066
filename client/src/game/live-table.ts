// A live table, played or watched: it listens to a GameLink, animates each `event` on the TableView
// and then settles on the synchronized state (the truth), offers exactly the moves the shared engine
// calls legal and sends the player's clicks and keys as actions. The DOM around the table (top bar,
// hint line, lobby panel, score sheet, connection banner, toasts) is the HUD's (table-hud.ts).
import type { Command } from "../../../shared/golf/index.ts";
import type { ErrorMessage, EventMessage } from "../../../shared/protocol/index.ts";
import type { GameLink } from "../net/connection.ts";
import type { GolfSnapshot } from "../net/snapshot.ts";
import type { SurfaceProvider } from "../surface.ts";
import { toast } from "../ui/toast.ts";
import { play, unlockAudio } from "./audio.ts";
import { describeEvent } from "./describe.ts";
import { profilePath } from "../ui/account-bar.ts";
import { legalMoves, modelFromSnapshot, parseRules, type TableModel } from "./model.ts";
import type { HoleLine } from "./score-sheet.ts";
import { TableHud } from "./table-hud.ts";
import { newTableSession, type TableSession } from "./table-session.ts";
import { NO_OFFERS, TableView, type Offers } from "./table-view.ts";

export interface LiveTableOptions {
  /** Back to the lobby. */
  leave(): void;
  /** Open the replay of a finished game. */
  openReplay(gameId: string): void;
  /** Move to another game (the rematch). */
  joinGame(code: string): void;
  /** Watching live games: called once the game is over. */
  watch?: { onGameOver(): void; skip(): void };
}

export class LiveTable implements SurfaceProvider {
  private readonly session: TableSession = newTableSession();
  private readonly hud: TableHud;
  /** Who we play at this table (welcome): our seat is the one whose playerId this is, wherever it is. */
  private playerId = "";
  /** The seat the welcome named: ours in a game logged before player ids, whose seats do not move. */
  private welcomeSeat = -1;
  private readonly queue: EventMessage[] = [];
  /** The seq a state announced ahead of the events received: its events are on their way (0: none). */
  private eventsDue = 0;
  private pending: { rid: string; at: number } | null = null;
  private lastTurnSeen = -1;
  private readonly offs: (() => void)[] = [];

  constructor(
    private readonly link: GameLink,
    private readonly view: TableView,
    hudRoot: HTMLElement,
    private readonly options: LiveTableOptions,
  ) {
    this.hud = new TableHud(hudRoot, link, this.session, {
      send: (type, payload) => this.send(type, payload),
      moves: () => this.moves(),
      setInsets: (topCss, bottomCss) => view.setInsets(topCss, bottomCss),
      leave: () => options.leave(),
      openReplay: (gameId) => options.openReplay(gameId),
      joinGame: (code) => options.joinGame(code),
      watch: options.watch,
    });
  }

  start(): void {
    const link = this.link;
    this.view.handlers = {
      slot: (position) => this.clickSlot(position),
      deck: () => this.clickPile("deck"),
      discard: () => this.clickPile("discard"),
      // A signed-in player's name opens their profile, in a new tab so the seat is not left.
      name: (seat) => {
        const player = link.snapshot?.seats[seat];
        if (player?.userId) window.open(profilePath(player.name), "_blank", "noopener");
      },
    };
    if (link.welcome) this.adoptWelcome();
    // What arrived before we were listening: the history (sinceSeq 0) and anything since.
    const baseline = link.snapshot?.lastSeq ?? 0;
    for (const event of link.received) {
      this.note(event, false);
      if (event.seq > baseline) this.queue.push(event);
    }
    this.offs.push(
      link.on("welcome", () => this.adoptWelcome()),
      link.on("state", () => this.onState()),
      link.on("event", (event) => {
        this.note(event, true);
        this.queue.push(event);
        void this.pump();
      }),
      link.on("error", (error) => {
        this.settleIfEventsMissed();
        this.onError(error);
      }),
      link.on("status", (status) => this.hud.showStatus(status)),
      link.on("timerWarning", (warning) => {
        this.settleIfEventsMissed();
        if (warning.seat === this.session.me) this.hud.warnTimeRunningOut();
      }),
      link.on("playAgain", ({ code }) => {
        this.settleIfEventsMissed();
        this.onRematch(code);
      }),
    );
    const unlock = () => unlockAudio();
    window.addEventListener("pointerdown", unlock, { once: true });
    this.offs.push(() => window.removeEventListener("pointerdown", unlock));
    const resize = () => this.hud.updateInsets();
    window.addEventListener("resize", resize);
    this.offs.push(() => window.removeEventListener("resize", resize));
    const keys = (event: KeyboardEvent) => this.onKey(event);
    window.addEventListener("keydown", keys);
    this.offs.push(() => window.removeEventListener("keydown", keys));

    if (link.snapshot) this.view.show(this.model(link.snapshot));
    this.hud.refresh();
    this.hud.updateInsets();
    void this.pump();
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
    this.view.handlers = { slot: () => undefined, deck: () => undefined, discard: () => undefined };
    this.view.setOffers(NO_OFFERS);
    this.view.cancelAnimations();
    this.hud.remove();
  }

  // ---- window.golf -----------------------------------------------------------------------------

  state(): unknown {
    return this.link.snapshot ? structuredClone(this.link.snapshot) : null;
  }

  events(): unknown[] {
    return this.link.received.map((event) => structuredClone(event));
  }

  locate(name: string) {
    return this.view.locate(name);
  }

  // ---- Incoming ----------------------------------------------------------------------------------

  private adoptWelcome(): void {
    const welcome = this.link.welcome!;
    this.session.role = welcome.role;
    this.playerId = welcome.role === "player" ? welcome.playerId : "";
    this.welcomeSeat = welcome.role === "player" ? welcome.seat : -1;
    this.session.me = this.ownSeat();
    document.title = `Golf · ${welcome.code}`;
    if (this.link.snapshot) this.onState();
  }

  /** Our seat in the synchronized state (-1 when watching): found by our player id, so it follows us when the start closes up the seats. */
  private ownSeat(): number {
    if (this.session.role !== "player") return -1;
    const seats = this.link.snapshot?.seats ?? [];
    const found = this.playerId ? seats.findIndex((seat) => seat.playerId === this.playerId) : -1;
    return found >= 0 ? found : this.welcomeSeat;
  }

  private model(snap: GolfSnapshot): TableModel {
    const model = modelFromSnapshot(snap, this.session.me);
    if (this.session.me < 0) model.bottom = 0;
    return model;
  }

  /** Bookkeeping every event needs, animated or not. `live` is false for the replayed history. */
  private note(event: EventMessage, live: boolean): void {
    const data = event.data ?? {};
    if (this.pending && event.rid === this.pending.rid) this.pending = null;
    switch (event.type) {
      case "created":
        this.session.decks = (data.decks as number | null) ?? null;
        this.session.turnSeconds = (data.turnSeconds as number) ?? null;
        break;
      case "configured":
        if ("decks" in data) this.session.decks = (data.decks as number | null) ?? null;
        if ("turnSeconds" in data) this.session.turnSeconds = data.turnSeconds as number;
        break;
      case "started":
        this.hud.forgetLobbyPanel();
        break;
      case "holeStarted":
        this.session.selected.clear();
        break;
      case "holeEnded": {
        const line: HoleLine = {
          hole: data.hole as number,
          scores: (data.scores as number[]) ?? [],
          winners: (data.winners as number[]) ?? [],
          finisher: (data.finisher as number) ?? -1,
        };
        if (!this.session.results.some((known) => known.hole === line.hole)) this.session.results.push(line);
        this.session.holeEndedAt = live ? Date.now() : 0;
        break;
      }
      case "gameEnded":
        this.session.winners = (data.winners as number[]) ?? [];
        break;
    }
    if (live) this.hud.announce(event);
  }

  private onState(): void {
    const snap = this.link.snapshot;
    if (!snap) return;
    this.session.me = this.ownSeat();
    // A turn that just came to us: a soft chime.
    const myTurn = this.session.me >= 0 && snap.turn === this.session.me && (snap.phase === "playing" || snap.phase === "finalTurn");
    if (myTurn && this.lastTurnSeen !== this.session.me) play("turn");
    this.lastTurnSeen = snap.turn;
    if (this.pending && Date.now() - this.pending.at > 4000) this.pending = null;
    if (snap.phase !== "initialFlip") this.session.selected.clear();
    this.view.setTurnSeconds(this.session.turnSeconds ?? 30);
    this.settleWhenAgreed();
    this.hud.refresh();
    if (snap.phase === "gameOver" && this.options.watch) this.options.watch.onGameOver();
  }

  /**
   * The server sends a change's state patch and then its events, in one write (a join's catch-up
   * follows its welcome). So the table settles on the state at once when the state and the events
   * received agree; a state ahead of them means its events come next, and they animate, then the
   * table settles. Events a state announced that are not in by the next state or the next other
   * message were missed: the table settles anyway, so a missed event never leaves a wrong table.
   */
  private settleWhenAgreed(): void {
    if (this.session.animating) return;
    const snap = this.link.snapshot!;
    const received = this.link.lastEventSeq;
    if (snap.lastSeq <= received || this.eventsDue > received) this.settle();
    else this.eventsDue = snap.lastSeq;
  }

  private settleIfEventsMissed(): void {
    if (!this.session.animating && this.eventsDue > this.link.lastEventSeq) this.settle();
  }

  private settle(): void {
    const snap = this.link.snapshot;
    this.eventsDue = 0;
    if (!snap) return;
    this.view.render(this.model(snap));
    this.paintOffers();
    this.hud.refresh();
  }

  private async pump(): Promise<void> {
    if (this.session.animating || !this.view.model) {
      if (!this.view.model && this.link.snapshot) this.view.show(this.model(this.link.snapshot));
      if (this.session.animating || !this.view.model) return;
    }
    this.session.animating = true;
    this.view.setOffers(NO_OFFERS);
    try {
      while (this.queue.length > 0) {
        // Far behind (a burst of instant CPU moves, a tab in the background): catch up at once.
        if (this.queue.length > 24 || document.hidden) {
          this.queue.length = 0;
          break;
        }
        const event = this.queue.shift()!;
        if (event.seq <= (this.view.model?.lastSeq ?? 0)) continue;
        this.view.speed = Math.min(6, 1 + (this.queue.length) * 0.7);
        const snap = this.link.snapshot;
        const after = snap && snap.lastSeq === event.seq ? this.model(snap) : null;
        this.session.commentary = describeEvent(event, this.view.model);
        if (snap) this.hud.renderBottom(snap);
        await this.view.animate(event, after);
        if (event.type === "holeEnded" || event.type === "gameEnded") this.hud.refresh();
      }
    } finally {
      this.session.animating = false;
      this.session.commentary = null;
      this.view.speed = 1;
    }
    this.settle();
  }

  private onError(error: ErrorMessage): void {
    if (this.pending && (error.rid === undefined || error.rid === this.pending.rid)) this.pending = null;
    this.hud.showError(error);
  }

  private onRematch(code: string): void {
    this.session.rematch = code;
    if (this.session.askedRematch) {
      this.options.joinGame(code);
      return;
    }
    this.hud.announceRematch();
  }

  // ---- Clicks ------------------------------------------------------------------------------------

  private moves(): Command[] {
    const snap = this.link.snapshot;
    if (!snap || this.link.status !== "connected") return [];
    return legalMoves(snap, this.session.me);
  }

  private send(type: string, payload: Record<string, unknown> = {}): void {
    unlockAudio();
    if (this.link.status !== "connected") {
      toast("Reconnecting: wait a moment", "error");
      return;
    }
    if (this.pending && Date.now() - this.pending.at < 4000) return; // one action at a time
    const rid = this.link.send(type, payload);
    this.pending = { rid, at: Date.now() };
  }

  private clickSlot(position: number): void {
    const moves = this.moves();
    const snap = this.link.snapshot;
    if (!snap) return;
    if (moves.some((move) => move.type === "flipInitial")) {
      const slot = snap.seats[this.session.me]?.cards[position];
      if (!slot || slot.faceUp) return;
      if (this.session.selected.has(position)) this.session.selected.delete(position);
      else this.session.selected.add(position);
      play("flip");
      const needed = parseRules(snap.rules).initialFlips;
      if (this.session.selected.size >= needed) this.send("flipInitial", { positions: [...this.session.selected].slice(0, needed) });
      this.paintOffers();
      this.hud.refresh();
      return;
    }
    if (moves.some((move) => move.type === "swap" && move.position === position)) this.send("swap", { position });
    else if (moves.some((move) => move.type === "flip" && move.position === position)) this.send("flip", { position });
  }

  private clickPile(pile: "deck" | "discard"): void {
    const moves = this.moves();
    const has = (predicate: (move: Command) => boolean) => moves.some(predicate);
    if (pile === "deck") {
      if (has((move) => move.type === "draw" && move.source === "deck")) this.send("draw", { source: "deck" });
      return;
    }
    if (has((move) => move.type === "discard")) this.send("discard");
    else if (has((move) => move.type === "cancelDraw")) this.send("cancelDraw");
    else if (has((move) => move.type === "draw" && move.source === "discard")) this.send("draw", { source: "discard" });
  }

  /** The keyboard does what a click would: 1-6 your cards, D the deck, P the discard pile,
   *  S skip the flip, K knock. */
  private onKey(event: KeyboardEvent): void {
    const target = event.target as HTMLElement | null;
    if (event.ctrlKey || event.metaKey || event.altKey || (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA"))) return;
    const key = event.key.toLowerCase();
    if (key >= "1" && key <= "6") this.clickSlot(Number(key) - 1);
    else if (key === "d") this.clickPile("deck");
    else if (key === "p") this.clickPile("discard");
    else if (key === "s" && this.moves().some((move) => move.type === "skipFlip")) this.send("skipFlip");
    else if (key === "k" && this.moves().some((move) => move.type === "knock")) this.send("knock");
    else return;
    event.preventDefault();
  }

  private paintOffers(): void {
    if (this.session.animating) return;
    const moves = this.moves();
    const snap = this.link.snapshot;
    const slots = new Set<number>();
    let deck = false;
    let discard = false;
    for (const move of moves) {
      if (move.type === "flipInitial") move.positions.forEach((position) => slots.add(position));
      else if (move.type === "swap" || move.type === "flip") slots.add(move.position);
      else if (move.type === "draw") {
        if (move.source === "deck") deck = true;
        else discard = true;
      } else if (move.type === "discard" || move.type === "cancelDraw") discard = true;
    }
    const offers: Offers = { slots, selected: snap?.phase === "initialFlip" ? new Set(this.session.selected) : new Set(), deck, discard };
    this.view.setOffers(offers);
  }
}
