// A live table, played or watched: it listens to a GameLink, animates each `event` on the TableView
// and then settles on the synchronized state (the truth), offers exactly the moves the shared engine
// calls legal, sends the player's clicks as actions, and keeps the DOM around the table up to date
// (top bar, hint line, lobby panel, score sheet, connection banner).
import { BOOLEAN_RULES, type Command } from "../../../shared/golf/index.ts";
import type { ErrorMessage as ServerErrorMessage, EventMessage as GameEventMessage } from "../../../shared/protocol/index.ts";
import type { GameLink, LinkStatus } from "../net/connection.ts";
import type { GolfSnapshot } from "../net/snapshot.ts";
import { BOOLEAN_RULE_TEXT, FLIP_MODE_TEXT } from "../rules-text.ts";
import type { SurfaceProvider } from "../surface.ts";
import { button, h, replace } from "../ui/dom.ts";
import { icon } from "../ui/icons.ts";
import { toast } from "../ui/toast.ts";
import { play, setSoundMuted, soundMuted, unlockAudio } from "./audio.ts";
import { lobbyPanel } from "./lobby-panel.ts";
import { describeEvent } from "./describe.ts";
import { cardLabel, legalMoves, modelFromSnapshot, parseRules, type CardFace, type TableModel } from "./model.ts";
import { scoreSheet, type HoleLine } from "./score-sheet.ts";
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

/** Plain words for the server's error codes (its message is shown when it says more). */
const ERROR_WORDS: Record<string, string> = {
  NOT_YOUR_TURN: "It is not your turn",
  WRONG_PHASE: "You can't do that right now",
  NOT_HOST: "Only the host can do that",
  SPECTATOR: "Spectators can't play",
  RATE_LIMITED: "Slow down a little",
  UNAVAILABLE: "The server is busy: try again",
  BAD_MESSAGE: "The server did not understand that",
  UNKNOWN_MESSAGE: "The server did not understand that",
};

const AUTO_NEXT_HOLE_MS = 15_000;

export class LiveTable implements SurfaceProvider {
  private me = -1;
  private role: "player" | "spectator" = "spectator";
  /** Seat indices change at the start (seats close up in play order): lobby indices until then. */
  private lobbyIndexing = true;
  private readonly queue: GameEventMessage[] = [];
  private pumping = false;
  private settleTimer = 0;
  private publicHeld: CardFace | null = null;
  private readonly results: HoleLine[] = [];
  private winners: number[] = [];
  private readonly selected = new Set<number>();
  private pending: { rid: string; at: number } | null = null;
  private decks: number | null = null;
  private turnSeconds: number | null = null;
  private closedSheet = "";
  private holeEndedAt = 0;
  private rematch: string | null = null;
  private askedRematch = false;
  private lastTurnSeen = -1;
  private lastPanelKey = "";
  private lastSheetKey = "";
  /** While events are being animated, the hint line tells what is happening. */
  private commentary: string | null = null;
  private readonly offs: (() => void)[] = [];
  private readonly ui: {
    top: HTMLElement;
    banner: HTMLElement;
    centre: HTMLElement;
    bottom: HTMLElement;
    sheet: HTMLElement;
    menu: HTMLElement;
  };

  constructor(
    private readonly link: GameLink,
    private readonly view: TableView,
    private readonly hud: HTMLElement,
    private readonly options: LiveTableOptions,
  ) {
    this.ui = {
      top: h("div", { class: "topbar" }),
      banner: h("div", { class: "conn-banner", hidden: true }),
      centre: h("div", { class: "centre-host" }),
      bottom: h("div", { class: "bottombar" }),
      sheet: h("div", { class: "sheet-host" }),
      menu: h("div", { class: "menu panel", hidden: true }),
    };
    replace(hud, this.ui.top, this.ui.banner, this.ui.centre, this.ui.sheet, this.ui.menu, this.ui.bottom);
  }

