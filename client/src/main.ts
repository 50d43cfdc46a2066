// The entry point: installs window.golf, routes the address, shows the lobby (plain DOM, in this
// chunk) or loads the table and replay code (Phaser, the Colyseus SDK, the engine) on demand.
//
// Routes (docs/client.md): /  lobby · /?join=CODE  join that game · /watch  follow live games ·
// /replay/<gameId> and /r/<share code>  the replay viewer (#<seq> opens it at that event) · /rules ·
// /leaderboard · /u/<name>  a player's profile
//
// Sitting down at a table first makes sure this browser has a session (a guest with the typed name on
// the first visit: net/account.ts), so the seat belongs to the player on every device.
import "./ui/styles.css";
import { installSurface, setScene } from "./surface.ts";
import { renderLobby, type CreateChoices } from "./ui/lobby.ts";
import { renderRules } from "./ui/rules-page.ts";
import { h, replace } from "./ui/dom.ts";
import { savedName, saveName } from "./prefs.ts";
import { toast } from "./ui/toast.ts";
import { ensureSession, restoreSession } from "./net/account.ts";
import type { GameIntent, Shell } from "./game/app.ts";

const root = document.getElementById("app")!;
let leaveCurrent: (() => void) | null = null;
/** The address (path and query) on show: a change of the #hash alone is the replay's business. */
let shownAddress = "";

const loadGameCode = () => import("./game/app.ts");
const loadPlayerPages = () => import("./ui/player-pages.ts");

const shell: Shell = {
  navigate(path: string, mode: "push" | "replace" = "push") {
    if (mode === "push") history.pushState(null, "", path);
    else history.replaceState(null, "", path);
    shownAddress = location.pathname + location.search;
  },
  toLobby() {
    history.pushState(null, "", "/");
    void route(true);
  },
  go(path: string) {
    history.pushState(null, "", path);
    void route(true);
  },
};

function leave(): void {
  const stop = leaveCurrent;
  leaveCurrent = null;
  stop?.();
}

/** Whether this intent takes a seat (and so wants a session first). */
function sitsDown(intent: GameIntent): intent is Extract<GameIntent, { name: string }> {
  return intent.kind === "quick" || intent.kind === "create" || (intent.kind === "join" && !intent.spectate);
}

async function openGame(intent: GameIntent): Promise<void> {
  leave();
  replace(root, h("div", { class: "loading" }, h("div", { class: "spinner" }), h("p", null, "Shuffling the deck…")));
  try {
    // (An imported replay file makes its guest when it is imported: net/api.ts.)
    const session = sitsDown(intent) ? ensureSession(intent.name) : restoreSession();
    const [app] = await Promise.all([loadGameCode(), session]);
    leaveCurrent = await app.openGame(intent, shell, root);
  } catch (error) {
    console.error(error);
    toast(`Could not open the game: ${(error as Error).message}`, "error", 5000);
    shell.toLobby();
  }
}

function showLobby(): void {
  leave();
  setScene("lobby", null);
  const stop = renderLobby(root, {
    quickPlay: (name) => void openGame({ kind: "quick", name }),
    create: (name: string, choices: CreateChoices) => void openGame({ kind: "create", name, choices }),
    join: (code, name) => {
      shell.navigate(`/?join=${code}`);
      void openGame({ kind: "join", code, name });
    },
    watch: (code) => {
      shell.navigate(code ? `/?join=${code}&watch=1` : "/watch");
      void openGame(code ? { kind: "join", code, name: savedName() || "Spectator", spectate: true } : { kind: "watch" });
    },
    openReplayFile: (file) => void openGame({ kind: "replay", file }),
    showRules: () => shell.go("/rules"),
    go: (path) => shell.go(path),
  });
  leaveCurrent = stop;
  // Interactive once the lobby is on screen: its handlers are attached now; the mark waits for the
  // first contentful paint (the benchmark reads it: BENCHMARKS.md, "Client (issue 5)").
  whenPainted(() => {
    document.body.dataset.ready = "lobby";
    if (!performance.getEntriesByName("lobby-interactive").length) performance.mark("lobby-interactive");
    // Then fetch the table code while the player reads the lobby, so a click starts a game at once.
    const idle = window.requestIdleCallback ?? ((callback: () => void) => setTimeout(callback, 200));
    idle(() => void loadGameCode().catch(() => undefined));
  });
}

