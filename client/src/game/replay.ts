// The replay viewer: an export (docs/protocol.md) checked and folded through the shared engine,
// shown on the same table as live play. Play, pause, step, scrub, speed (0.5x-4x and real time),
// keyboard (left/right step, Home/End, space plays), a link to the current move (#seq), a
// full-reveal view or "what this seat saw", export download, import upload and share links.
import { EMPTY_STATE, evolve, projectEvent, type GameEvent, type GameState } from "../../../shared/golf/index.ts";
import type { GolfExport } from "../../../shared/protocol/index.ts";
import { api } from "../net/api.ts";
import type { SurfaceProvider } from "../surface.ts";
import { button, h, replace } from "../ui/dom.ts";
import { icon } from "../ui/icons.ts";
import { toast } from "../ui/toast.ts";
import { play as playSound, setSoundMuted, soundMuted, unlockAudio } from "./audio.ts";
import { modelFromEngine, type TableModel, type Viewpoint } from "./model.ts";
import { scoreSheet } from "./score-sheet.ts";
import { describeEvent, type TableEvent } from "./describe.ts";
import { eventsOf, snapshotFromEngine } from "./replay-log.ts";
import { NO_OFFERS, type TableView } from "./table-view.ts";

export type ReplaySource =
  | { kind: "server"; gameId: string }
  | { kind: "share"; code: string; title?: string }
  | { kind: "file"; name: string; importedId: string | null };

export interface ReplayOptions {
  leave(): void;
  /** Replaces the address (path and #seq) without reloading. */
  setAddress(path: string): void;
  /** Opens another export file (import). */
  openFile(file: File): void;
}

export const SPEEDS = [0.5, 1, 2, 4, "real"] as const;
export type Speed = (typeof SPEEDS)[number];

/** Longest pause between two moves in real-time playback. */
const REAL_TIME_CAP_MS = 8000;

export class ReplayViewer implements SurfaceProvider {
  private readonly log: GameEvent[];
  private readonly states: GameState[];
  private index = 0;
  private viewpoint: Viewpoint = "all";
  private playing = false;
  private speed: Speed = 1;
  private animating: Promise<void> | null = null;
  private generation = 0;
  private readonly offs: (() => void)[] = [];
  private readonly ui: { top: HTMLElement; bottom: HTMLElement; sheet: HTMLElement; menu: HTMLElement; caption: HTMLElement; scrub: HTMLInputElement };

  constructor(
    private readonly doc: GolfExport,
    private source: ReplaySource,
    private readonly view: TableView,
    private readonly hud: HTMLElement,
    private readonly options: ReplayOptions,
  ) {
    this.log = eventsOf(doc);
    this.states = [EMPTY_STATE];
    for (const event of this.log) this.states.push(evolve(this.states.at(-1)!, event));
    const scrub = h("input", { type: "range", min: 0, max: this.log.length, step: 1, value: 0, locate: "button:scrub", "aria-label": "Scrub through the game" });
    this.ui = {
      top: h("div", { class: "topbar" }),
      bottom: h("div", { class: "replaybar" }),
      sheet: h("div", { class: "sheet-host" }),
      menu: h("div", { class: "menu panel", hidden: true }),
      caption: h("div", { class: "caption" }),
      scrub,
    };
    replace(hud, this.ui.top, this.ui.sheet, this.ui.menu, this.ui.bottom);
  }

  get total(): number {
    return this.log.length;
  }

  get position(): number {
    return this.index;
  }

