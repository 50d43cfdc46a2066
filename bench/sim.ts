// `npm run sim -- --games N --seats S [--decks D] [--rule name=value ...] [--seed X] [--workers W] [--json]`
// Plays N one-hole games of CPU players (personalities rotated over the seats) through the engine,
// checks every CPU decision with the independent blunder checker, and prints the figures.
// Games are independent and seeded by their index, so the figures do not depend on how they are
// spread: `--workers W` plays them on W worker threads of this one process (default: one per core).
import os from "node:os";
import { parseArgs } from "node:util";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
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
  seededRng,
  SETTING_CHECKS,
  view,
  type Command,
  type GameState,
  type HouseRules,
  type Rng,
} from "../shared/golf/index.ts";
import { rulesPatchSchema } from "../shared/protocol/index.ts";
import { BLUNDER_KINDS, blundersOf, type BlunderKind } from "./blunder-check.ts";
import { percentilesOf } from "./lib/histogram.ts";

const { values } = parseArgs({
  options: {
    games: { type: "string", default: "1000" },
    seats: { type: "string", default: "4" },
    decks: { type: "string" },
    rule: { type: "string", multiple: true, default: [] },
    seed: { type: "string", default: "1" },
    workers: { type: "string" },
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
const settingProblem = SETTING_CHECKS.tableSize(seats) ?? SETTING_CHECKS.decks(decks);
if (settingProblem) fail(`--${settingProblem}`);
// Small runs are not worth a worker's start-up.
const workerCount = values.workers === undefined ? Math.min(os.availableParallelism(), Math.max(1, Math.floor(games / 500))) : Number(values.workers);
if (!Number.isInteger(workerCount) || workerCount < 1 || workerCount > 64) fail("--workers must be 1-64");

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

/** What a batch of games produced; batches from several workers add up. */
interface Tally {
  scoresByProfile: Record<string, number[]>;
  blunders: Record<BlunderKind, number>;
  decisions: number;
  seconds: number;
}

function apply(state: GameState, actor: number | "system", command: Command): GameState {
  const decision = decide(state, actor, command);
  if (!decision.ok) throw new Error(`engine refused ${JSON.stringify(command)} from ${actor}: ${decision.error.message}`);
  return decision.state;
}

/** Plays one-hole games `from` to `to` (exclusive). */
function runGames(from: number, to: number): Tally {
  const tally: Tally = {
    scoresByProfile: Object.fromEntries(CPU_PROFILES.map((profile) => [profile.name, []])),
    blunders: Object.fromEntries(BLUNDER_KINDS.map((kind) => [kind, 0])) as Record<BlunderKind, number>,
    decisions: 0,
    seconds: 0,
  };
  const started = performance.now();
  for (let game = from; game < to; game++) {
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
      tally.decisions += 1;
      for (const kind of blundersOf(state, seat, command)) tally.blunders[kind] += 1;
      state = apply(state, seat, command);
    }
    const result = state.results[0]!;
    profiles.forEach((profile, seat) => tally.scoresByProfile[profile.name]!.push(result.scores[seat]!));
  }
  tally.seconds = (performance.now() - started) / 1000;
  return tally;
}

/** Spreads the games over worker threads; the clock starts once every worker is loaded. */
async function runInWorkers(count: number): Promise<{ tallies: Tally[]; seconds: number }> {
  const workers = Array.from({ length: count }, (_, index) => {
    const from = Math.floor((games * index) / count);
    const to = Math.floor((games * (index + 1)) / count);
    return new Worker(new URL("./ts-worker.mjs", import.meta.url), { workerData: { entry: import.meta.url, from, to }, argv: process.argv.slice(2) });
  });
  const nextMessage = <T>(worker: Worker) => new Promise<T>((resolve, reject) => worker.once("message", resolve).once("error", reject));
  await Promise.all(workers.map((worker) => nextMessage(worker)));
  const started = performance.now();
  const tallies = await Promise.all(
    workers.map((worker) => {
      const done = nextMessage<Tally>(worker);
      worker.postMessage("go");
      return done;
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(workers.map((worker) => worker.terminate()));
  return { tallies, seconds };
}

/** Hole scores are whole numbers, some below zero: the nearest-rank percentiles `ps` of `scores`. */
const scorePercentiles = (scores: number[], ps: number[]) => percentilesOf(scores, ps, { unit: 1, lowest: -1000 });
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const mean = (list: number[]) => list.reduce((sum, value) => sum + value, 0) / list.length;

function report(tallies: Tally[], seconds: number): void {
  const scoresByProfile = Object.fromEntries(CPU_PROFILES.map((profile) => [profile.name, tallies.flatMap((tally) => tally.scoresByProfile[profile.name]!)]));
  const sortedAll = Object.values(scoresByProfile).flat().sort((a, b) => a - b);
  const [median, p25, p75] = scorePercentiles(sortedAll, [50, 25, 75]);
  const personalities = Object.fromEntries(
    Object.entries(scoresByProfile)
      .filter(([, scores]) => scores.length > 0)
      .map(([name, scores]) => {
        return [name, { holes: scores.length, mean: round(mean(scores)), median: scorePercentiles(scores, [50])[0]! }];
      }),
  );
  const blunders = Object.fromEntries(BLUNDER_KINDS.map((kind) => [kind, tallies.reduce((sum, tally) => sum + tally.blunders[kind], 0)])) as Record<BlunderKind, number>;
  const decisions = tallies.reduce((sum, tally) => sum + tally.decisions, 0);
  const totalBlunders = Object.values(blunders).reduce((sum, count) => sum + count, 0);
  const summary = {
    games,
    seconds: round(seconds, 3),
    holesPerSecond: Math.round(games / seconds),
    workers: workerCount,
    warmupGamesPerWorker: WARMUP_GAMES,
    overall: {
      mean: round(mean(sortedAll)),
      median,
      p25,
      p75,
      min: sortedAll[0],
      max: sortedAll.at(-1),
    },
    personalities,
    blunders: { total: totalBlunders, decisions, byKind: blunders },
  };
  if (values.json) {
    console.log(JSON.stringify(summary));
    return;
  }
  console.log(`Six-Card Golf simulation: ${games} one-hole games, ${seats} seats, decks ${decks ?? "default"}, seed ${baseSeed}`);
  console.log(`machine: ${os.cpus()[0]?.model ?? "unknown cpu"}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`);
  console.log(`rules: ${JSON.stringify(rules)}`);
  console.log(`${summary.seconds} s, ${summary.holesPerSecond} holes/s on ${workerCount} thread${workerCount === 1 ? "" : "s"} (after ${WARMUP_GAMES} untimed warm-up games each)`);
  const overall = summary.overall;
  console.log(`overall mean ${overall.mean}, median ${overall.median}, p25 ${overall.p25}, p75 ${overall.p75}, min ${overall.min}, max ${overall.max}`);
  console.log("personality  holes   mean  median");
  for (const [name, stats] of Object.entries(personalities)) {
    console.log(`${name.padEnd(12)} ${String(stats.holes).padStart(5)}  ${stats.mean.toFixed(2).padStart(5)}  ${String(stats.median).padStart(6)}`);
  }
  console.log(`blunders: ${totalBlunders} in ${decisions} decisions ${JSON.stringify(blunders)}`);
}

/** Steady-state figures: each thread first plays games outside the measured range (seeds past N),
 *  untimed, so the JIT has compiled the hot paths. */
const WARMUP_GAMES = 500;
const warmUp = () => void runGames(games, games + WARMUP_GAMES);

if (!isMainThread) {
  const { from, to } = workerData as { from: number; to: number };
  warmUp();
  parentPort!.postMessage("ready");
  parentPort!.once("message", () => parentPort!.postMessage(runGames(from, to)));
} else if (workerCount === 1) {
  warmUp();
  const tally = runGames(0, games);
  report([tally], tally.seconds);
} else {
  const { tallies, seconds } = await runInWorkers(workerCount);
  report(tallies, seconds);
}
