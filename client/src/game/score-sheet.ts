// The score sheet: every hole's scores per player and the running totals, between holes and at
// the end of the game (with the winners, play again and the replay).
import { playerName } from "../ui/player-name.ts";
import { button, h } from "../ui/dom.ts";

export interface HoleLine {
  hole: number;
  scores: number[];
  winners: number[];
  finisher: number;
}

export interface SheetData {
  names: string[];
  /** Each seat's account (Seat.userId; "" without one): their names link to profiles. */
  userIds?: string[];
  results: HoleLine[];
  totals: number[];
  holes: number;
  final: boolean;
  /** The game's winners (final sheet). */
  winners: number[];
  me: number;
}

export interface SheetActions {
  close?: () => void;
  /** Host only, between holes. */
  nextHole?: () => void;
  /** When the next hole starts by itself (epoch ms), if known. */
  nextHoleAt?: number;
  playAgain?: () => void;
  joinAgain?: () => void;
  replay?: () => void;
  lobby?: () => void;
}

function signed(value: number): string {
  return value > 0 ? `+${value}` : String(value);
}

export function scoreSheet(data: SheetData, actions: SheetActions): HTMLElement {
  const order = data.names.map((_, seat) => seat).sort((a, b) => (data.totals[a] ?? 0) - (data.totals[b] ?? 0));
  const lastHole = data.results.at(-1);
  const holesShown = data.results.map((line) => line.hole);
  const title = data.final
    ? data.winners.length > 1
      ? `A tie: ${data.winners.map((seat) => data.names[seat]).join(" & ")}`
      : `${data.names[data.winners[0] ?? -1] ?? "Nobody"} wins!`
    : lastHole
      ? `Hole ${lastHole.hole} of ${data.holes}`
      : "Scores";
  const table = h(
    "table",
    { class: "sheet-table" },
    h("thead", null, h("tr", null, h("th", null, "Player"), holesShown.map((hole) => h("th", { class: "num" }, String(hole))), h("th", { class: "num total" }, "Total"))),
    h(
      "tbody",
      null,
      order.map((seat, rank) =>
        h(
          "tr",
          { class: [seat === data.me ? "me" : "", data.final && data.winners.includes(seat) ? "winner" : ""].join(" ") },
          h("td", null, h("span", { class: "rank" }, String(rank + 1)), playerName(data.names[seat] ?? `Seat ${seat + 1}`, data.userIds?.[seat])),
          data.results.map((line) =>
            h("td", { class: ["num", line.winners.includes(seat) ? "won" : "", line.finisher === seat ? "out" : ""].join(" "), title: line.finisher === seat ? "went out" : "" }, signed(line.scores[seat] ?? 0)),
          ),
          h("td", { class: "num total" }, String(data.totals[seat] ?? 0)),
        ),
      ),
    ),
  );
  const countdown = h("span", { class: "muted" });
  if (actions.nextHoleAt && !data.final) {
    const tick = () => {
      if (!countdown.isConnected) return;
      const left = Math.max(0, Math.ceil((actions.nextHoleAt! - Date.now()) / 1000));
      countdown.textContent = left > 0 ? `Next hole in ${left}s` : "Dealing…";
      if (left > 0) setTimeout(tick, 250);
    };
    setTimeout(tick, 0);
  }
  return h(
    "div",
    { class: "sheet-backdrop" },
    h(
      "section",
      { class: `sheet panel${data.final ? " final" : ""}`, role: "dialog", "aria-label": "Score sheet" },
      h("header", null, h("h2", null, title), actions.close ? button("closeSheet", "✕", actions.close, { class: "icon ghost", "aria-label": "Show the table" }) : null),
      h("div", { class: "sheet-scroll" }, table),
      h("p", { class: "legend muted" }, "Lowest total wins. ", h("span", { class: "won-key" }, "Gold"), " won the hole; ", h("span", { class: "out-key" }, "underlined"), " went out."),
      h(
        "div",
        { class: "actions" },
        countdown,
        actions.lobby ? button("lobby", "Lobby", actions.lobby, { class: "ghost" }) : null,
        actions.replay ? button("replay", "Watch the replay", actions.replay, { class: "ghost" }) : null,
        actions.joinAgain ? button("joinAgain", "Join the rematch", actions.joinAgain, { class: "primary" }) : null,
        actions.playAgain ? button("playAgain", "Play again", actions.playAgain, { class: "primary" }) : null,
        actions.nextHole ? button("nextHole", "Next hole", actions.nextHole, { class: "primary" }) : null,
      ),
    ),
  );
}
