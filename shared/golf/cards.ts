// Cards and shoes. A card is a plain { rank, suit } value; a shoe is a list of them with its top at
// the end (so drawing is a pop from the end of a copy).

export const SUITS = ["hearts", "diamonds", "clubs", "spades"] as const;
export const RANKS = ["A", "2", "3", "4", "5", "6", "7", "8", "9", "10", "J", "Q", "K", "JK"] as const;

export type Suit = (typeof SUITS)[number] | "";
export type Rank = (typeof RANKS)[number];

export interface Card {
  readonly rank: Rank;
  readonly suit: Suit;
}

const STANDARD_RANKS = RANKS.filter((rank) => rank !== "JK");

// One frozen object per card value, shared by every shoe: a card is a value (compared by rank and
// suit, never by identity), and a busy server deals many shoes, each of whose cards would otherwise
// live for a whole hole.
const PACK: readonly Card[] = SUITS.flatMap((suit) => STANDARD_RANKS.map((rank) => Object.freeze({ rank, suit })));
const JOKER: Card = Object.freeze({ rank: "JK", suit: "" });

/** The shoe before shuffling: `decks` packs of 52, plus Jokers as the joker rules say. */
export function buildShoe(decks: number, jokers: number): Card[] {
  const shoe: Card[] = [];
  for (let deck = 0; deck < decks; deck++) shoe.push(...PACK);
  for (let joker = 0; joker < jokers; joker++) shoe.push(JOKER);
  return shoe;
}

export function cardName(card: Card): string {
  return card.rank === "JK" ? "Joker" : `${card.rank} of ${card.suit}`;
}

/** A card's short key: its rank, then its suit's initial ("7h", "10s", "Qd"); a Joker is "JK". */
export function cardKey(card: Card): string {
  return `${card.rank}${card.suit ? card.suit[0] : ""}`;
}

const SUIT_BY_INITIAL: Record<string, Suit> = { h: "hearts", d: "diamonds", c: "clubs", s: "spades" };

/** The card a key names (cardKey's inverse), or null for a string that names none. */
export function cardFromKey(key: string): Card | null {
  if (key === "JK") return { rank: "JK", suit: "" };
  const suit = SUIT_BY_INITIAL[key.slice(-1)];
  const rank = key.slice(0, -1) as Rank;
  return suit && rank !== "JK" && (RANKS as readonly string[]).includes(rank) ? { rank, suit } : null;
}

/** The index of a rank in RANKS, from its characters (a hot path for the CPU players). */
export function rankIndex(rank: Rank): number {
  const first = rank.charCodeAt(0);
  if (first <= 57) return rank.length === 2 ? 9 : first - 49; // "2".."9" -> 1..8, "10" -> 9
  switch (first) {
    case 65: // A
      return 0;
    case 74: // J or JK
      return rank.length === 2 ? 13 : 10;
    case 81: // Q
      return 11;
    default: // K
      return 12;
  }
}

/** The index of a suit in SUITS (0 for a Joker's empty suit). */
export function suitIndex(suit: Suit): number {
  switch (suit.charCodeAt(0)) {
    case 100: // diamonds
      return 1;
    case 99: // clubs
      return 2;
    case 115: // spades
      return 3;
    default: // hearts, or a Joker
      return 0;
  }
}
