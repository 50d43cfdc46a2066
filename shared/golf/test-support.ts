// Helpers for the engine's tests: cards from short names, rigged deals, and random whole games.
import { expect } from "vitest";
import { buildShoe, cardKey, type Card, type Rank, type Suit } from "./cards.ts";
import { decide } from "./decide.ts";
import { EMPTY_STATE, evolve, fold } from "./evolve.ts";
import { createdEvent } from "./settings.ts";
import { jokersInShoe, mergeRules, STANDARD_RULES, type HouseRules } from "./rules.ts";
import type { Actor, Command, GameEvent, GameState } from "./types.ts";

const SUIT_LETTERS: Record<string, Suit> = { H: "hearts", D: "diamonds", C: "clubs", S: "spades" };

/** "5H" is the 5 of hearts, "10S" the 10 of spades, "JK" a Joker. */
export function card(name: string): Card {
  if (name === "JK") return { rank: "JK", suit: "" };
  const suit = SUIT_LETTERS[name.slice(-1)];
  if (!suit) throw new Error(`bad card name ${name}`);
  return { rank: name.slice(0, -1) as Rank, suit };
}
export const cards = (names: string) => names.split(/\s+/).filter(Boolean).map(card);

export function rules(patch: Partial<HouseRules> = {}): HouseRules {
  return mergeRules(STANDARD_RULES, patch);
}

/** A started game of `hands.length` human seats (P0, P1, ...) with a rigged first hole. */
export function riggedGame(options: { hands: string[]; discard: string; deck: string; rules?: Partial<HouseRules>; holes?: number; dealer?: number }): { state: GameState; events: GameEvent[] } {
  const seats = options.hands.length;
  const events: GameEvent[] = [createdEvent({ tableSize: seats, rules: rules(options.rules), holes: options.holes ?? 1, decks: 1, turnSeconds: 0, seed: 7 })];
  for (let seat = 0; seat < seats; seat++) events.push({ type: "seatTaken", seat, data: { name: `P${seat}`, kind: "human", profile: "" } });
  events.push({ type: "started", seat: null, data: { order: Array.from({ length: seats }, (_, i) => i), decks: 1 } });
  events.push({
    type: "holeStarted",
    seat: null,
    data: { hole: 1, dealer: options.dealer ?? seats - 1, hands: options.hands.map(cards), discard: card(options.discard), deck: cards(options.deck) },
  });
  return { state: fold(events), events };
}

/** Applies a command that must succeed; returns the new state and the events it produced. */
export function play(state: GameState, actor: Actor, command: Command): { state: GameState; events: GameEvent[] } {
  const decision = decide(state, actor, command);
  if (!decision.ok) throw new Error(`expected ${JSON.stringify(command)} by ${actor} to succeed: ${decision.error.reason} ${decision.error.message}`);
  return { state: decision.state, events: decision.events };
}

/** Expects a command to fail with `code` (and `reason` when given), changing nothing. */
export function expectRefused(state: GameState, actor: Actor, command: Command, code: string, reason?: string): void {
  const before = JSON.stringify(state);
  const decision = decide(state, actor, command);
  expect(decision.ok, `${JSON.stringify(command)} by ${actor} should be refused`).toBe(false);
  if (!decision.ok) {
    expect(decision.error.code).toBe(code);
    if (reason) expect(decision.error.reason).toBe(reason);
    expect(decision.error.message.length).toBeGreaterThan(0);
  }
  expect(JSON.stringify(state)).toBe(before);
}

/** Every card in a state, wherever it is. */
export function allCards(state: GameState): Card[] {
  const found: Card[] = [...state.deck, ...state.discard];
  if (state.drawn) found.push(state.drawn);
  for (const seat of state.seats) for (const slot of seat.cards) found.push(slot.card);
  return found;
}

export function multiset(list: Card[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of list) counts[cardKey(c)] = (counts[cardKey(c)] ?? 0) + 1;
  return counts;
}

export function shoeOf(state: GameState): Card[] {
  return buildShoe(state.decks, jokersInShoe(state.rules, state.decks));
}

/** A new game with CPU seats only, started. */
export function startedCpuGame(options: { seats: number; rules?: Partial<HouseRules>; holes?: number; decks?: number | null; seed: number }): { state: GameState; events: GameEvent[] } {
  const events: GameEvent[] = [createdEvent({ tableSize: options.seats, rules: rules(options.rules), holes: options.holes ?? 1, decks: options.decks ?? null, turnSeconds: 0, seed: options.seed })];
  let state = evolve(EMPTY_STATE, events[0]!);
  for (let seat = 0; seat < options.seats; seat++) {
    const step = play(state, "system", { type: "addCpu" });
    state = step.state;
    events.push(...step.events);
  }
  const step = play(state, "system", { type: "start" });
  events.push(...step.events);
  return { state: step.state, events };
}
