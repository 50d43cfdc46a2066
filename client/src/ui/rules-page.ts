// The rules page (/rules): how a hole goes, scoring, and every house rule.
import { BOOLEAN_RULES, FLIP_MODES } from "../../../shared/golf/rules.ts";
import { BOOLEAN_RULE_TEXT, FLIP_MODE_TEXT, INITIAL_FLIPS_TEXT } from "../rules-text.ts";
import { button, h, replace } from "./dom.ts";

export function renderRules(root: HTMLElement, back: () => void): void {
  replace(
    root,
    h("main", { class: "rules-page" },
      h("div", { class: "label-row" }, h("h1", null, "How to play Six-Card Golf"), button("back", "◂ Back", back, { class: "ghost" })),
      h("section", { class: "panel" },
        h("h2", null, "The goal"),
        h("p", null, "Finish with the lowest score. Each player has six cards in two rows of three. Cards in the same column that match in rank cancel out to 0."),
        h("h2", null, "A hole"),
        h("ol", null,
          h("li", null, "Everyone is dealt six face-down cards; one card starts the discard pile."),
          h("li", null, "Everyone turns up two of their cards (the house rules may say 0 or 1)."),
          h("li", null, "On your turn, draw the top of the deck or take the top discard. Swap it with any of your six cards (the old card goes face-up on the discard pile), or, for a card from the deck, discard it."),
          h("li", null, "A card taken from the discard pile must be swapped in; you may put it back before swapping."),
          h("li", null, "The first player with all six cards face-up goes out: everyone else gets one last turn, then all cards are turned up and the hole is scored.")),
        h("h2", null, "Scoring"),
        h("table", { class: "values" },
          h("tr", null, ["A", "2", "3-9", "10", "J", "Q", "K", "Joker"].map((rank) => h("th", null, rank))),
          h("tr", null, ["1", "−2", "face", "10", "10", "10", "0", "−2"].map((value) => h("td", null, value)))),
        h("p", null, "Two cards of the same rank in a column score 0 (even 2s, Kings and Jokers); otherwise a column scores the sum of its cards. Scores add up over the holes; the lowest total wins."),
        h("h2", null, "Playing here"),
        h("ul", null,
          h("li", null, "Tap the deck or the discard pile to draw, then tap one of your cards to swap, or tap the discard pile to throw the drawn card away."),
          h("li", null, "Only the moves you may make are highlighted. With a turn timer, a warning sounds 10 seconds before time runs out; then a CPU plays that turn for you."),
          h("li", null, "Lost your connection? The game reconnects by itself and gives you back your seat."))),
      h("section", { class: "panel" },
        h("h2", null, "House rules"),
        h("p", { class: "muted" }, "All off by default. A game with any house rule is unranked."),
        h("h3", null, "After a discard"),
        h("dl", null, FLIP_MODES.flatMap((mode) => [h("dt", null, FLIP_MODE_TEXT[mode].title), h("dd", null, FLIP_MODE_TEXT[mode].long)])),
        h("h3", null, "Cards turned up at the start"),
        h("p", null, INITIAL_FLIPS_TEXT),
        h("h3", null, "Variants"),
        h("dl", null, BOOLEAN_RULES.flatMap((rule) => [h("dt", { id: `rule-${rule}` }, BOOLEAN_RULE_TEXT[rule].title), h("dd", null, BOOLEAN_RULE_TEXT[rule].long)])),
        h("p", { class: "muted" }, "Hole adjustments apply in this order: Blackjack, Knock Penalty, Knock Bonus, Underdog Bonus, Tied Shame."))),
  );
  window.scrollTo(0, 0);
}