  start(): void {
    const link = this.link;
    this.view.handlers = {
      slot: (position) => this.clickSlot(position),
      deck: () => this.clickPile("deck"),
      discard: () => this.clickPile("discard"),
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
      link.on("error", (error) => this.onError(error)),
      link.on("status", (status) => this.onStatus(status)),
      link.on("timerWarning", (warning) => {
        if (warning.seat === this.me) {
          play("warning");
          toast("10 seconds left: make your move!", "error", 3500);
        }
      }),
      link.on("playAgain", ({ code }) => this.onRematch(code)),
    );
    const unlock = () => unlockAudio();
    window.addEventListener("pointerdown", unlock, { once: true });
    this.offs.push(() => window.removeEventListener("pointerdown", unlock));
    const resize = () => this.updateInsets();
    window.addEventListener("resize", resize);
    this.offs.push(() => window.removeEventListener("resize", resize));
    const keys = (event: KeyboardEvent) => this.onKey(event);
    window.addEventListener("keydown", keys);
    this.offs.push(() => window.removeEventListener("keydown", keys));

    if (link.snapshot) this.view.show(this.model(link.snapshot));
    this.refreshHud();
    this.updateInsets();
    void this.pump();
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
    window.clearTimeout(this.settleTimer);
    this.view.handlers = { slot: () => undefined, deck: () => undefined, discard: () => undefined };
    this.view.setOffers(NO_OFFERS);
    this.view.cancelAnimations();
    replace(this.hud);
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
    this.role = welcome.role;
    this.me = welcome.role === "player" ? welcome.seat : -1;
    this.lobbyIndexing = (this.link.snapshot?.phase ?? "lobby") === "lobby";
    document.title = `Golf · ${welcome.code}`;
    if (this.link.snapshot) this.onState();
  }

  private model(snap: GolfSnapshot): TableModel {
    const model = modelFromSnapshot(snap, this.me, this.publicHeld);
    if (this.me < 0) model.bottom = 0;
    return model;
  }

  /** Bookkeeping every event needs, animated or not. `live` is false for the replayed history. */
  private note(event: GameEventMessage, live: boolean): void {
    const data = event.data ?? {};
    const seat = typeof event.seat === "number" ? event.seat : -1;
    const name = this.link.snapshot?.seats[seat]?.name ?? "A player";
    if (this.pending && event.rid === this.pending.rid) this.pending = null;
    switch (event.type) {
      case "created":
        this.decks = (data.decks as number | null) ?? null;
        this.turnSeconds = (data.turnSeconds as number) ?? null;
        break;
      case "configured":
        if ("decks" in data) this.decks = (data.decks as number | null) ?? null;
        if ("turnSeconds" in data) this.turnSeconds = data.turnSeconds as number;
        break;
      case "started":
        if (this.lobbyIndexing) {
          const order = (data.order as number[]) ?? [];
          if (this.me >= 0) this.me = order.indexOf(this.me);
          this.lobbyIndexing = false;
        }
        this.lastPanelKey = "";
        break;
      case "holeStarted":
        this.selected.clear();
        this.publicHeld = null;
        break;
      case "drew":
        this.publicHeld = data.source === "discard" ? ((data.card as CardFace) ?? null) : null;
        break;
      case "holeEnded": {
        const line: HoleLine = {
          hole: data.hole as number,
          scores: (data.scores as number[]) ?? [],
          winners: (data.winners as number[]) ?? [],
          finisher: (data.finisher as number) ?? -1,
        };
        if (!this.results.some((known) => known.hole === line.hole)) this.results.push(line);
        this.holeEndedAt = live ? Date.now() : 0;
        break;
      }
      case "gameEnded":
        this.winners = (data.winners as number[]) ?? [];
        break;
      case "conceded":
        if (live) toast(seat === this.me ? "You conceded: a CPU plays your seat to the end" : `${name} conceded: a CPU plays their seat`);
        break;
      case "awayChanged":
        if (live && seat !== this.me) toast(data.away ? `${name} is away: a CPU plays for them` : `${name} is back`);
        if (live && seat === this.me && data.away) toast("You were away: a CPU played for you. Make any move to take over again.", "error", 5000);
        break;
      case "seatTaken":
        if (live && data.kind === "human" && seat !== this.me) toast(`${String(data.name)} joined the table`, "good");
        break;
      case "hostChanged":
        if (live && seat === this.me) toast("You are now the host", "good");
        break;
      case "abandoned":
        if (live) toast("This game was abandoned", "error", 5000);
        break;
    }
  }

  private onState(): void {
    const snap = this.link.snapshot;
    if (!snap) return;
    // A turn that just came to us: a soft chime.
    const myTurn = this.me >= 0 && snap.turn === this.me && (snap.phase === "playing" || snap.phase === "finalTurn");
    if (myTurn && this.lastTurnSeen !== this.me) play("turn");
    this.lastTurnSeen = snap.turn;
    if (this.pending && Date.now() - this.pending.at > 4000) this.pending = null;
    if (snap.phase !== "initialFlip") this.selected.clear();
    this.view.setTurnSeconds(this.turnSeconds ?? 30);
    this.scheduleSettle();
    this.refreshHud();
    if (snap.phase === "gameOver" && this.options.watch) this.options.watch.onGameOver();
  }

