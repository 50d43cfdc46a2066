// "Your games" in the lobby (signed in, guest or registered): games still on, to take the seat back
// from any device, and recent finished ones, to replay. From GET /api/me/games.
import type { GameSummary as PlayerGame } from "../../../shared/protocol/players.ts";
import type { PublicUser } from "../../../shared/protocol/accounts.ts";
import { api } from "../net/api.ts";
import { currentUser, onUserChange } from "../net/account.ts";
import { button, h, replace } from "./dom.ts";

const SHOWN_FINISHED = 5;

export interface YourGamesActions {
  resume(code: string): void;
  replay(gameId: string): void;
}

function opponents(game: PlayerGame, me: string): string {
  const others = game.players.filter((player) => player.name !== me).map((player) => player.name);
  return others.length ? `with ${others.join(", ")}` : "";
}

/** "won", or the place: "2nd of 4". */
export function placeText(result: NonNullable<PlayerGame["result"]>): string {
  if (result.won) return "won";
  const suffix = ["th", "st", "nd", "rd"][result.place > 3 ? 0 : result.place]!;
  return `${result.place}${suffix} of ${result.players}`;
}

export function yourGames(actions: YourGamesActions): { section: HTMLElement; stop: () => void } {
  const list = h("ul", { class: "live-list your-games" });
  const section = h("div", { class: "field", hidden: true, "aria-live": "polite" }, h("label", null, "Your games"), list);
  let shownFor = "";

  async function refresh(user: PublicUser | null): Promise<void> {
    if (!user) {
      section.hidden = true;
      shownFor = "";
      return;
    }
    shownFor = user.id;
    let active: PlayerGame[], finished: PlayerGame[];
    try {
      [active, finished] = await Promise.all([api.myGames("active").then((a) => a.games), api.myGames("finished").then((a) => a.games)]);
    } catch {
      section.hidden = true;
      return;
    }
    if (shownFor !== user.id) return;
    const rows = [
      ...active.map((game) =>
        h("li", { dataset: { game: game.code } },
          h("span", { class: "code" }, game.code),
          h("span", { class: "grow" }, game.status === "lobby" ? "waiting to start" : "playing", h("small", null, ` ${opponents(game, user.name)}`)),
          game.canResume ? button(`resume-${game.code}`, "Resume", () => actions.resume(game.code), { class: "small primary" }) : null)),
      ...finished.slice(0, SHOWN_FINISHED).map((game) =>
        h("li", { dataset: { game: game.code } },
          h("span", { class: "code" }, game.code),
          h("span", { class: "grow" }, game.result ? placeText(game.result) : "finished", game.result?.ranked ? h("small", { class: "badge" }, " ranked") : null, h("small", null, ` ${opponents(game, user.name)}`)),
          game.canReplay ? button(`replay-${game.gameId}`, "Replay", () => actions.replay(game.gameId), { class: "small" }) : null)),
    ];
    section.hidden = rows.length === 0;
    replace(list, rows);
  }

  void refresh(currentUser());
  return { section, stop: onUserChange((user) => void refresh(user)) };
}
