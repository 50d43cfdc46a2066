// Plain-language descriptions of the house rules, shown in the create form, the table's rule chips
// and the rules page. The effects themselves live in the shared engine (shared/golf/rules.ts); this
// is only the wording, keyed by the engine's rule names so the compiler keeps the two in step.
import type { BooleanRule, FlipMode } from "../../shared/golf/rules.ts";

export interface RuleText {
  title: string;
  short: string;
  long: string;
}

export const BOOLEAN_RULE_TEXT: Record<BooleanRule, RuleText> = {
  useJokers: { title: "Jokers", short: "2 Jokers per deck, −2 each", long: "Two Jokers per deck, each worth −2. A pair of Jokers in a column scores 0." },
  luckySwing: { title: "Lucky Swing", short: "One Joker in the shoe, −5", long: "Exactly one Joker in the whole shoe, worth −5. Turns Jokers on." },
  eagleEye: { title: "Eagle Eye", short: "Joker +2 alone, −4 as a pair", long: "Jokers on (two per deck). An unpaired Joker is +2, a Joker pair scores −4. Takes precedence over Lucky Swing's value." },
  superKings: { title: "Super Kings", short: "Kings are −2", long: "A King is worth −2 instead of 0. A pair of Kings still scores 0 (unless Negative Pairs Keep Value)." },
  tenPenny: { title: "Ten Penny", short: "10s are worth 1", long: "A 10 is worth 1 instead of 10." },
  oneEyedJacks: { title: "One-Eyed Jacks", short: "J♥ and J♠ are 0", long: "The Jack of hearts and the Jack of spades are worth 0. Any two Jacks still pair." },
  negativePairsKeepValue: { title: "Negative Pairs Keep Value", short: "Pairs with a negative card add up", long: "A column pair containing a negative card scores the sum of its two values instead of 0." },
  wolfpack: { title: "Wolfpack", short: "Two Jack pairs: −20", long: "Two or more column pairs of Jacks: −20." },
  fourOfAKind: { title: "Four of a Kind", short: "Same rank paired twice: −20", long: "A rank forming column pairs in two columns: −20 per such rank (stacks with Wolfpack)." },
  blackjack: { title: "Blackjack", short: "A hand of exactly 21 scores 0", long: "A hand scoring exactly 21 becomes 0." },
  knockPenalty: { title: "Knock Penalty", short: "+10 if you go out and lose", long: "+10 to the player who went out if their score is above the lowest score of the hole." },
  knockBonus: { title: "Knock Bonus", short: "−5 for going out", long: "−5 to the player who went out (stacks with Knock Penalty)." },
  underdogBonus: { title: "Underdog Bonus", short: "−3 for the hole's lowest", long: "−3 to every player with the lowest score of the hole." },
  tiedShame: { title: "Tied Shame", short: "+5 for a tied score", long: "+5 to every player whose hole score equals another player's (checked after Underdog Bonus)." },
  flipAsAction: { title: "Flip as Action", short: "Flip a card instead of drawing", long: "On your turn you may flip one of your face-down cards instead of drawing; that ends your turn." },
  knockEarly: { title: "Knock Early", short: "Flip your last 1-2 cards to go out", long: "Before drawing, with one or two face-down cards left, you may flip them all at once; that ends your turn." },
};

export const FLIP_MODE_TEXT: Record<FlipMode, RuleText> = {
  never: { title: "Standard", short: "Discarding ends the turn", long: "After discarding a card drawn from the deck, your turn ends." },
  always: { title: "Speed Golf", short: "Discard, then flip a card", long: "After discarding a card drawn from the deck you must flip one of your face-down cards (if you have any)." },
  endgame: { title: "Endgame Flip", short: "Optional flip near the end", long: "After discarding, while any player has at most one face-down card, you may flip one of yours or skip." },
};

export const INITIAL_FLIPS_TEXT = "Cards each player turns up at the start of a hole (0, 1 or 2; standard is 2).";
