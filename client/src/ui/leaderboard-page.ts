// /leaderboard: the boards of ranked games (GET /api/leaderboards/:metric), a tab per metric and per
// period, your own row pinned above the table when you are on the board, more rows by cursor.
// /leaderboard?metric=wins&period=week opens those tabs.
// Types only: players.ts holds the server's zod schemas too, which the browser does not load.
import type { LeaderboardAnswer, LeaderboardEntry, LeaderboardMetricName as LeaderboardMetric, LeaderboardPeriodName as LeaderboardPeriod } from "../../../shared/protocol/players.ts";
import { api, ApiError } from "../net/api.ts";
import { currentUser, onUserChange } from "../net/account.ts";
import { accountBar, link, profilePath } from "./account-bar.ts";
import { button, h, replace } from "./dom.ts";

const METRIC_TEXT: Record<LeaderboardMetric, { tab: string; column: string; about: string }> = {
  rating: { tab: "Rating", column: "Rating", about: "All time, players with at least 5 ranked games." },
  wins: { tab: "Wins", column: "Wins", about: "Ranked games won (a shared win counts)." },
  meanHoleScore: { tab: "Mean hole", column: "Mean hole score", about: "Lowest first; players with at least 36 holes in the period." },
  games: { tab: "Games", column: "Games", about: "Ranked games played." },
};
const PERIOD_TEXT: Record<LeaderboardPeriod, string> = { all: "All time", month: "This month", week: "This week" };
// Every metric and period (the records above name each one: the compiler checks they are complete).
const LEADERBOARD_METRICS = Object.keys(METRIC_TEXT) as LeaderboardMetric[];
const LEADERBOARD_PERIODS = Object.keys(PERIOD_TEXT) as LeaderboardPeriod[];

export function formatValue(metric: LeaderboardMetric, value: number): string {
  return metric === "meanHoleScore" ? value.toFixed(2) : String(Math.round(value));
}

function tabs<T extends string>(idPrefix: string, label: string, values: readonly T[], text: (value: T) => string, current: () => T, disabled: (value: T) => boolean, pick: (value: T) => void): HTMLElement {
  const row = h("div", { class: "chips tabs", role: "tablist", "aria-label": label });
  for (const value of values) {
    const selected = value === current();
    row.appendChild(button(`${idPrefix}-${value}`, text(value), () => pick(value), {
      class: "chip",
      role: "tab",
      "aria-selected": String(selected),
      tabindex: selected ? "0" : "-1",
      disabled: disabled(value),
    }));
  }
  // Arrow keys move between tabs (the usual tablist keys).
  row.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
    const enabled = [...row.querySelectorAll<HTMLButtonElement>("button:not(:disabled)")];
    const at = enabled.indexOf(document.activeElement as HTMLButtonElement);
    const next = enabled[(at + (event.key === "ArrowRight" ? 1 : enabled.length - 1)) % enabled.length];
    next?.focus();
    next?.click();
  });
  return row;
}

