// The DOM around a live table: the top bar (invite code, house rules, spectators, sound, menu), the
// connection banner, the hint line with the skip and knock buttons, the lobby panel, the score sheet,
// and the toasts that announce what others did. It reads the synchronized state and the session;
// every action goes back to the controller (live-table.ts), which decides and sends.
import { BOOLEAN_RULES, isRanked, type Command } from "../../../shared/golf/index.ts";
import type { ErrorMessage, EventMessage } from "../../../shared/protocol/index.ts";
import type { GameLink, LinkStatus } from "../net/connection.ts";
import type { GolfSnapshot } from "../net/snapshot.ts";
import { BOOLEAN_RULE_TEXT, FLIP_MODE_TEXT } from "../rules-text.ts";
import { button, h, replace } from "../ui/dom.ts";
import { icon } from "../ui/icons.ts";
import { toast } from "../ui/toast.ts";
import { play, setSoundMuted, soundMuted, unlockAudio } from "./audio.ts";
import { lobbyPanel } from "./lobby-panel.ts";
import { cardLabel, parseRules } from "./model.ts";
import { scoreSheet } from "./score-sheet.ts";
import type { TableSession } from "./table-session.ts";

/** What the HUD asks of the controller. */
export interface HudActions {
  /** Sends a player's action to the server (the controller keeps one in flight at a time). */
  send(type: string, payload?: Record<string, unknown>): void;
  /** The moves the shared engine calls legal for this viewer now. */
  moves(): Command[];
  /** The bars took this much room at the top and the bottom (CSS pixels): the table fits between. */
  setInsets(topCss: number, bottomCss: number): void;
  /** Back to the lobby. */
  leave(): void;
  openReplay(gameId: string): void;
  /** Move to another game (the rematch). */
  joinGame(code: string): void;
  /** Watching live games: the next one. */
  watch?: { skip(): void };
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

export class TableHud {
  private closedSheet = "";
  private lastPanelKey = "";
  private lastSheetKey = "";
  private readonly ui: {
    top: HTMLElement;
    banner: HTMLElement;
    centre: HTMLElement;
    bottom: HTMLElement;
    sheet: HTMLElement;
    menu: HTMLElement;
  };

  constructor(
    private readonly root: HTMLElement,
    private readonly link: GameLink,
    private readonly session: TableSession,
    private readonly actions: HudActions,
  ) {
    this.ui = {
      top: h("div", { class: "topbar" }),
      banner: h("div", { class: "conn-banner", hidden: true }),
      centre: h("div", { class: "centre-host" }),
      bottom: h("div", { class: "bottombar" }),
      sheet: h("div", { class: "sheet-host" }),
      menu: h("div", { class: "menu panel", hidden: true }),
    };
    replace(root, this.ui.top, this.ui.banner, this.ui.centre, this.ui.sheet, this.ui.menu, this.ui.bottom);
  }

  /** Takes the HUD off the page. */
  remove(): void {
    replace(this.root);
  }

  /** The lobby panel is drawn afresh next time. */
  forgetLobbyPanel(): void {
    this.lastPanelKey = "";
  }

  // ---- Announcements -----------------------------------------------------------------------------

  /** A toast for what others (or the server on our behalf) just did; only for live events. */
  announce(event: EventMessage): void {
    const data = event.data ?? {};
    const seat = typeof event.seat === "number" ? event.seat : -1;
    const me = this.session.me;
    const name = this.link.snapshot?.seats[seat]?.name ?? "A player";
    switch (event.type) {
      case "conceded":
        toast(seat === me ? "You conceded: a CPU plays your seat to the end" : `${name} conceded: a CPU plays their seat`);
        break;
      case "awayChanged":
        if (seat !== me) toast(data.away ? `${name} is away: a CPU plays for them` : `${name} is back`);
        if (seat === me && data.away) toast("You were away: a CPU played for you. Make any move to take over again.", "error", 5000);
        break;
      case "seatTaken":
        if (data.kind === "human" && seat !== me) toast(`${String(data.name)} joined the table`, "good");
        break;
      case "hostChanged":
        if (seat === me) toast("You are now the host", "good");
        break;
      case "abandoned":
        toast("This game was abandoned", "error", 5000);
        break;
    }
  }

  warnTimeRunningOut(): void {
    play("warning");
    toast("10 seconds left: make your move!", "error", 3500);
  }

