// Properties over thousands of seeded random games: random tables and house rules, players making
// random legal moves or CPU moves, and random illegal commands thrown in. At every step: cards are
// conserved, the fold of the events equals the live state, no viewer's projection holds hidden
// information, illegal commands change nothing; every hole's scores match an independent recount;
// the same seed replays the same game; the whole log verifies.
import { describe, expect, it } from "vitest";
import type { Card } from "./cards.ts";
import { decide } from "./decide.ts";
import { EMPTY_STATE, evolve } from "./evolve.ts";
import { createdEvent } from "./settings.ts";
import { verifyLog } from "./verify.ts";
import { legalCommands } from "./moves.ts";
import { CPU_PROFILES } from "./profiles.ts";
import { cpuCommand } from "./cpu/index.ts";
import { mixSeed, seededRng, type Rng } from "./rng.ts";
import { BOOLEAN_RULES, FLIP_MODES, mergeRules, STANDARD_RULES, type HouseRules } from "./rules.ts";
import { allCards, multiset, shoeOf } from "./test-support.ts";
import type { Command, GameEvent, GameState } from "./types.ts";
import { canSeeDrawn, projectEvent, seenBetterBy, view, type Viewer } from "./view.ts";

const GAMES = 2000;

function randomRules(rng: Rng): HouseRules {
  const patch: Partial<HouseRules> = {
    flipMode: FLIP_MODES[Math.floor(rng() * 3)]!,
    initialFlips: Math.floor(rng() * 3) as 0 | 1 | 2,
  };
  for (const name of BOOLEAN_RULES) if (rng() < 0.25) patch[name] = true;
  return mergeRules(STANDARD_RULES, patch);
}

const ILLEGAL_PROBES: Command[] = [
  { type: "draw", source: "deck" },
  { type: "draw", source: "discard" },
  { type: "swap", position: 0 },
  { type: "swap", position: 9 },
  { type: "discard" },
  { type: "cancelDraw" },
  { type: "flip", position: 0 },
  { type: "flip", position: -1 },
  { type: "skipFlip" },
  { type: "knock" },
  { type: "flipInitial", positions: [0, 0] },
  { type: "flipInitial", positions: [5, 4] },
  { type: "nextHole" },
  { type: "start" },
  { type: "configure", holes: 4 },
  { type: "addCpu" },
  { type: "removeCpu", seat: 0 },
  { type: "leave" },
  { type: "draw", source: "table" as "deck" },
];

// --- an independent recount of the rulebook's scoring --------------------------------------

function recountValue(rules: HouseRules, c: Card): number {
  if (c.rank === "A") return 1;
  if (c.rank === "2") return -2;
  if (c.rank === "K") return rules.superKings ? -2 : 0;
  if (c.rank === "Q") return 10;
  if (c.rank === "10") return rules.tenPenny ? 1 : 10;
  if (c.rank === "J") return rules.oneEyedJacks && (c.suit === "hearts" || c.suit === "spades") ? 0 : 10;
  if (c.rank === "JK") return rules.eagleEye ? 2 : rules.luckySwing ? -5 : -2;
  return Number(c.rank);
}

function recountHand(rules: HouseRules, grid: Card[]): number {
  let total = 0;
  const pairedRanks: string[] = [];
  for (const [top, bottom] of [[grid[0]!, grid[3]!], [grid[1]!, grid[4]!], [grid[2]!, grid[5]!]] as const) {
    const a = recountValue(rules, top);
    const b = recountValue(rules, bottom);
    if (top.rank !== bottom.rank) {
      total += a + b;
      continue;
    }
    pairedRanks.push(top.rank);
    if (top.rank === "JK" && rules.eagleEye) total -= 4;
    else if (rules.negativePairsKeepValue && Math.min(a, b) < 0) total += a + b;
  }
  const counts = new Map<string, number>();
  for (const rank of pairedRanks) counts.set(rank, (counts.get(rank) ?? 0) + 1);
  if (rules.wolfpack && (counts.get("J") ?? 0) >= 2) total -= 20;
  if (rules.fourOfAKind) total -= 20 * [...counts.values()].filter((count) => count >= 2).length;
  return total;
}

function recountHole(rules: HouseRules, raw: number[], finisher: number): number[] {
  let scores = raw.map((score) => (rules.blackjack && score === 21 ? 0 : score));
  if (finisher >= 0 && rules.knockPenalty && scores.some((score) => score < scores[finisher]!)) scores[finisher]! += 10;
  if (finisher >= 0 && rules.knockBonus) scores[finisher]! -= 5;
  if (rules.underdogBonus) {
    const low = Math.min(...scores);
    scores = scores.map((score) => (score === low ? score - 3 : score));
  }
  if (rules.tiedShame) {
    const seen = scores.slice();
    scores = scores.map((score) => (seen.filter((other) => other === score).length > 1 ? score + 5 : score));
  }
  return scores;
}

