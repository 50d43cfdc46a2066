// The CPU players: they decide from their seat's view only, never blunder (by the independent
// checker), know the house rules, play far better than chance, and pace themselves as asked.
import { describe, expect, it } from "vitest";
import { blundersOf } from "../../../bench/blunder-check.ts";
import { decide } from "../decide.ts";
import { EMPTY_STATE, evolve } from "../evolve.ts";
import { createdEvent } from "../settings.ts";
import { legalCommands } from "../moves.ts";
import { cpuThinkMs } from "../pacing.ts";
import { CPU_PROFILES, findProfile } from "../profiles.ts";
import { mixSeed, seededRng, shuffled, type Rng } from "../rng.ts";
import { mergeRules, STANDARD_RULES, type HouseRules } from "../rules.ts";
import type { Command, GameState } from "../types.ts";
import { view } from "../view.ts";
import { cpuCommand } from "./index.ts";

type Player = "cpu" | "random";

function play(state: GameState, actor: number | "system", command: Command): GameState {
  const decision = decide(state, actor, command);
  if (!decision.ok) throw new Error(`${JSON.stringify(command)} by ${actor}: ${decision.error.message}`);
  return decision.state;
}

/** Plays one hole; calls `onDecision` before each CPU decision. Returns the hole's scores. */
function playHole(options: { seed: number; rules?: Partial<HouseRules>; players: Player[]; onDecision?: (state: GameState, seat: number, command: Command) => void }): number[] {
  const rules = mergeRules(STANDARD_RULES, options.rules ?? {});
  let state = evolve(EMPTY_STATE, createdEvent({ tableSize: options.players.length, rules, holes: 1, decks: null, turnSeconds: 0, seed: options.seed }));
  for (let seat = 0; seat < options.players.length; seat++) state = play(state, "system", { type: "addCpu" });
  state = play(state, "system", { type: "start" });
  const rngs: Rng[] = options.players.map((_, seat) => seededRng(mixSeed(options.seed, seat, 77)));
  while (state.phase !== "gameOver") {
    const seat = state.phase === "initialFlip" ? state.seats.findIndex((s) => !s.initialFlipDone) : state.turn;
    const seatView = view(state, seat);
    let command: Command;
    if (options.players[seat] === "cpu") {
      command = cpuCommand(seatView, findProfile(state.seats[seat]!.profile)!.traits, rngs[seat]!)!;
      options.onDecision?.(state, seat, command);
    } else {
      const legal = legalCommands(seatView);
      command = legal[Math.floor(rngs[seat]!() * legal.length)]!;
    }
    state = play(state, seat, command);
  }
  return state.results[0]!.scores.slice();
}

/** The same view with the hidden cards moved around: deck order and face-down cards permuted. */
function withHiddenCardsShuffled(state: GameState, rng: Rng): GameState {
  const hidden = [...state.deck];
  const slots: [number, number][] = [];
  state.seats.forEach((seat, s) => seat.cards.forEach((slot, p) => !slot.faceUp && slots.push([s, p])));
  for (const [s, p] of slots) hidden.push(state.seats[s]!.cards[p]!.card);
  // Only a card drawn from the deck by this seat is hidden from others; the CPU holds it itself.
  const mixed = shuffled(hidden, rng);
  const seats = state.seats.map((seat) => ({ ...seat, cards: seat.cards.slice() }));
  for (const [s, p] of slots) seats[s]!.cards[p] = { card: mixed.pop()!, faceUp: false };
  return { ...state, seats, deck: mixed, seed: (state.seed as number) ^ 0xffff };
}