  showError(error: ErrorMessage): void {
    play("error");
    const words = ERROR_WORDS[error.code];
    const message = error.message && error.message !== error.code ? error.message : words ?? error.code;
    toast(words && !error.message ? words : message.charAt(0).toUpperCase() + message.slice(1), "error");
  }

  /** A rematch exists that this viewer did not ask for: say so and offer it on the score sheet. */
  announceRematch(): void {
    toast("A rematch is ready: join it from the score sheet", "good");
    this.closedSheet = "";
    this.refresh();
  }

  /** The connection banner (and a toast when the connection is back). */
  showStatus(status: LinkStatus): void {
    const banner = this.ui.banner;
    banner.hidden = status === "connected" || status === "closed";
    banner.className = `conn-banner ${status}`;
    switch (status) {
      case "connected":
        toast(this.session.role === "player" ? "Reconnected: you are back in your seat" : "Reconnected", "good");
        break;
      case "reconnecting":
        replace(banner, h("span", { class: "spinner small" }), "Connection lost. Reconnecting…");
        break;
      case "rejoining":
        replace(banner, h("span", { class: "spinner small" }), this.session.role === "player" ? "Rejoining your seat…" : "Rejoining the game…");
        break;
      case "superseded":
        replace(banner, "This seat is now played from another window. ", button("retake", "Play here", () => this.link.retake(), { class: "small primary" }));
        break;
      case "lost":
        replace(
          banner,
          "The connection to the game is lost. ",
          button("retry", "Try again", () => this.link.retake(), { class: "small primary" }),
          button("lobby", "Lobby", () => this.actions.leave(), { class: "small ghost" }),
        );
        break;
      default:
        break;
    }
    this.refresh();
  }

  // ---- The bars, the panels and the sheet --------------------------------------------------------

