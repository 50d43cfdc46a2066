// What a CPU seat can work out from its view alone: which cards it has not seen (the shoe minus
// every face-up card, the discard pile and its own drawn card), and expected scores over them.
//
// For speed, cards are grouped into classes that score alike: a rank with its value (only
// oneEyedJacks splits a rank by suit). Column scores between classes come from a table made once
// per set of house rules.
import { RANKS, rankIndex, SUITS, suitIndex, type Card } from "../cards.ts";
import { jokersInShoe, scoringFor, type HouseRules } from "../rules.ts";
import type { GameView } from "../view.ts";

export const UNKNOWN = -1;

/** The card classes of one set of house rules, and their column-score table. */
export interface ClassTable {
  count: number;
  rankOf: Int8Array;
  valueOf: Float64Array;
  /** column[a * count + b]: the score of a column holding classes a and b. */
  column: Float64Array;
  /** Class of a card, by rank index * 4 + suit index (Jokers: rank index * 4). */
  classOfCard: Int8Array;
  /** Per class, the classes of the same rank (itself included): the only ones it can pair with. */
  sameRank: number[][];
  /** Per class, its cards in one 52-card deck. */
  perDeck: number[];
  jokerClass: number;
}

const SUIT_INDEX: Record<string, number> = { hearts: 0, diamonds: 1, clubs: 2, spades: 3, "": 0 };
const tables = new WeakMap<HouseRules, ClassTable>();

function classTable(rules: HouseRules): ClassTable {
  const cached = tables.get(rules);
  if (cached) return cached;
  const scoring = scoringFor(rules);
  const samples: Card[] = [];
  const keys = new Map<string, number>();
  const classOfCard = new Int8Array(RANKS.length * 4).fill(-1);
  RANKS.forEach((rank, rankIndex) => {
    const suits = rank === "JK" ? [""] : SUITS;
    for (const suit of suits) {
      const card = { rank, suit } as Card;
      const key = `${rank}:${scoring.value(card)}`;
      let index = keys.get(key);
      if (index === undefined) {
        index = samples.length;
        keys.set(key, index);
        samples.push(card);
      }
      classOfCard[rankIndex * 4 + SUIT_INDEX[suit]!] = index;
    }
  });
  const count = samples.length;
  const column = new Float64Array(count * count);
  for (let a = 0; a < count; a++) for (let b = 0; b < count; b++) column[a * count + b] = scoring.column(samples[a]!, samples[b]!);
  const table: ClassTable = {
    count,
    rankOf: Int8Array.from(samples, (card) => RANKS.indexOf(card.rank)),
    valueOf: Float64Array.from(samples, (card) => scoring.value(card)),
    column,
    classOfCard,
    sameRank: samples.map((card) => samples.flatMap((other, index) => (other.rank === card.rank ? [index] : []))),
    perDeck: new Array(count).fill(0),
    jokerClass: classOfCard[(RANKS.length - 1) * 4]!,
  };
  for (let cardIndex = 0; cardIndex < (RANKS.length - 1) * 4; cardIndex++) table.perDeck[classOfCard[cardIndex]!]! += 1;
  tables.set(rules, table);
  return table;
}

export function classOf(table: ClassTable, card: Card): number {
  return table.classOfCard[rankIndex(card.rank) * 4 + suitIndex(card.suit)]!;
}

export class Knowledge {
  readonly table: ClassTable;
  /** How many cards of each class are still unseen by this seat. */
  readonly unseen: number[];
  readonly unseenTotal: number;
  /** Classes with at least one unseen card. */
  readonly present: number[];
  /** Expected value of an unseen card. */
  readonly meanUnseen: number;
  private readonly withUnknown: number[];
  private bothUnknown = NaN;

  constructor(view: GameView) {
    const table = classTable(view.rules);
    this.table = table;
    // Plain arrays: a decision allocates these, and typed arrays cost more to allocate.
    const decks = Math.max(1, view.decks);
    const unseen = table.perDeck.map((count) => count * decks);
    unseen[table.jokerClass]! += jokersInShoe(view.rules, decks);
    for (let seat = 0; seat < view.seats.length; seat++) {
      const cards = view.seats[seat]!.cards;
      for (let position = 0; position < cards.length; position++) {
        const card = cards[position]!.card;
        if (card) unseen[classOf(table, card)]! -= 1;
      }
    }
    const pile = view.discardPile;
    for (let index = 0; index < pile.length; index++) unseen[classOf(table, pile[index]!)]! -= 1;
    if (view.drawn) unseen[classOf(table, view.drawn)]! -= 1;
    let total = 0;
    let valueSum = 0;
    this.present = [];
    for (let c = 0; c < table.count; c++) {
      if (unseen[c]! < 0) unseen[c] = 0;
      if (unseen[c]! > 0) {
        this.present.push(c);
        total += unseen[c]!;
        valueSum += unseen[c]! * table.valueOf[c]!;
      }
    }
    this.unseen = unseen;
    this.unseenTotal = total;
    this.meanUnseen = total > 0 ? valueSum / total : 5;
    this.withUnknown = new Array(table.count).fill(NaN);
  }

  value(c: number): number {
    return this.table.valueOf[c]!;
  }

  rankOf(c: number): number {
    return this.table.rankOf[c]!;
  }

  column(top: number, bottom: number): number {
    return this.table.column[top * this.table.count + bottom]!;
  }

  /**
   * The expected score of a column holding class `known` and one unseen card. Two cards of different
   * ranks score the sum of their values, so this is value + mean, corrected for the unseen cards of
   * the same rank only (a pair): constant time per class.
   */
  columnWithUnknown(known: number): number {
    let cached = this.withUnknown[known]!;
    if (Number.isNaN(cached)) {
      const table = this.table;
      const value = table.valueOf[known]!;
      cached = value + this.meanUnseen;
      if (this.unseenTotal > 0) {
        for (const other of table.sameRank[known]!) {
          const count = this.unseen[other]!;
          if (count > 0) cached -= (count / this.unseenTotal) * (value + table.valueOf[other]! - table.column[known * table.count + other]!);
        }
      }
      this.withUnknown[known] = cached;
    }
    return cached;
  }

  /** The expected score of a column of two unseen cards. */
  columnBothUnknown(): number {
    if (Number.isNaN(this.bothUnknown)) {
      const table = this.table;
      let pairCorrection = 0;
      if (this.unseenTotal > 1) {
        for (const c of this.present) {
          for (const other of table.sameRank[c]!) {
            // Drawn without replacement: a second card of the same class is one fewer.
            const pairs = this.unseen[c]! * (this.unseen[other]! - (other === c ? 1 : 0));
            if (pairs > 0) pairCorrection += pairs * (table.valueOf[c]! + table.valueOf[other]! - table.column[c * table.count + other]!);
          }
        }
        pairCorrection /= this.unseenTotal * (this.unseenTotal - 1);
      }
      this.bothUnknown = 2 * this.meanUnseen - pairCorrection;
    }
    return this.bothUnknown;
  }

  /** The chance that an unseen card has the rank of class `c`. */
  rankChance(c: number): number {
    if (this.unseenTotal === 0) return 0;
    let count = 0;
    for (const other of this.table.sameRank[c]!) count += this.unseen[other]!;
    return count / this.unseenTotal;
  }

  /** A seat's grid as classes, UNKNOWN for face-down slots. */
  gridOf(view: GameView, seat: number): number[] {
    return view.seats[seat]!.cards.map((slot) => (slot.card ? classOf(this.table, slot.card) : UNKNOWN));
  }
}