describe("CPU players", () => {
  it("decide only from their seat's view: moving hidden cards and the deck order changes nothing", () => {
    let decisions = 0;
    let differentWorlds = 0;
    for (let game = 0; game < 60; game++) {
      playHole({
        seed: 1000 + game,
        players: ["cpu", "cpu", "cpu", "cpu"],
        onDecision: (state, seat, command) => {
          const profile = findProfile(state.seats[seat]!.profile)!;
          const other = withHiddenCardsShuffled(state, seededRng(game * 1000 + decisions));
          expect(view(other, seat)).toEqual(view(state, seat));
          if (JSON.stringify(other.deck) !== JSON.stringify(state.deck)) differentWorlds++;
          // The same random stream in both worlds: only hidden information differs.
          const rng = seededRng(decisions);
          const again = cpuCommand(view(other, seat), profile.traits, rng);
          const replay = cpuCommand(view(state, seat), profile.traits, seededRng(decisions));
          expect(again).toEqual(replay);
          void command;
          decisions++;
        },
      });
    }
    expect(decisions).toBeGreaterThan(1000);
    expect(differentWorlds).toBeGreaterThan(decisions / 2);
  });

  const RULE_SETS: Partial<HouseRules>[] = [
    {},
    { flipMode: "always" },
    { flipMode: "endgame", initialFlips: 0 },
    { initialFlips: 1, useJokers: true },
    { luckySwing: true },
    { eagleEye: true },
    { superKings: true, negativePairsKeepValue: true },
    { tenPenny: true, oneEyedJacks: true },
    { wolfpack: true, fourOfAKind: true },
    { blackjack: true, knockPenalty: true, knockBonus: true },
    { underdogBonus: true, tiedShame: true },
    { flipAsAction: true, knockEarly: true },
    { useJokers: true, negativePairsKeepValue: true, superKings: true, flipMode: "always", knockEarly: true },
  ];
  for (const rules of RULE_SETS) {
    it(`make no move on the blunder list under ${JSON.stringify(rules)}`, () => {
      const found: string[] = [];
      let decisions = 0;
      for (let game = 0; game < 150; game++) {
        playHole({
          seed: 7000 + game,
          rules,
          players: Array.from({ length: 2 + (game % 5) }, () => "cpu" as const),
          onDecision: (state, seat, command) => {
            decisions++;
            for (const kind of blundersOf(state, seat, command)) found.push(`${kind} in game ${game}: ${JSON.stringify(command)}`);
          },
        });
      }
      expect(decisions).toBeGreaterThan(3000);
      expect(found).toEqual([]);
    });
  }

  it("play far better than random legal moves", () => {
    let cpuTotal = 0;
    let randomTotal = 0;
    for (let game = 0; game < 300; game++) {
      const players: Player[] = game % 2 === 0 ? ["cpu", "random"] : ["random", "cpu"];
      const scores = playHole({ seed: 9000 + game, players });
      scores.forEach((score, seat) => (players[seat] === "cpu" ? (cpuTotal += score) : (randomTotal += score)));
    }
    expect(cpuTotal / 300).toBeLessThan(randomTotal / 300 - 8);
  });

  it("are the rulebook's eight personalities, found in any letter case", () => {
    expect(CPU_PROFILES.map((profile) => [profile.name, profile.traits.swapThreshold, profile.traits.pairHope, profile.traits.aggression, profile.traits.unpredictability])).toEqual([
      ["Sofia", 4, 0.2, 0.2, 0.02],
      ["Maya", 6, 0.4, 0.85, 0.1],
      ["Priya", 7, 0.8, 0.5, 0.05],
      ["Marcus", 5, 0.35, 0.4, 0.03],
      ["Kenji", 8, 0.7, 0.75, 0.12],
      ["Diego", 6, 0.5, 0.6, 0.28],
      ["River", 5, 0.45, 0.55, 0.08],
      ["Sage", 5, 0.3, 0.9, 0.15],
    ]);
    expect(findProfile("kEnJi")?.name).toBe("Kenji");
    expect(findProfile("nobody")).toBeUndefined();
  });

  it("pace themselves: instant at 0, about 1-2 s by default, quicker when aggressive", () => {
    const rng = seededRng(3);
    expect(cpuThinkMs(findProfile("Sofia")!.traits, rng, 0)).toBe(0);
    const sofia = Array.from({ length: 500 }, () => cpuThinkMs(findProfile("Sofia")!.traits, rng));
    const sage = Array.from({ length: 500 }, () => cpuThinkMs(findProfile("Sage")!.traits, rng));
    for (const delay of [...sofia, ...sage]) {
      expect(delay).toBeGreaterThanOrEqual(800);
      expect(delay).toBeLessThanOrEqual(2100);
    }
    const mean = (list: number[]) => list.reduce((a, b) => a + b, 0) / list.length;
    expect(mean(sage)).toBeLessThan(mean(sofia));
  });

  it("have nothing to do when it is not their turn, and are deterministic for a given stream", () => {
    let state = evolve(EMPTY_STATE, createdEvent({ tableSize: 2, rules: STANDARD_RULES, holes: 1, decks: null, turnSeconds: 0, seed: 5 }));
    state = play(play(state, "system", { type: "addCpu" }), "system", { type: "addCpu" });
    expect(cpuCommand(view(state, 0), CPU_PROFILES[0]!.traits, seededRng(1))).toBeNull();
    state = play(state, "system", { type: "start" });
    expect(cpuCommand(view(state, "spectator"), CPU_PROFILES[0]!.traits, seededRng(1))).toBeNull();
    const first = cpuCommand(view(state, 0), CPU_PROFILES[5]!.traits, seededRng(9));
    expect(cpuCommand(view(state, 0), CPU_PROFILES[5]!.traits, seededRng(9))).toEqual(first);
    expect(first?.type).toBe("flipInitial");
  });
});
