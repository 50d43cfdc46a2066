// The lazily loaded part of the client: Phaser, the network link and the engine. It owns one
// Phaser game (a full-screen canvas with the DOM HUD over it) and opens the live table, the
// watcher or the replay viewer on it.
import Phaser from "phaser";
import type { CreateOptionsInput as CreateOptions, GolfExport } from "../../../shared/protocol/index.ts";
import { api, ApiError } from "../net/api.ts";
import { GameLink, JoinError, type JoinHow } from "../net/connection.ts";
import { forgetSession } from "../net/account.ts";
import { savedName } from "../prefs.ts";
import { setScene } from "../surface.ts";
import { button, h, replace } from "../ui/dom.ts";
import type { CreateChoices } from "../ui/lobby.ts";
import { toast } from "../ui/toast.ts";
import { LiveTable } from "./live-table.ts";
import { eventsOf } from "./replay-log.ts";
import { ReplayViewer, type ReplaySource } from "./replay.ts";
import { TableView } from "./table-view.ts";

export type GameIntent =
  | { kind: "quick"; name: string }
  | { kind: "create"; name: string; choices: CreateChoices }
  | { kind: "join"; code: string; name: string; spectate?: boolean }
  | { kind: "watch" }
  | { kind: "replay"; gameId?: string; shareCode?: string; file?: File };

/** What the entry module lends: moving between addresses. */
export interface Shell {
  navigate(path: string, mode?: "push" | "replace"): void;
  toLobby(): void;
  go(path: string): void;
}

let game: Phaser.Game | null = null;
let view: TableView | null = null;
let stage: HTMLElement | null = null;
let hud: HTMLElement | null = null;

function pixelRatio(): number {
  return Math.min(2, Math.max(1, window.devicePixelRatio || 1));
}

/** Sizes the canvas to the window, drawn at the screen's pixel density. */
function fit(): void {
  if (!game) return;
  const ratio = pixelRatio();
  const width = Math.max(1, Math.round(window.innerWidth));
  const height = Math.max(1, Math.round(window.innerHeight));
  game.scale.setZoom(1 / ratio);
  game.scale.resize(width * ratio, height * ratio);
}

async function openStage(): Promise<{ view: TableView; hud: HTMLElement }> {
  if (!game || !view || !stage || !hud) {
    const canvasHost = h("div", { class: "canvas-host" });
    hud = h("div", { id: "hud" });
    stage = h("div", { id: "stage" }, canvasHost, hud);
    document.body.appendChild(stage);
    view = new TableView();
    const ratio = pixelRatio();
    game = new Phaser.Game({
      type: Phaser.AUTO,
      parent: canvasHost,
      transparent: true,
      banner: false,
      audio: { noAudio: true },
      scale: { mode: Phaser.Scale.NONE, width: window.innerWidth * ratio, height: window.innerHeight * ratio, zoom: 1 / ratio },
      render: { antialias: true, mipmapFilter: "LINEAR_MIPMAP_LINEAR" },
      scene: [view],
    });
    window.addEventListener("resize", fit);
    await view.whenReady();
    fit();
  }
  stage.hidden = false;
  document.body.classList.add("on-stage");
  return { view, hud };
}

function closeStage(): void {
  view?.cancelAnimations();
  if (hud) replace(hud);
  if (stage) stage.hidden = true;
  document.body.classList.remove("on-stage");
  document.title = "Six-Card Golf";
}

function createOptions(name: string, choices: CreateChoices): CreateOptions {
  return {
    name,
    seats: choices.seats,
    cpus: choices.cpus,
    rules: choices.rules,
    holes: choices.holes,
    ...(choices.decks !== null ? { decks: choices.decks } : {}),
    turnSeconds: choices.turnSeconds,
    ...(choices.cpuDelayMs !== undefined ? { cpuDelayMs: choices.cpuDelayMs } : {}),
    private: choices.private,
  };
}

function joinMessage(error: unknown): string {
  if (error instanceof JoinError) {
    switch (error.code) {
      case "NOT_FOUND":
        return "That game does not exist or has finished";
      case "BAD_OPTIONS":
        return `The server refused: ${error.message}`;
      case "BAD_TOKEN":
        return "That seat's pass is no longer valid";
      case "UNAVAILABLE":
        return "The game is not available right now: try again in a moment";
      case "UNAUTHORIZED":
        forgetSession();
        return "Your session has ended: sign in again, or play on as a guest";
      case "BANNED":
        return `You cannot play: ${error.message}`;
      default:
        return `Cannot reach the server (${error.message})`;
    }
  }
  return (error as Error).message;
}

/** Opens a table, the watcher or a replay. Returns the function that closes it. */
export async function openGame(intent: GameIntent, shell: Shell, root: HTMLElement): Promise<() => void> {
  if (intent.kind === "watch") return openWatch(shell, root);
  if (intent.kind === "replay") return openReplay(intent, shell, root);

  const how: JoinHow =
    intent.kind === "quick"
      ? { kind: "quick", name: intent.name }
      : intent.kind === "create"
        ? { kind: "create", options: createOptions(intent.name, intent.choices) }
        : { kind: "join", code: intent.code, name: intent.name, ...(intent.spectate ? { spectate: true } : {}) };
  let link: GameLink;
  try {
    link = await GameLink.open(how);
  } catch (error) {
    throw new Error(joinMessage(error));
  }
  const code = link.welcome!.code;
  const wanted = intent.kind === "join" && intent.spectate ? `/?join=${code}&watch=1` : `/?join=${code}`;
  shell.navigate(wanted, intent.kind === "join" ? "replace" : "push");
  const { view, hud } = await openStage();
  replace(root);
  const table = new LiveTable(link, view, hud, {
    leave: () => shell.toLobby(),
    openReplay: (gameId) => shell.go(`/replay/${encodeURIComponent(gameId)}`),
    joinGame: (next) => shell.go(`/?join=${next}`),
  });
  table.start();
  setScene("table", table);
  return () => {
    table.stop();
    link.leave();
    closeStage();
  };
}

