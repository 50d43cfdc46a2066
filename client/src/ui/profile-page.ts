// /u/<name>: a registered player's public profile (GET /api/users/:name): the rating and its chart,
// the stats of every game and of ranked games apart, and the recent public games with their replays.
import type { PlayerStatsBody as PlayerStats, ProfileAnswer } from "../../../shared/protocol/players.ts";
import { api, ApiError } from "../net/api.ts";
import { currentUser, signOutEverywhere } from "../net/account.ts";
import { accountBar, link } from "./account-bar.ts";
import { button, h, replace } from "./dom.ts";
import { toast } from "./toast.ts";
import { ratingChart } from "./rating-chart.ts";
import { placeText } from "./your-games.ts";

/** Games a player needs before a rating is shown (platform.md). */
const RATED_AFTER = 5;

const STAT_ROWS: { label: string; of: (stats: PlayerStats) => string }[] = [
  { label: "Games", of: (s) => String(s.games) },
  { label: "Wins", of: (s) => (s.games ? `${s.wins} (${Math.round((100 * s.wins) / s.games)}%)` : "0") },
  { label: "Holes played", of: (s) => String(s.holes) },
  { label: "Mean hole score", of: (s) => (s.meanHoleScore === null ? "–" : s.meanHoleScore.toFixed(2)) },
  { label: "Best hole", of: (s) => (s.bestHole === null ? "–" : String(s.bestHole)) },
  { label: "Holes won", of: (s) => String(s.holesWon) },
  { label: "Went out first", of: (s) => String(s.wentOut) },
  { label: "… with the lowest score", of: (s) => String(s.wentOutLowest) },
  { label: "Knock penalties", of: (s) => String(s.knockPenalties) },
  { label: "Win streak (best)", of: (s) => `${s.streak} (${s.bestStreak})` },
];

function statsTable(stats: ProfileAnswer["stats"]): HTMLElement {
  return h("table", { class: "board stats" },
    h("thead", null, h("tr", null, h("th", { scope: "col" }, ""), h("th", { scope: "col", class: "num" }, "All games"), h("th", { scope: "col", class: "num" }, "Ranked"))),
    h("tbody", null, STAT_ROWS.map((row) => h("tr", null, h("th", { scope: "row" }, row.label), h("td", { class: "num" }, row.of(stats.all)), h("td", { class: "num" }, row.of(stats.ranked))))));
}

function ratingLine(profile: ProfileAnswer): string {
  const rating = profile.stats.rating;
  if (rating?.rating != null) return `Rating ${rating.rating}`;
  const played = rating?.games ?? profile.stats.ranked.games;
  return `Unrated (${Math.min(played, RATED_AFTER)} of ${RATED_AFTER} ranked games)`;
}

function recentGames(profile: ProfileAnswer, go: (path: string) => void): HTMLElement {
  if (profile.recentGames.length === 0) return h("p", { class: "muted" }, "No public games yet.");
  return h("ul", { class: "live-list" },
    profile.recentGames.map((game) => {
      const others = game.players.filter((player) => player.name !== profile.user.name).map((player) => player.name);
      const when = new Date(game.at).toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" });
      return h("li", { dataset: { game: game.gameId } },
        h("span", { class: "code" }, game.code),
        h("span", { class: "grow" }, game.result ? placeText(game.result) : game.status, game.result?.ranked ? h("small", { class: "badge" }, " ranked") : null,
          h("small", { class: "muted" }, ` ${when}${others.length ? ` · with ${others.join(", ")}` : ""}`)),
        game.canReplay ? link(`replay-${game.gameId}`, `/replay/${encodeURIComponent(game.gameId)}`, "Replay", go, { class: "button-like small" }) : null);
    }));
}

export function renderProfile(root: HTMLElement, name: string, go: (path: string) => void): () => void {
  const bar = accountBar(go);
  const content = h("div", { class: "profile" }, h("p", { class: "muted", role: "status" }, "Loading…"));
  const heading = h("h1", null, name);
  let open = true;
  replace(root,
    h("main", { class: "lobby wide players-page" },
      bar.bar,
      h("section", { class: "panel" },
        h("div", { class: "page-head" }, link("back", "/", "‹ Lobby", go, { class: "button-like small ghost" }), heading),
        content)));
  document.title = `${name} · Six-Card Golf`;
  document.body.dataset.ready = "page";

  void (async () => {
    let profile: ProfileAnswer;
    try {
      profile = await api.profile(name);
    } catch (error) {
      if (!open) return;
      const missing = error instanceof ApiError && (error.status === 404 || error.status === 400);
      replace(content, h("p", { class: "muted", role: "status" }, missing ? `There is no registered player called ${name}. (Guests have no public profile.)` : `This profile cannot be loaded: ${(error as Error).message}`),
        link("toLeaderboard", "/leaderboard", "See the leaderboard", go, { class: "button-like small" }));
      return;
    }
    if (!open) return;
    heading.textContent = profile.user.name;
    const chart = ratingChart(profile.ratingHistory);
    const mine = currentUser()?.id === profile.user.id;
    replace(content,
      h("p", { class: "rating-line" }, h("b", { class: "rating" }, ratingLine(profile)), mine ? h("small", { class: "muted" }, " · this is you") : null),
      mine ? button("signOutEverywhere", "Sign out on every device", () => void signOutEverywhere().then(() => toast("Signed out on every device"), (error: Error) => toast(`Could not sign out: ${error.message}`, "error")), { class: "small ghost" }) : null,
      h("h3", null, "Rating"),
      chart ?? h("p", { class: "muted" }, "No ranked games yet."),
      h("h3", null, "Stats"),
      h("div", { class: "table-scroll" }, statsTable(profile.stats)),
      h("h3", null, "Recent games"),
      recentGames(profile, go));
  })();

  return () => {
    open = false;
    bar.stop();
    document.title = "Six-Card Golf";
  };
}