// --- hidden information ---------------------------------------------------------------------

const CARD_IN_JSON = /"rank":"([^"]+)","suit":"([^"]*)"/g;

function cardsInJson(json: string): Record<string, number> {
  const found: Card[] = [];
  for (const match of json.matchAll(CARD_IN_JSON)) found.push({ rank: match[1] as Card["rank"], suit: match[2] as Card["suit"] });
  return multiset(found);
}

/** The cards a viewer may legitimately see in a state: face-up cards, the discard pile, a visible drawn card. */
function visibleCards(state: GameState, viewer: Viewer): Record<string, number> {
  const visible: Card[] = [...state.discard];
  for (const seat of state.seats) for (const slot of seat.cards) if (slot.faceUp) visible.push(slot.card);
  if (state.drawn && canSeeDrawn(state, viewer)) visible.push(state.drawn);
  return multiset(visible);
}

/** Plain checks (thousands per game); a failure throws with what leaked. */
function expectNothingHidden(json: string, state: GameState, viewer: Viewer, what: string): void {
  const leaks: string[] = [];
  if (json.includes('"seed"')) leaks.push("the seed");
  if (/"deck":\[/.test(json)) leaks.push("the deck order");
  if (json.includes('"hands":')) leaks.push("the deal");
  const allowed = visibleCards(state, viewer);
  for (const [key, count] of Object.entries(cardsInJson(json))) {
    if (count > (allowed[key] ?? 0)) leaks.push(`${key} ${count} times, ${allowed[key] ?? 0} visible`);
  }
  if (leaks.length > 0) expect.fail(`${what} shows ${leaks.join(", ")}: ${json}`);
}

function sortedCounts(list: Card[]): [string, number][] {
  return Object.entries(multiset(list)).sort(([a], [b]) => (a < b ? -1 : 1));
}

// --- one random game -------------------------------------------------------------------------

interface PlayedGame {
  events: GameEvent[];
  state: GameState;
}

function playRandomGame(seed: number, checks: boolean): PlayedGame {
  const rng = seededRng(mixSeed(seed, 1));
  const tableSize = 2 + Math.floor(rng() * 5);
  const rules = randomRules(rng);
  const holes = rng() < 0.8 ? 1 : 2;
  const decks = rng() < 0.5 ? null : 1 + Math.floor(rng() * 3);
  const created = createdEvent({ tableSize, rules, holes, decks, turnSeconds: 0, seed: mixSeed(seed, 2) });
  const events: GameEvent[] = [created];
  let state = evolve(EMPTY_STATE, created);
  let folded = state;
  // Each step checks the spectator and one seat, rotating, so every seat is checked often.
  let viewers: Viewer[] = ["spectator", 0];

  const apply = (actor: number | "system", command: Command) => {
    const decision = decide(state, actor, command);
    if (!decision.ok) throw new Error(`seed ${seed}: ${JSON.stringify(command)} by ${actor} refused: ${decision.error.message}`);
    for (const e of decision.events) {
      folded = evolve(folded, e);
      if (!checks) continue;
      for (const viewer of viewers) {
        if (typeof viewer === "number" && viewer >= folded.seats.length) continue;
        expectNothingHidden(JSON.stringify(projectEvent(e, viewer)), folded, viewer, `seed ${seed}: ${e.type} for ${viewer}`);
      }
      // The room encodes one projection for everyone but the seat that sees more (seenBetterBy).
      const better = seenBetterBy(e);
      for (let seat = 0; seat < folded.seats.length; seat++) {
        if (seat !== better) expect(projectEvent(e, seat), `seed ${seed}: ${e.type} for seat ${seat}`).toEqual(projectEvent(e, "spectator"));
      }
      if (e.type === "holeEnded") {
        const before = state;
        const raw = folded.seats.map((seat) => recountHand(before.rules, seat.cards.map((slot) => slot.card)));
        expect(e.data.raw, `seed ${seed}: raw scores`).toEqual(raw);
        const scores = recountHole(before.rules, raw, e.data.finisher);
        expect(e.data.scores, `seed ${seed}: adjusted scores`).toEqual(scores);
        const low = Math.min(...scores);
        expect(e.data.winners).toEqual(scores.flatMap((score, seat) => (score === low ? [seat] : [])));
        expect(e.data.totals).toEqual(before.seats.map((seat, index) => seat.total + scores[index]!));
      }
    }
    events.push(...decision.events);
    state = decision.state;
    viewers = ["spectator", events.length % Math.max(1, state.seats.length)];
    if (checks) {
      if (JSON.stringify(folded) !== JSON.stringify(state)) expect.fail(`seed ${seed}: the fold of the events differs from the live state`);
      if (state.phase !== "lobby" && JSON.stringify(sortedCounts(allCards(state))) !== JSON.stringify(sortedCounts(shoeOf(state)))) {
        expect(multiset(allCards(state)), `seed ${seed}: cards not conserved`).toEqual(multiset(shoeOf(state)));
      }
      for (const viewer of viewers) {
        if (typeof viewer === "number" && viewer >= state.seats.length) continue;
        expectNothingHidden(JSON.stringify(view(state, viewer)), state, viewer, `seed ${seed}: view of ${viewer}`);
      }
    }
  };

  const seatCount = 2 + Math.floor(rng() * (tableSize - 1));
  apply("system", { type: "join", name: "Host" });
  for (let seat = 1; seat < seatCount; seat++) apply("system", rng() < 0.5 ? { type: "join", name: `P${seat}` } : { type: "addCpu" });
  apply(0, { type: "start" });
  const cpuRngs = Array.from({ length: seatCount }, (_, seat) => seededRng(mixSeed(seed, 3, seat)));
  const usesCpu = Array.from({ length: seatCount }, () => rng() < 0.5);

  for (let guard = 0; state.phase !== "gameOver"; guard++) {
    if (guard > 5000) throw new Error(`seed ${seed}: the game did not end`);
    if (state.phase === "holeOver") {
      apply(0, { type: "nextHole" });
      continue;
    }
    const actor = state.phase === "initialFlip" ? state.seats.findIndex((seat) => !seat.initialFlipDone) : state.turn;
    // Now and then an illegal command, from anyone: refused with a typed error, nothing changed.
    if (checks && rng() < 0.15) {
      const probe = ILLEGAL_PROBES[Math.floor(rng() * ILLEGAL_PROBES.length)]!;
      const prober = Math.floor(rng() * state.seats.length);
      const normal = (command: Command) => JSON.stringify(command.type === "flipInitial" ? { ...command, positions: command.positions.slice().sort() } : command);
      const legal = legalCommands(view(state, prober)).some((command) => normal(command) === normal(probe));
      const isHostOnly = ["nextHole", "start", "configure", "addCpu", "removeCpu", "leave"].includes(probe.type);
      if (!legal && !isHostOnly) {
        const before = JSON.stringify(state);
        const decision = decide(state, prober, probe);
        expect(decision.ok, `seed ${seed}: ${JSON.stringify(probe)} by ${prober} should be illegal`).toBe(false);
        if (!decision.ok) expect(["WRONG_PHASE", "NOT_YOUR_TURN", "ILLEGAL_MOVE", "NOT_HOST", "BAD_MESSAGE"]).toContain(decision.error.code);
        expect(JSON.stringify(state)).toBe(before);
      }
    }
    const seatView = view(state, actor);
    const legal = legalCommands(seatView);
    expect(legal.length, `seed ${seed}: seat ${actor} has no legal move in ${state.phase}`).toBeGreaterThan(0);
    const command = usesCpu[actor] ? cpuCommand(seatView, CPU_PROFILES[actor % 8]!.traits, cpuRngs[actor]!)! : legal[Math.floor(rng() * legal.length)]!;
    apply(actor, command);
  }
  return { events, state };
}

describe(`properties over ${GAMES} seeded random games`, () => {
  const CHUNK = 250;
  for (let from = 1; from <= GAMES; from += CHUNK) {
    it(`games ${from}-${from + CHUNK - 1}: conserve cards, fold to the live state, hide what they must, refuse illegal moves, score right`, () => {
      for (let seed = from; seed < from + CHUNK; seed++) {
        const game = playRandomGame(seed, true);
        expect(game.state.phase).toBe("gameOver");
      }
    });
  }

  it("replays the same game from the same seed, and every log verifies through the engine", () => {
    for (let seed = 5000; seed < 5000 + GAMES; seed++) {
      const first = playRandomGame(seed, false);
      if (seed % 4 === 0) expect(JSON.stringify(playRandomGame(seed, false).events)).toBe(JSON.stringify(first.events));
      expect(verifyLog(first.events)).toEqual(first.state);
    }
  });

  it("deals differently from different seeds", () => {
    const deals = new Set<string>();
    for (let seed = 1; seed <= 50; seed++) {
      const deal = playRandomGame(seed, false).events.find((e) => e.type === "holeStarted")!;
      deals.add(JSON.stringify(deal.data));
    }
    expect(deals.size).toBe(50);
  });
});