/** /watch: follows live games, moving on when the one watched ends. */
async function openWatch(shell: Shell, root: HTMLElement): Promise<() => void> {
  const { view, hud } = await openStage();
  replace(root);
  let stopped = false;
  let current: { link: GameLink; table: LiveTable; code: string } | null = null;
  let moving = false;
  const finished = new Set<string>();

  const idle = (message: string) => {
    setScene("table", null);
    replace(
      hud,
      h("div", { class: "topbar" }, button("leave", "◂", () => shell.toLobby(), { class: "icon ghost", "aria-label": "Back to the lobby" }), h("div", { class: "grow title" }, h("b", null, "Watching live games"))),
      h("div", { class: "centre-host" }, h("section", { class: "panel watch-idle" }, h("div", { class: "spinner" }), h("p", null, message), button("lobby", "Back to the lobby", () => shell.toLobby(), { class: "ghost" }))),
    );
  };

  const drop = () => {
    if (!current) return;
    current.table.stop();
    current.link.leave();
    current = null;
  };

  const next = async (): Promise<void> => {
    if (moving) return;
    moving = true;
    try {
      while (!stopped) {
        let games = [] as Awaited<ReturnType<typeof api.liveGames>>;
        try {
          games = await api.liveGames();
        } catch {
          games = [];
        }
        const candidates = games
          .filter((game) => !finished.has(game.code) && game.code !== current?.code && game.phase !== "gameOver")
          .sort((a, b) => Number(a.phase === "lobby") - Number(b.phase === "lobby") || b.players - a.players);
        const pick = candidates[0];
        if (pick) {
          try {
            const link = await GameLink.open({ kind: "join", code: pick.code, name: savedName() || "Spectator", spectate: true });
            if (stopped) {
              link.leave();
              return;
            }
            drop();
            const table = new LiveTable(link, view, hud, {
              leave: () => shell.toLobby(),
              openReplay: (gameId) => shell.go(`/replay/${encodeURIComponent(gameId)}`),
              joinGame: (code) => shell.go(`/?join=${code}`),
              watch: {
                onGameOver: () => {
                  if (finished.has(pick.code)) return;
                  finished.add(pick.code);
                  toast("Game over: moving to the next live game shortly", "info", 4000);
                  setTimeout(() => {
                    if (!stopped && current?.code === pick.code) void next();
                  }, 7000);
                },
                skip: () => {
                  finished.add(pick.code);
                  void next();
                },
              },
            });
            current = { link, table, code: pick.code };
            table.start();
            setScene("table", table);
            return;
          } catch {
            finished.add(pick.code);
            continue;
          }
        }
        if (!current) idle("No live games right now. Waiting for one to start…");
        else {
          drop();
          idle("That game is over. Waiting for the next live game…");
        }
        await new Promise((resolve) => setTimeout(resolve, 3000));
      }
    } finally {
      moving = false;
    }
  };

  idle("Looking for a live game…");
  void next();
  return () => {
    stopped = true;
    drop();
    closeStage();
  };
}

async function openReplay(intent: Extract<GameIntent, { kind: "replay" }>, shell: Shell, root: HTMLElement): Promise<() => void> {
  let doc: GolfExport;
  let source: ReplaySource;
  try {
    if (intent.gameId) {
      doc = await api.exportOf(intent.gameId);
      source = { kind: "server", gameId: intent.gameId };
    } else if (intent.shareCode) {
      const shared = await api.sharedGame(intent.shareCode);
      doc = shared.export;
      source = { kind: "share", code: intent.shareCode, title: shared.title };
    } else {
      const file = intent.file!;
      let parsed: unknown;
      try {
        parsed = JSON.parse(await file.text());
      } catch {
        throw new Error(`${file.name} is not a JSON file`);
      }
      try {
        eventsOf(parsed);
      } catch (error) {
        throw new Error(`${file.name} is not a valid game: ${(error as Error).message}`);
      }
      doc = parsed as GolfExport;
      let importedId: string | null = null;
      try {
        importedId = (await api.importGame(doc)).gameId;
        toast("Game imported", "good");
      } catch (error) {
        toast(error instanceof ApiError && error.status === 400 ? `The server refused the import: ${error.message}` : "Opened here only: the server could not import it", "error", 4500);
      }
      source = { kind: "file", name: file.name, importedId };
      shell.navigate(importedId ? `/replay/${encodeURIComponent(importedId)}` : "/replay/file");
    }
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) throw new Error("That replay does not exist, has expired, or the game is still running");
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) throw new Error("That game is private: only its players can replay it");
    throw error;
  }
  const { view, hud } = await openStage();
  replace(root);
  const viewer = new ReplayViewer(doc, source, view, hud, {
    leave: () => shell.toLobby(),
    setAddress: (path) => history.replaceState(null, "", path),
    openFile: (file) => void openReplay({ kind: "replay", file }, shell, root),
  });
  setScene("replay", viewer);
  viewer.start(ReplayViewer.seqFromHash(location.hash));
  return () => {
    viewer.stop();
    closeStage();
  };
}