export function renderLeaderboard(root: HTMLElement, go: (path: string) => void): () => void {
  const query = new URLSearchParams(location.search);
  let metric: LeaderboardMetric = (LEADERBOARD_METRICS as string[]).includes(query.get("metric") ?? "") ? (query.get("metric") as LeaderboardMetric) : "rating";
  let period: LeaderboardPeriod = (LEADERBOARD_PERIODS as string[]).includes(query.get("period") ?? "") ? (query.get("period") as LeaderboardPeriod) : "all";
  if (metric === "rating") period = "all";
  let loadId = 0;
  let next: string | null = null;

  const bar = accountBar(go);
  const tabHost = h("div", { class: "board-tabs" });
  const about = h("p", { class: "hint" });
  const pinned = h("div", { class: "pinned", hidden: true, "aria-label": "Your standing" });
  const body = h("tbody");
  const valueHead = h("th", { scope: "col", class: "num" });
  // The games column says how many games a value stands on (not on the games board: that is its value).
  const gamesHead = h("th", { scope: "col", class: "num" }, "Games");
  const table = h("table", { class: "board" }, h("thead", null, h("tr", null, h("th", { scope: "col", class: "num" }, "#"), h("th", { scope: "col" }, "Player"), valueHead, gamesHead)), body);
  const status = h("p", { class: "muted", role: "status" });
  const more = button("more", "Show more", () => void load(true), { class: "small", hidden: true });

  const row = (entry: LeaderboardEntry, mine: boolean) =>
    h("tr", { class: mine ? "me" : undefined, dataset: { user: entry.user.name } },
      h("td", { class: "num place" }, String(entry.rank)),
      h("td", null, link(`player-${entry.user.name}`, profilePath(entry.user.name), entry.user.name, go)),
      h("td", { class: "num value" }, formatValue(metric, entry.value)),
      metric === "games" ? null : h("td", { class: "num" }, String(entry.games)));

  function paintTabs(): void {
    replace(tabHost,
      tabs("metric", "Board", LEADERBOARD_METRICS, (m) => METRIC_TEXT[m].tab, () => metric, () => false, (m) => {
        metric = m;
        if (m === "rating") period = "all";
        void load(false);
      }),
      tabs("period", "Period", LEADERBOARD_PERIODS, (p) => PERIOD_TEXT[p], () => period, (p) => metric === "rating" && p !== "all", (p) => {
        period = p;
        void load(false);
      }));
    about.textContent = METRIC_TEXT[metric].about;
    valueHead.textContent = METRIC_TEXT[metric].column;
    gamesHead.hidden = metric === "games";
  }

  async function load(append: boolean): Promise<void> {
    const id = ++loadId;
    if (!append) {
      next = null;
      paintTabs();
      history.replaceState(null, "", `/leaderboard?metric=${metric}&period=${period}`);
      replace(body);
      status.textContent = "Loading…";
    }
    let answer: LeaderboardAnswer;
    try {
      answer = await api.leaderboard(metric, period, append ? next : null);
    } catch (error) {
      if (id !== loadId) return;
      status.textContent = error instanceof ApiError && error.status === 404 ? "Leaderboards are not available on this server yet." : `The leaderboard cannot be loaded: ${(error as Error).message}`;
      more.hidden = true;
      return;
    }
    if (id !== loadId) return;
    const me = answer.me ?? null;
    const myId = currentUser()?.id;
    body.append(...answer.rows.map((entry) => row(entry, entry.user.id === myId)));
    next = answer.next;
    more.hidden = !next;
    status.textContent = body.children.length === 0 ? "Nobody on this board yet: play a ranked game (standard rules) to be the first." : "";
    if (!append) {
      pinned.hidden = !me;
      if (me) replace(pinned, h("span", { class: "muted" }, "You"), h("b", null, `#${me.rank}`), h("span", { class: "grow" }, me.user.name), h("b", null, formatValue(metric, me.value)), metric === "games" ? null : h("small", { class: "muted" }, me.games === 1 ? "1 game" : `${me.games} games`));
    }
  }

  replace(root,
    h("main", { class: "lobby wide players-page" },
      bar.bar,
      h("section", { class: "panel" },
        h("div", { class: "page-head" }, link("back", "/", "‹ Lobby", go, { class: "button-like small ghost" }), h("h1", null, "Leaderboard")),
        h("p", { class: "hint" }, "Ranked games only: the standard rules, every CPU at its strongest. Registered players are listed."),
        tabHost, about, pinned,
        h("div", { class: "table-scroll" }, table), status, more)));
  document.title = "Leaderboard · Six-Card Golf";
  document.body.dataset.ready = "page";
  void load(false);
  // Signing in or out changes the pinned row: load again.
  const stopFollowing = onUserChange(() => void load(false));
  return () => {
    loadId += 1;
    bar.stop();
    stopFollowing();
    document.title = "Six-Card Golf";
  };
}