  /**
   * The state leads or follows the events by a few milliseconds. When it is ahead of every event
   * received, give the events a moment to arrive (they animate, then the table settles); if none
   * come, settle anyway: a missed event never leaves a wrong table.
   */
  private scheduleSettle(): void {
    if (this.pumping) return;
    const snap = this.link.snapshot!;
    window.clearTimeout(this.settleTimer);
    const waitForEvents = snap.lastSeq > this.link.lastEventSeq;
    this.settleTimer = window.setTimeout(() => {
      if (!this.pumping) this.settle();
    }, waitForEvents ? 300 : 0);
  }

  private settle(): void {
    const snap = this.link.snapshot;
    if (!snap) return;
    this.view.render(this.model(snap));
    this.paintOffers();
    this.refreshHud();
  }

  private async pump(): Promise<void> {
    if (this.pumping || !this.view.model) {
      if (!this.view.model && this.link.snapshot) this.view.show(this.model(this.link.snapshot));
      if (this.pumping || !this.view.model) return;
    }
    this.pumping = true;
    window.clearTimeout(this.settleTimer);
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
        this.commentary = describeEvent(event, this.view.model);
        if (snap) this.renderBottom(snap);
        await this.view.animate(event, after);
        if (event.type === "holeEnded" || event.type === "gameEnded") this.refreshHud();
      }
    } finally {
      this.pumping = false;
      this.commentary = null;
      this.view.speed = 1;
    }
    this.settle();
  }

  private onError(error: ServerErrorMessage): void {
    if (this.pending && (error.rid === undefined || error.rid === this.pending.rid)) this.pending = null;
    play("error");
    const words = ERROR_WORDS[error.code];
    const message = error.message && error.message !== error.code ? error.message : words ?? error.code;
    toast(words && !error.message ? words : message.charAt(0).toUpperCase() + message.slice(1), "error");
  }

  private onStatus(status: LinkStatus): void {
    const banner = this.ui.banner;
    banner.hidden = status === "connected" || status === "closed";
    banner.className = `conn-banner ${status}`;
    switch (status) {
      case "connected":
        toast(this.role === "player" ? "Reconnected: you are back in your seat" : "Reconnected", "good");
        break;
      case "reconnecting":
        replace(banner, h("span", { class: "spinner small" }), "Connection lost. Reconnecting…");
        break;
      case "rejoining":
        replace(banner, h("span", { class: "spinner small" }), this.role === "player" ? "Rejoining your seat…" : "Rejoining the game…");
        break;
      case "superseded":
        replace(banner, "This seat is now played from another window. ", button("retake", "Play here", () => this.link.retake(), { class: "small primary" }));
        break;
      case "lost":
        replace(
          banner,
          "The connection to the game is lost. ",
          button("retry", "Try again", () => this.link.retake(), { class: "small primary" }),
          button("lobby", "Lobby", () => this.options.leave(), { class: "small ghost" }),
        );
        break;
      default:
        break;
    }
    this.refreshHud();
  }

  private onRematch(code: string): void {
    this.rematch = code;
    if (this.askedRematch) {
      this.options.joinGame(code);
      return;
    }
    toast("A rematch is ready: join it from the score sheet", "good");
    this.closedSheet = "";
    this.refreshHud();
  }

  // ---- Clicks ------------------------------------------------------------------------------------

  private moves(): Command[] {
    const snap = this.link.snapshot;
    if (!snap || this.link.status !== "connected") return [];
    return legalMoves(snap, this.me);
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
      const slot = snap.seats[this.me]?.cards[position];
      if (!slot || slot.faceUp) return;
      if (this.selected.has(position)) this.selected.delete(position);
      else this.selected.add(position);
      play("flip");
      const needed = parseRules(snap.rules).initialFlips;
      if (this.selected.size >= needed) this.send("flipInitial", { positions: [...this.selected].slice(0, needed) });
      this.paintOffers();
      this.refreshHud();
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
    if (this.pumping) return;
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
    const offers: Offers = { slots, selected: snap?.phase === "initialFlip" ? new Set(this.selected) : new Set(), deck, discard };
    this.view.setOffers(offers);
  }

  // ---- The DOM around the table ------------------------------------------------------------------

  private updateInsets(): void {
    const top = this.ui.top.getBoundingClientRect().height;
    const bottom = this.ui.bottom.getBoundingClientRect().height;
    this.view.setInsets(Math.round(top + 6), Math.round(bottom + 4));
  }

  private inviteUrl(): string {
    return `${location.origin}/?join=${this.link.snapshot?.code ?? this.link.welcome?.code ?? ""}`;
  }

  private copyInvite(): void {
    const url = this.inviteUrl();
    if (!navigator.clipboard) {
      toast(url);
      return;
    }
    navigator.clipboard.writeText(url).then(
      () => toast("Invite link copied", "good"),
      () => toast(url),
    );
  }

  private refreshHud(): void {
    const snap = this.link.snapshot;
    if (!snap) return;
    this.renderTop(snap);
    this.renderBottom(snap);
    this.renderCentre(snap);
    this.renderSheet(snap);
    this.updateInsets();
  }

  private renderTop(snap: GolfSnapshot): void {
    const rules = parseRules(snap.rules);
    const active = BOOLEAN_RULES.filter((rule) => rules[rule]);
    const variants = [...(rules.flipMode !== "never" ? [FLIP_MODE_TEXT[rules.flipMode].title] : []), ...(rules.initialFlips !== 2 ? [`${rules.initialFlips} up at start`] : []), ...active.map((rule) => BOOLEAN_RULE_TEXT[rule].title)];
    const phaseText =
      snap.phase === "lobby" ? "Lobby" : snap.phase === "gameOver" ? "Game over" : `Hole ${snap.hole}/${snap.holes}${snap.phase === "finalTurn" ? " · final turns" : ""}`;
    replace(
      this.ui.top,
      button("leave", "◂", () => this.confirmLeave(), { class: "icon ghost", title: "Back to the lobby", "aria-label": "Back to the lobby" }),
      button("copyCode", [h("span", { class: "code" }, snap.code), h("small", null, " invite")], () => this.copyInvite(), { class: "ghost code-chip", title: "Copy the invite link" }),
      h("div", { class: "grow title" }, h("b", null, phaseText), this.options.watch ? h("small", { class: "watching" }, " · watching live") : this.role === "spectator" ? h("small", { class: "watching" }, " · spectating") : null),
      button("rulesInfo", [h("span", { class: "long" }, variants.length ? `${variants.length} house rule${variants.length > 1 ? "s" : ""}` : "Standard rules"), h("span", { class: "short" }, variants.length ? `${variants.length} rules` : "Rules")], () => this.toggleRulesInfo(variants), {
        class: "ghost small rules-chip",
        title: variants.join(", ") || "No house rules",
      }),
      h("span", { class: `spectators${snap.spectators ? "" : " none"}`, title: `${snap.spectators} watching` }, icon("eye", 18), ` ${snap.spectators}`),
      this.results.length ? button("scores", "Scores", () => this.openSheet(), { class: "ghost small scores-button" }) : null,
      button("mute", icon(soundMuted() ? "soundOff" : "soundOn"), () => {
        setSoundMuted(!soundMuted());
        if (!soundMuted()) unlockAudio();
        this.refreshHud();
      }, { class: "icon ghost", "aria-label": soundMuted() ? "Sound off" : "Sound on", title: "Sound" }),
      button("menu", "⋯", () => this.toggleMenu(), { class: "icon ghost", "aria-label": "Menu" }),
    );
  }

  private toggleRulesInfo(variants: string[]): void {
    const menu = this.ui.menu;
    if (!menu.hidden && menu.dataset.kind === "rules") {
      menu.hidden = true;
      return;
    }
    menu.dataset.kind = "rules";
    const rules = parseRules(this.link.snapshot?.rules ?? "{}");
    replace(
      menu,
      h("h3", null, variants.length ? "House rules in play" : "Standard rules"),
      h(
        "ul",
        null,
        rules.flipMode !== "never" ? h("li", null, h("b", null, FLIP_MODE_TEXT[rules.flipMode].title), ": ", FLIP_MODE_TEXT[rules.flipMode].long) : null,
        rules.initialFlips !== 2 ? h("li", null, h("b", null, `${rules.initialFlips} cards up at the start`)) : null,
        BOOLEAN_RULES.filter((rule) => rules[rule]).map((rule) => h("li", null, h("b", null, BOOLEAN_RULE_TEXT[rule].title), ": ", BOOLEAN_RULE_TEXT[rule].long)),
        variants.length ? null : h("li", null, "No house rules: the game counts for the rankings."),
      ),
      h("div", { class: "actions" }, h("a", { href: "/rules", target: "_blank", rel: "noopener" }, "All the rules"), button("closeMenu", "Close", () => (menu.hidden = true), { class: "small" })),
    );
    menu.hidden = false;
  }

  private toggleMenu(): void {
    const menu = this.ui.menu;
    if (!menu.hidden && menu.dataset.kind === "menu") {
      menu.hidden = true;
      return;
    }
    menu.dataset.kind = "menu";
    const snap = this.link.snapshot;
    const playing = this.me >= 0 && snap && snap.phase !== "lobby" && snap.phase !== "gameOver";
    replace(
      menu,
      h("h3", null, "Game ", snap?.code ?? ""),
      h(
        "div",
        { class: "menu-items" },
        button("copyLink", "Copy invite link", () => {
          this.copyInvite();
          menu.hidden = true;
        }),
        this.results.length
          ? button("scoresMenu", "Score sheet", () => {
              menu.hidden = true;
              this.openSheet();
            })
          : null,
        this.options.watch ? button("nextGame", "Watch another game", () => this.options.watch!.skip()) : null,
        playing
          ? button("concede", "Concede this game", () => {
              replace(
                menu,
                h("h3", null, "Concede?"),
                h("p", null, "A CPU will play your seat to the end of the game; the result is recorded."),
                h(
                  "div",
                  { class: "actions" },
                  button("cancelConcede", "Keep playing", () => (menu.hidden = true), { class: "ghost" }),
                  button("confirmConcede", "Concede", () => {
                    menu.hidden = true;
                    this.send("concede");
                  }, { class: "danger" }),
                ),
              );
            })
          : null,
        h("a", { href: "/rules", target: "_blank", rel: "noopener", class: "button-like", "data-locate": "button:rulesPage" }, "Rules"),
        button("leaveGame", "Leave the table", () => this.confirmLeave()),
        button("closeMenu", "Close", () => (menu.hidden = true), { class: "ghost" }),
      ),
    );
    menu.hidden = false;
  }

  private confirmLeave(): void {
    const snap = this.link.snapshot;
    const inPlay = this.me >= 0 && snap && snap.phase !== "lobby" && snap.phase !== "gameOver";
    if (inPlay && !window.confirm("Leave the table? Your seat stays yours: a CPU plays it while you are away, and you can come back with the invite link.")) return;
    this.options.leave();
  }

  /** The hint line: what this viewer can do now, in words. */
  private hint(snap: GolfSnapshot): string {
    const names = snap.seats.map((seat) => seat.name);
    const turnName = names[snap.turn] ?? "";
    const mine = this.me >= 0 && this.role === "player";
    const prefix = snap.phase === "finalTurn" ? "Final turn · " : "";
    const moves = mine ? this.moves() : [];
    switch (snap.phase) {
      case "lobby":
        return mine ? "Waiting for the game to start" : "Watching the lobby";
      case "initialFlip": {
        const needed = parseRules(snap.rules).initialFlips;
        if (moves.some((move) => move.type === "flipInitial")) return `Turn up ${needed} of your cards: tap ${needed === 1 ? "one" : "them"}${this.selected.size ? ` (${this.selected.size} chosen)` : ""}`;
        return "Waiting for everyone to turn up their cards";
      }
      case "playing":
      case "finalTurn": {
        if (!mine || snap.turn !== this.me) return `${prefix}${turnName}'s turn${snap.seats[snap.turn]?.kind === "cpu" ? " (CPU)" : ""}`;
        const held = snap.seats[this.me]?.drawn;
        if (snap.mustFlip === "required") return `${prefix}Turn up one of your face-down cards`;
        if (snap.mustFlip === "optional") return `${prefix}You may turn up a face-down card, or skip`;
        if (snap.drawnFrom === "deck") return `${prefix}Tap a card to swap in the ${cardLabel(held)}, or tap the discard pile to throw it away`;
        if (snap.drawnFrom === "discard") return `${prefix}Tap a card to swap in the ${cardLabel(held)} (tap the pile to put it back)`;
        const extra = [moves.some((move) => move.type === "flip") ? "turn up a card" : "", moves.some((move) => move.type === "knock") ? "knock" : ""].filter(Boolean);
        return `${prefix}Your turn: draw from the deck or take the ${cardLabel(snap.discardTop)}${extra.length ? `, or ${extra.join(" or ")}` : ""}`;
      }
      case "holeOver":
        return `Hole ${snap.hole} is over`;
      case "gameOver":
        return "Game over";
    }
  }

  private renderBottom(snap: GolfSnapshot): void {
    const moves = this.moves();
    const myTurn = this.me >= 0 && snap.turn === this.me;
    if (this.pumping && this.commentary) {
      replace(this.ui.bottom, h("span", { class: "prompt commentary" }, this.commentary));
      return;
    }
    replace(
      this.ui.bottom,
      h("span", { class: `prompt${myTurn && (snap.phase === "playing" || snap.phase === "finalTurn") ? " mine" : ""}` }, this.hint(snap)),
      h(
        "span",
        { class: "bar-actions" },
        moves.some((move) => move.type === "skipFlip") ? button("skipFlip", "Skip the flip", () => this.send("skipFlip"), { class: "primary small" }) : null,
        moves.some((move) => move.type === "knock") ? button("knock", "Knock", () => this.send("knock"), { class: "danger small", title: "Turn up your last cards and go out" }) : null,
      ),
    );
  }

  private renderCentre(snap: GolfSnapshot): void {
    if (snap.phase !== "lobby") {
      if (this.lastPanelKey) replace(this.ui.centre);
      this.lastPanelKey = "";
      return;
    }
    const input = { snap, rules: parseRules(snap.rules), me: this.me, spectator: this.role === "spectator", decks: this.decks, turnSeconds: this.turnSeconds, inviteUrl: this.inviteUrl() };
    const key = JSON.stringify({ ...input, snap: { ...snap, spectators: 0, lastSeq: 0 } });
    if (key === this.lastPanelKey) return;
    this.lastPanelKey = key;
    const open = this.ui.centre.querySelector("details")?.open;
    replace(
      this.ui.centre,
      lobbyPanel(input, {
        send: (type, payload) => this.send(type, payload),
        takeSeat: () => {
          void this.link.takeSeat().catch((error: Error) => toast(`Could not take a seat: ${error.message}`, "error"));
        },
        copyLink: () => this.copyInvite(),
      }),
    );
    const details = this.ui.centre.querySelector("details");
    if (details && open !== undefined) details.open = open;
  }

  private sheetKey(snap: GolfSnapshot): string {
    return `${snap.phase}:${snap.hole}:${this.rematch ?? ""}`;
  }

  private openSheet(): void {
    this.closedSheet = "";
    const snap = this.link.snapshot;
    if (snap) this.renderSheet(snap, true);
  }

  private renderSheet(snap: GolfSnapshot, force = false): void {
    const over = snap.phase === "holeOver" || snap.phase === "gameOver";
    const key = this.sheetKey(snap);
    // The sheet waits until the tally has played.
    if ((!over && !force) || (this.pumping && !force) || (!force && this.closedSheet === key)) {
      if (!over || this.closedSheet === key) {
        replace(this.ui.sheet);
        this.lastSheetKey = "";
      }
      return;
    }
    const final = snap.phase === "gameOver";
    const names = snap.seats.map((seat) => seat.name);
    const totals = snap.seats.map((seat) => seat.total);
    const lowest = Math.min(...totals);
    const winners = this.winners.length ? this.winners : totals.flatMap((total, seat) => (total === lowest ? [seat] : []));
    const isHost = this.me >= 0 && snap.seats[this.me]?.host === true;
    const gameId = snap.gameId || this.link.welcome?.gameId || "";
    // Draw it again only when something on it changed (it slides in each time it is drawn).
    const content = JSON.stringify([names, this.results, totals, final, winners, isHost, this.rematch, this.holeEndedAt, this.me]);
    if (content === this.lastSheetKey && this.ui.sheet.firstChild) return;
    this.lastSheetKey = content;
    replace(
      this.ui.sheet,
      scoreSheet(
        { names, results: this.results, totals, holes: snap.holes, final, winners, me: this.me },
        {
          close: () => {
            this.closedSheet = key;
            this.lastSheetKey = "";
            replace(this.ui.sheet);
          },
          nextHole: !final && isHost ? () => this.send("nextHole") : undefined,
          nextHoleAt: !final && this.holeEndedAt ? this.holeEndedAt + AUTO_NEXT_HOLE_MS : undefined,
          playAgain: final && this.me >= 0 && !this.rematch ? () => {
            this.askedRematch = true;
            this.send("playAgain");
          } : undefined,
          joinAgain: final && this.rematch ? () => this.options.joinGame(this.rematch!) : undefined,
          replay: final && gameId ? () => this.options.openReplay(gameId) : undefined,
          lobby: final ? () => this.options.leave() : undefined,
        },
      ),
    );
  }
}
