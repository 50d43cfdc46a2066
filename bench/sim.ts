// `npm run sim -- --games N --seats S [--decks D] [--rule name=value ...] [--seed X] [--json]`
// Plays N one-hole games of CPU players (personalities rotated over the seats) through the engine,
// counts every CPU decision against the independent blunder checker, and prints the figures.
import os from "node:os";
import { parseArgs } from "node:util";
import {
  CPU_PROFILES,
  STANDARD_RULES,
  createdEvent,
  cpuCommand,
  decide,
  evolve,
  EMPTY_STATE,
  mergeRules,
  mixSeed,
  rulesPatchSchema,
  seededRng,
  view,
  type Command,
  type GameState,
  type HouseRules,
  type Rng,
} from "../shared/golf/index.ts";
import { BLUNDER_KINDS, blundersOf, type BlunderKind } from "./blunder-check.ts";

const { values } = parseArgs({
  options: {
    games: { type: "string", default: "1000" },
    seats: { type: "string", default: "4" },
    decks: { type: "string" },
    rule: { type: "string", multiple: true, default: [] },
    seed: { type: "string", default: "1" },
    json: { type: "boolean", default: false },
  },
});

function fail(message: string): never {
  console.error(`sim: ${message}`);
  process.exit(2);
}

const games = Number(values.games);
const seats = Number(values.seats);
const decks = values.decks === undefined ? null : Number(values.decks);
const baseSeed = Number(values.seed) >>> 0;
if (!Number.isInteger(games) || games < 1) fail("--games must be a positive whole number");
if (!Number.isInteger(seats) || seats < 2 || seats > 6) fail("--seats must be 2-6");
if (decks !== null && (!Number.isInteger(decks) || decks < 1 || decks > 3)) fail("--decks must be 1-3");

function parseRules(pairs: string[]): HouseRules {
  const patch: Record<string, unknown> = {};
  for (const pair of pairs) {
    const [name, raw = "true"] = pair.split("=");
    patch[name!] = raw === "true" ? true : raw === "false" ? false : /^\d+$/.test(raw) ? Number(raw) : raw;
  }
  const parsed = rulesPatchSchema.safeParse(patch);
  if (!parsed.success) fail(`bad --rule: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
  return mergeRules(STANDARD_RULES, parsed.data as Partial<HouseRules>);
}
const rules = parseRules(values.rule as string[]);

interface Tally {
  scores: number[];
}
const byProfile = new Map<string, Tally>(CPU_PROFILES.map((profile) => [profile.name, { scores: [] }]));
const allScores: number[] = [];
const blunders: Record<BlunderKind, number> = Object.fromEntries(BLUNDER_KINDS.map((kind) => [kind, 0])) as Record<BlunderKind, number>;
let decisions = 0;

function apply(state: GameState, actor: number | "system", command: Command): GameState {
  const decision = decide(state, actor, command);
  if (!decision.ok) throw new Error(`engine refused ${JSON.stringify(command)} from ${actor}: ${decision.error.message}`);
  return decision.state;
}

function playHole(game: number): void {
  const seed = mixSeed(baseSeed, game);
  let state = evolve(EMPTY_STATE, createdEvent({ tableSize: seats, rules, holes: 1, decks, turnSeconds: 0, seed }));
  const profiles = Array.from({ length: seats }, (_, seat) => CPU_PROFILES[(game + seat) % CPU_PROFILES.length]!);
  for (const profile of profiles) state = apply(state, "system", { type: "addCpu", profile: profile.name });
  state = apply(state, "system", { type: "start" });
  // Each CPU has its own random stream, apart from the deck's.
  const rngs: Rng[] = profiles.map((_, seat) => seededRng(mixSeed(seed, seat, 0x5eed)));
  let guard = 0;
  while (state.phase !== "gameOver") {
    if (++guard > 10_000) throw new Error(`game ${game} did not finish`);
    const seat = state.phase === "initialFlip" ? state.seats.findIndex((s) => !s.initialFlipDone) : state.turn;
    const command = cpuCommand(view(state, seat), profiles[seat]!.traits, rngs[seat]!);
    if (!command) throw new Error(`CPU at seat ${seat} had no move in phase ${state.phase}`);
    decisions += 1;
    for (const kind of blundersOf(state, seat, command)) blunders[kind] += 1;
    state = apply(state, seat, command);
  }
  const result = state.results[0]!;
  profiles.forEach((profile, seat) => {
    byProfile.get(profile.name)!.scores.push(result.scores[seat]!);
    allScores.push(result.scores[seat]!);
  });
}

const started = performance.now();
for (let game = 0; game < games; game++) playHole(game);
const seconds = (performance.now() - started) / 1000;

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const index = (sorted.length - 1) * q;
  const low = Math.floor(index);
  const high = Math.ceil(index);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (index - low);
}
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const mean = (list: number[]) => list.reduce((sum, value) => sum + value, 0) / list.length;
const sortedAll = allScores.slice().sort((a, b) => a - b);

const personalities = Object.fromEntries(
  [...byProfile.entries()]
    .filter(([, tally]) => tally.scores.length > 0)
    .map(([name, tally]) => {
      const sorted = tally.scores.slice().sort((a, b) => a - b);
      return [name, { holes: sorted.length, mean: round(mean(sorted)), median: quantile(sorted, 0.5) }];
    }),
);
const totalBlunders = Object.values(blunders).reduce((sum, count) => sum + count, 0);
const summary = {
  games,
  seconds: round(seconds, 3),
  holesPerSecond: Math.round(games / seconds),
  overall: {
    mean: round(mean(sortedAll)),
    median: quantile(sortedAll, 0.5),
    p25: quantile(sortedAll, 0.25),
    p75: quantile(sortedAll, 0.75),
    min: sortedAll[0],
    max: sortedAll.at(-1),
  },
  personalities,
  blunders: { total: totalBlunders, decisions, byKind: blunders },
};

if (values.json) {
  console.log(JSON.stringify(summary));
} else {
  const cpu = os.cpus()[0]?.model ?? "unknown cpu";
  console.log(`Six-Card Golf simulation: ${games} one-hole games, ${seats} seats, decks ${decks ?? "default"}, seed ${baseSeed}`);
  console.log(`machine: ${cpu}, ${os.cpus().length} cores, node ${process.version}`);
  console.log(`rules: ${JSON.stringify(rules)}`);
  console.log(`${summary.seconds} s, ${summary.holesPerSecond} holes/s`);
  console.log(`overall mean ${summary.overall.mean}, median ${summary.overall.median}, p25 ${summary.overall.p25}, p75 ${summary.overall.p75}, min ${summary.overall.min}, max ${summary.overall.max}`);
  console.log("personality  holes   mean  median");
  for (const [name, stats] of Object.entries(personalities)) {
    console.log(`${name.padEnd(12)} ${String(stats.holes).padStart(5)}  ${stats.mean.toFixed(2).padStart(5)}  ${String(stats.median).padStart(6)}`);
  }
  console.log(`blunders: ${totalBlunders} in ${decisions} decisions ${JSON.stringify(blunders)}`);
}