  start(initialSeq: number | null): void {
    this.view.handlers = { slot: () => undefined, deck: () => undefined, discard: () => undefined };
    this.view.setOffers(NO_OFFERS);
    // Without a #seq: open on the first deal, the first moment with cards on the table.
    const firstDeal = this.log.findIndex((event) => event.type === "holeStarted");
    const start = initialSeq ?? (firstDeal >= 0 ? firstDeal + 1 : 0);
    this.ui.scrub.addEventListener("input", () => {
      this.pause();
      this.jump(Number(this.ui.scrub.value));
    });
    const keys = (event: KeyboardEvent) => this.onKey(event);
    window.addEventListener("keydown", keys);
    const hash = () => {
      const seq = ReplayViewer.seqFromHash(location.hash);
      if (seq !== null && seq !== this.index) this.jump(seq);
    };
    window.addEventListener("hashchange", hash);
    const resize = () => this.updateInsets();
    window.addEventListener("resize", resize);
    this.offs.push(
      () => window.removeEventListener("keydown", keys),
      () => window.removeEventListener("hashchange", hash),
      () => window.removeEventListener("resize", resize),
    );
    this.renderTop();
    this.renderBottom();
    this.updateInsets();
    this.jump(start);
  }

  stop(): void {
    this.playing = false;
    this.generation++;
    for (const off of this.offs.splice(0)) off();
    this.view.cancelAnimations();
    replace(this.hud);
  }

  static seqFromHash(hash: string): number | null {
    const match = /^#(\d+)$/.exec(hash);
    return match ? Number(match[1]) : null;
  }

  // ---- window.golf -----------------------------------------------------------------------------

  state(): unknown {
    return snapshotFromEngine(this.states[this.index]!, this.viewpoint, this.doc);
  }

  events(): unknown[] {
    return this.log.slice(0, this.index).map((event, i) => ({ seq: i + 1, ...this.projected(event) }));
  }

  locate(name: string) {
    return this.view.locate(name);
  }

  // ---- Moving through the game -----------------------------------------------------------------

  private model(index: number): TableModel {
    return modelFromEngine(this.states[index]!, this.viewpoint, this.doc.game.code);
  }

  private projected(event: GameEvent): TableEvent {
    if (this.viewpoint === "all") return { type: event.type, seat: event.seat, data: event.data as unknown as Record<string, unknown> };
    const seen = projectEvent(event, this.viewpoint);
    return { type: seen.type, seat: seen.seat, data: seen.data };
  }

  /** Shows move `index` at once (no animation). */
  jump(index: number): void {
    this.generation++;
    this.index = Math.max(0, Math.min(this.total, Math.round(index)));
    this.view.show(this.model(this.index));
    this.afterMove();
  }

  /** One move forward, animated. */
  async forward(): Promise<void> {
    if (this.index >= this.total) return;
    if (this.animating) {
      // A second press while a move is animating: finish it at once.
      this.view.cancelAnimations();
      await this.animating;
    }
    const generation = ++this.generation;
    const event = this.log[this.index]!;
    const target = this.index + 1;
    this.index = target;
    this.afterMove();
    this.view.speed = this.speed === "real" ? 1 : this.speed;
    this.animating = this.view.animate({ seq: target, ...this.projected(event) }, this.model(target));
    await this.animating;
    this.animating = null;
    if (generation === this.generation) this.view.render(this.model(target));
  }

  back(): void {
    this.pause();
    this.jump(this.index - 1);
  }

  play(): void {
    if (this.playing) return;
    unlockAudio();
    if (this.index >= this.total) this.jump(0);
    this.playing = true;
    this.renderBottom();
    void this.loop();
  }

  pause(): void {
    if (!this.playing) return;
    this.playing = false;
    this.renderBottom();
  }