/** Calls `then` once the page has painted content (at once if it already has). */
function whenPainted(then: () => void): void {
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    then();
  };
  if (performance.getEntriesByName("first-contentful-paint").length) return finish();
  try {
    new PerformanceObserver((list, observer) => {
      if (list.getEntriesByName("first-contentful-paint").length) {
        observer.disconnect();
        finish();
      }
    }).observe({ type: "paint", buffered: true });
  } catch {
    // No paint timing here: the next frame will do.
  }
  requestAnimationFrame(() => setTimeout(() => setTimeout(finish, 500)));
}

/** /?join=CODE without a remembered name: ask for one first (or just watch). */
function askNameThenJoin(code: string): void {
  leave();
  setScene("lobby", null);
  const input = h("input", { id: "name", locate: "field:name", maxlength: 20, placeholder: "Your name", "aria-label": "Your name" });
  const go = (spectate: boolean) => {
    const name = input.value.trim();
    if (!spectate && !name) {
      toast("Type your name first", "error");
      input.focus();
      return;
    }
    if (name) saveName(name);
    void openGame({ kind: "join", code, name: name || "Spectator", spectate });
  };
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") go(false);
  });
  replace(
    root,
    h("main", { class: "lobby" },
      h("section", { class: "panel main" },
        h("h2", null, `Join game ${code}`),
        h("div", { class: "field" }, h("label", { for: "name" }, "Your name"), input),
        h("div", { class: "actions" },
          h("button", { type: "button", class: "ghost", locate: "button:justWatch", onclick: () => go(true) }, "Just watch"),
          h("button", { type: "button", class: "primary", locate: "button:join", onclick: () => go(false) }, "Join")))),
  );
  document.body.dataset.ready = "lobby";
  input.focus();
}

/** Shows what the address asks for; `force` even when only the #hash changed since last time. */
async function route(force = false): Promise<void> {
  const url = new URL(location.href);
  const address = url.pathname + url.search;
  if (address === shownAddress && !force) return;
  shownAddress = address;
  const path = url.pathname.replace(/\/+$/, "") || "/";
  const join = url.searchParams.get("join");
  let match: RegExpExecArray | null;
  if (path === "/" && join) {
    const code = join.toUpperCase();
    const name = savedName();
    if (url.searchParams.get("watch")) return openGame({ kind: "join", code, name: name || "Spectator", spectate: true });
    if (!name) return askNameThenJoin(code);
    return openGame({ kind: "join", code, name });
  }
  if (path === "/watch") return openGame({ kind: "watch" });
  if ((match = /^\/replay\/([^/]+)$/.exec(path))) return openGame({ kind: "replay", gameId: decodeURIComponent(match[1]!) });
  if ((match = /^\/r\/([^/]+)$/.exec(path))) return openGame({ kind: "replay", shareCode: decodeURIComponent(match[1]!) });
  const profile = /^\/u\/([^/]+)$/.exec(path);
  if (path === "/leaderboard" || profile) {
    const name = profile ? decodeURIComponent(profile[1]!) : null;
    leave();
    setScene("lobby", null);
    try {
      const pages = await loadPlayerPages();
      leaveCurrent = name === null ? pages.renderLeaderboard(root, shell.go) : pages.renderProfile(root, name, shell.go);
    } catch (error) {
      console.error(error);
      toast("Could not open that page: check your connection", "error", 5000);
    }
    return;
  }
  if (path === "/rules") {
    leave();
    setScene("lobby", null);
    renderRules(root, () => (history.length > 1 ? history.back() : shell.toLobby()));
    return;
  }
  if (path !== "/" || url.search) {
    history.replaceState(null, "", "/");
    shownAddress = "/";
  }
  showLobby();
}

installSurface();
window.addEventListener("popstate", () => void route());
void route(true);
// A kept session is renewed (or forgotten when it is over) while the lobby draws.
void restoreSession();