  updateInsets(): void {
    const top = this.ui.top.getBoundingClientRect().height;
    const bottom = this.ui.bottom.getBoundingClientRect().height;
    this.actions.setInsets(Math.round(top + 6), Math.round(bottom + 4));
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

  refresh(): void {
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
      h("div", { class: "grow title" }, h("b", null, phaseText), isRanked(rules) ? h("span", { class: "ranked-chip", title: "Ranked: counts for ratings and the leaderboards" }, " Ranked") : null, this.actions.watch ? h("small", { class: "watching" }, " · watching live") : this.session.role === "spectator" ? h("small", { class: "watching" }, " · spectating") : null),
      button("rulesInfo", [h("span", { class: "long" }, variants.length ? `${variants.length} house rule${variants.length > 1 ? "s" : ""}` : "Standard rules"), h("span", { class: "short" }, variants.length ? `${variants.length} rules` : "Rules")], () => this.toggleRulesInfo(variants), {
        class: "ghost small rules-chip",
        title: variants.join(", ") || "No house rules",
      }),
      h("span", { class: `spectators${snap.spectators ? "" : " none"}`, title: `${snap.spectators} watching` }, icon("eye", 18), ` ${snap.spectators}`),
      this.session.results.length ? button("scores", "Scores", () => this.openSheet(), { class: "ghost small scores-button" }) : null,
      button("mute", icon(soundMuted() ? "soundOff" : "soundOn"), () => {
        setSoundMuted(!soundMuted());
        if (!soundMuted()) unlockAudio();
        this.refresh();
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
    const playing = this.session.me >= 0 && snap && snap.phase !== "lobby" && snap.phase !== "gameOver";
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
        this.session.results.length
          ? button("scoresMenu", "Score sheet", () => {
              menu.hidden = true;
              this.openSheet();
            })
          : null,
        this.actions.watch ? button("nextGame", "Watch another game", () => this.actions.watch!.skip()) : null,
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
                    this.actions.send("concede");
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
    const inPlay = this.session.me >= 0 && snap && snap.phase !== "lobby" && snap.phase !== "gameOver";
    if (inPlay && !window.confirm("Leave the table? Your seat stays yours: a CPU plays it while you are away, and you can come back with the invite link.")) return;
    this.actions.leave();
  }

  /** The hint line: what this viewer can do now, in words. */
  private hint(snap: GolfSnapshot): string {
    const names = snap.seats.map((seat) => seat.name);
    const turnName = names[snap.turn] ?? "";
    const mine = this.session.me >= 0 && this.session.role === "player";
    const prefix = snap.phase === "finalTurn" ? "Final turn · " : "";
    const moves = mine ? this.actions.moves() : [];
    switch (snap.phase) {
      case "lobby":
        return mine ? "Waiting for the game to start" : "Watching the lobby";
      case "initialFlip": {
        const needed = parseRules(snap.rules).initialFlips;
        if (moves.some((move) => move.type === "flipInitial")) return `Turn up ${needed} of your cards: tap ${needed === 1 ? "one" : "them"}${this.session.selected.size ? ` (${this.session.selected.size} chosen)` : ""}`;
        return "Waiting for everyone to turn up their cards";
      }
      case "playing":
      case "finalTurn": {
        if (!mine || snap.turn !== this.session.me) return `${prefix}${turnName}'s turn${snap.seats[snap.turn]?.kind === "cpu" ? " (CPU)" : ""}`;
        const held = snap.seats[this.session.me]?.drawn;
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

  /** The hint line, or the commentary while events are being animated. */
  renderBottom(snap: GolfSnapshot): void {
    const moves = this.actions.moves();
    const myTurn = this.session.me >= 0 && snap.turn === this.session.me;
    if (this.session.animating && this.session.commentary) {
      replace(this.ui.bottom, h("span", { class: "prompt commentary" }, this.session.commentary));
      return;
    }
    replace(
      this.ui.bottom,
      h("span", { class: `prompt${myTurn && (snap.phase === "playing" || snap.phase === "finalTurn") ? " mine" : ""}` }, this.hint(snap)),
      h(
        "span",
        { class: "bar-actions" },
        moves.some((move) => move.type === "skipFlip") ? button("skipFlip", "Skip the flip", () => this.actions.send("skipFlip"), { class: "primary small" }) : null,
        moves.some((move) => move.type === "knock") ? button("knock", "Knock", () => this.actions.send("knock"), { class: "danger small", title: "Turn up your last cards and go out" }) : null,
      ),
    );
  }

  private renderCentre(snap: GolfSnapshot): void {
    if (snap.phase !== "lobby") {
      if (this.lastPanelKey) replace(this.ui.centre);
      this.lastPanelKey = "";
      return;
    }
    const input = { snap, rules: parseRules(snap.rules), me: this.session.me, spectator: this.session.role === "spectator", decks: this.session.decks, turnSeconds: this.session.turnSeconds, inviteUrl: this.inviteUrl() };
    const key = JSON.stringify({ ...input, snap: { ...snap, spectators: 0, lastSeq: 0 } });
    if (key === this.lastPanelKey) return;
    this.lastPanelKey = key;
    const open = this.ui.centre.querySelector("details")?.open;
    replace(
      this.ui.centre,
      lobbyPanel(input, {
        send: (type, payload) => this.actions.send(type, payload),
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
    return `${snap.phase}:${snap.hole}:${this.session.rematch ?? ""}`;
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
    if ((!over && !force) || (this.session.animating && !force) || (!force && this.closedSheet === key)) {
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
    const winners = this.session.winners.length ? this.session.winners : totals.flatMap((total, seat) => (total === lowest ? [seat] : []));
    const isHost = this.session.me >= 0 && snap.seats[this.session.me]?.host === true;
    const gameId = snap.gameId || this.link.welcome?.gameId || "";
    // Draw it again only when something on it changed (it slides in each time it is drawn).
    const content = JSON.stringify([names, this.session.results, totals, final, winners, isHost, this.session.rematch, this.session.holeEndedAt, this.session.me]);
    if (content === this.lastSheetKey && this.ui.sheet.firstChild) return;
    this.lastSheetKey = content;
    replace(
      this.ui.sheet,
      scoreSheet(
        { names, userIds: snap.seats.map((seat) => seat.userId), results: this.session.results, totals, holes: snap.holes, final, winners, me: this.session.me },
        {
          close: () => {
            this.closedSheet = key;
            this.lastSheetKey = "";
            replace(this.ui.sheet);
          },
          nextHole: !final && isHost ? () => this.actions.send("nextHole") : undefined,
          nextHoleAt: !final && this.session.holeEndedAt ? this.session.holeEndedAt + AUTO_NEXT_HOLE_MS : undefined,
          playAgain: final && this.session.me >= 0 && !this.session.rematch ? () => {
            this.session.askedRematch = true;
            this.actions.send("playAgain");
          } : undefined,
          joinAgain: final && this.session.rematch ? () => this.actions.joinGame(this.session.rematch!) : undefined,
          replay: final && gameId ? () => this.actions.openReplay(gameId) : undefined,
          lobby: final ? () => this.actions.leave() : undefined,
        },
      ),
    );
  }
}