  private async loop(): Promise<void> {
    while (this.playing && this.index < this.total) {
      const generation = this.generation;
      const before = performance.now();
      await this.forward();
      if (!this.playing || generation + 1 !== this.generation) break;
      const spent = performance.now() - before;
      let pause: number;
      if (this.speed === "real") {
        const now = this.doc.events[this.index - 1]?.at ?? 0;
        const next = this.doc.events[this.index]?.at ?? now;
        pause = Math.min(REAL_TIME_CAP_MS, Math.max(0, next - now - spent));
      } else {
        pause = 260 / this.speed;
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
    if (this.playing) {
      this.playing = false;
      this.renderBottom();
    }
  }

  private afterMove(): void {
    this.ui.scrub.value = String(this.index);
    this.renderCaption();
    this.options.setAddress(`${location.pathname}#${this.index}`);
    const state = this.states[this.index]!;
    // The score sheet opens by itself at the end of the game.
    if (this.index === this.total && state.phase === "gameOver") {
      if (this.playing) playSound("win");
      this.showSheet();
    } else if (this.ui.sheet.firstChild && this.ui.sheet.dataset.auto === "1") {
      replace(this.ui.sheet);
    }
  }

  private onKey(event: KeyboardEvent): void {
    const target = event.target as HTMLElement | null;
    if (target && (target.tagName === "INPUT" && (target as HTMLInputElement).type !== "range" || target.tagName === "TEXTAREA")) return;
    switch (event.key) {
      case "ArrowRight":
        event.preventDefault();
        this.pause();
        void this.forward();
        break;
      case "ArrowLeft":
        event.preventDefault();
        this.back();
        break;
      case "Home":
        event.preventDefault();
        this.pause();
        this.jump(0);
        break;
      case "End":
        event.preventDefault();
        this.pause();
        this.jump(this.total);
        break;
      case " ":
      case "Spacebar":
        event.preventDefault();
        if (this.playing) this.pause();
        else this.play();
        break;
      default:
        return;
    }
  }

  // ---- The DOM around the table ------------------------------------------------------------------

  private updateInsets(): void {
    const top = this.ui.top.getBoundingClientRect().height;
    const bottom = this.ui.bottom.getBoundingClientRect().height;
    this.view.setInsets(Math.round(top + 6), Math.round(bottom + 6));
  }

  private renderCaption(): void {
    const state = this.states[this.index]!;
    const event = this.index > 0 ? this.log[this.index - 1]! : null;
    const text = event ? describeEvent(this.projected(event), this.model(this.index - 1)) : "Before the first move";
    replace(
      this.ui.caption,
      h("b", null, `Move ${this.index} of ${this.total}`),
      state.hole ? h("span", { class: "muted" }, ` · hole ${state.hole} of ${state.holes}`) : null,
      h("span", null, ` · ${text}`),
    );
  }

  private renderTop(): void {
    const game = this.doc.game;
    const title = this.source.kind === "share" && this.source.title ? this.source.title : `Replay · ${game.seats.map((seat) => seat.name).join(", ")}`;
    replace(
      this.ui.top,
      button("lobby", "◂", () => this.options.leave(), { class: "icon ghost", title: "Back to the lobby", "aria-label": "Back to the lobby" }),
      h("div", { class: "grow title" }, h("b", null, title), h("small", { class: "muted" }, ` · ${game.code} · ${new Date(game.createdAt).toLocaleDateString()}`)),
      button("scores", "Scores", () => this.showSheet(true), { class: "ghost small" }),
      button("export", "Export", () => this.download(), { class: "ghost small", title: "Download this game as a file" }),
      button("share", "Share", () => void this.share(), { class: "ghost small", title: "Make a link to this replay" }),
      button("mute", icon(soundMuted() ? "soundOff" : "soundOn"), () => {
        setSoundMuted(!soundMuted());
        this.renderTop();
      }, { class: "icon ghost", "aria-label": "Sound" }),
    );
  }

  private renderBottom(): void {
    const seats = this.doc.game.seats;
    const chip = (id: string, label: string, checked: boolean, onclick: () => void) => button(id, label, onclick, { class: "chip", role: "radio", "aria-checked": String(checked) });
    replace(
      this.ui.bottom,
      this.ui.caption,
      h(
        "div",
        { class: "transport" },
        button("first", icon("first"), () => {
          this.pause();
          this.jump(0);
        }, { class: "icon", title: "Start (Home)", "aria-label": "First move" }),
        button("prev", icon("stepBack"), () => this.back(), { class: "icon", title: "Step back (←)", "aria-label": "Step back" }),
        this.playing
          ? button("pause", icon("pause"), () => this.pause(), { class: "icon primary", title: "Pause (space)", "aria-label": "Pause" })
          : button("play", icon("play"), () => this.play(), { class: "icon primary", title: "Play (space)", "aria-label": "Play" }),
        button("next", icon("stepForward"), () => {
          this.pause();
          void this.forward();
        }, { class: "icon", title: "Step forward (→)", "aria-label": "Step forward" }),
        button("last", icon("last"), () => {
          this.pause();
          this.jump(this.total);
        }, { class: "icon", title: "End", "aria-label": "Last move" }),
        this.ui.scrub,
      ),
      h(
        "div",
        { class: "replay-options" },
        h("span", { class: "chips" }, SPEEDS.map((speed) => chip(`speed-${speed}`, speed === "real" ? "real time" : `${speed}×`, this.speed === speed, () => {
          this.speed = speed;
          this.renderBottom();
        }))),
        h(
          "span",
          { class: "chips" },
          chip("view-all", "Everything", this.viewpoint === "all", () => this.setViewpoint("all")),
          seats.map((seat, index) => chip(`view-${index}`, `${seat.name} saw`, this.viewpoint === index, () => this.setViewpoint(index))),
        ),
      ),
    );
    this.updateInsets();
  }

  private setViewpoint(viewpoint: Viewpoint): void {
    this.viewpoint = viewpoint;
    this.jump(this.index);
    this.renderBottom();
  }

  private showSheet(manual = false): void {
    const state = this.states[this.index]!;
    const names = state.seats.map((seat) => seat.name);
    const final = state.phase === "gameOver";
    this.ui.sheet.dataset.auto = manual ? "0" : "1";
    replace(
      this.ui.sheet,
      scoreSheet(
        {
          names,
          results: state.results.map((result) => ({ hole: result.hole, scores: [...result.scores], winners: [...result.winners], finisher: result.finisher })),
          totals: state.seats.map((seat) => seat.total),
          holes: state.holes,
          final,
          winners: [...state.winners],
          me: -1,
        },
        { close: () => replace(this.ui.sheet), lobby: final ? () => this.options.leave() : undefined },
      ),
    );
  }

  private download(): void {
    const blob = new Blob([JSON.stringify(this.doc, null, 1)], { type: "application/json" });
    const link = h("a", { href: URL.createObjectURL(blob), download: `golf-${this.doc.game.code}-${this.doc.game.createdAt.slice(0, 10)}.json` });
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    toast("Game exported", "good");
  }

  /** The game's id on this server (importing a local file first when needed). */
  private async serverId(): Promise<string> {
    if (this.source.kind === "server") return this.source.gameId;
    if (this.source.kind === "file" && this.source.importedId) return this.source.importedId;
    const { gameId } = await api.importGame(this.doc);
    if (this.source.kind === "file") this.source = { ...this.source, importedId: gameId };
    return gameId;
  }

  private async share(): Promise<void> {
    const menu = this.ui.menu;
    try {
      const gameId = await this.serverId();
      const title = `${this.doc.game.seats.map((seat) => seat.name).join(" vs ")}`;
      const { url } = await api.share(gameId, { title });
      const full = new URL(url, location.origin).href;
      const link = `${full}#${this.index}`;
      menu.dataset.kind = "share";
      replace(
        menu,
        h("h3", null, "Share this replay"),
        h("input", { class: "share-url", readonly: true, value: link, locate: "field:shareUrl", onfocus: (event: FocusEvent) => (event.target as HTMLInputElement).select() }),
        h("p", { class: "muted" }, `Opens at move ${this.index}. Anyone with the link can watch.`),
        h(
          "div",
          { class: "actions" },
          button("copyShare", "Copy link", () => {
            void navigator.clipboard?.writeText(link).then(() => toast("Link copied", "good"), () => undefined);
          }, { class: "primary small" }),
          h("a", { href: link, "data-locate": "button:openShare", class: "button-like small" }, "Open"),
          button("closeMenu", "Close", () => (menu.hidden = true), { class: "ghost small" }),
        ),
      );
      menu.hidden = false;
    } catch (error) {
      toast(`Could not make a link: ${(error as Error).message}`, "error", 4000);
    }
  }
}
