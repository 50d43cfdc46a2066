// Whole games written with the engine and stored through the store, as a node stores them: signed-in
// users (the join command's userId), players without an account, CPUs, house rules that make a game
// unranked, concessions and abandoned games. Seeded, so a failure can be replayed.
import { randomUUID } from "node:crypto";
import {
  CPU_PROFILES,
  createdEvent,
  cpuCommand,
  decide,
  EMPTY_STATE,
  evolve,
  mergeRules,
  mixSeed,
  seededRng,
  STANDARD_RULES,
  view,
  type Actor,
  type Command,
  type GameEvent,
  type GameState,
  type RulesPatch,
} from "../../../shared/golf/index.ts";
import { newJoinCode } from "../../../shared/protocol/index.ts";
import type { Store } from "../../store/index.ts";

export type PlannedSeat = { kind: "user"; userId: string } | { kind: "guest" } | { kind: "cpu" };

export interface PlannedGame {
  seed: number;
  seats: PlannedSeat[];
  rules?: RulesPatch;
  holes?: number;
  /** Seats (by join order, humans only) that concede during the first hole. */
  concede?: number[];
  /** The game is abandoned after this many moves. */
  abandonAfter?: number;
}

/** Plays a planned game to its end with the engine: its whole log. */
export function playGame(plan: PlannedGame): GameEvent[] {
  const events: GameEvent[] = [createdEvent({ tableSize: plan.seats.length, rules: mergeRules(STANDARD_RULES, plan.rules ?? {}), holes: plan.holes ?? 1, decks: null, turnSeconds: 0, seed: plan.seed })];
  let state: GameState = evolve(EMPTY_STATE, events[0]!);
  const play = (actor: Actor, command: Command) => {
    const decision = decide(state, actor, command);
    if (!decision.ok) throw new Error(`${JSON.stringify(command)} by ${actor} refused: ${decision.error.reason}`);
    state = decision.state;
    events.push(...decision.events);
  };
  plan.seats.forEach((seat, index) => {
    if (seat.kind === "cpu") play("system", { type: "addCpu" });
    else if (seat.kind === "user") play("system", { type: "join", name: `User ${index}`, playerId: seat.userId, userId: seat.userId });
    else play("system", { type: "join", name: `Guest ${index}`, playerId: randomUUID() });
  });
  play("system", { type: "start" });
  const rngs = state.seats.map((_, seat) => seededRng(mixSeed(plan.seed, seat, 0x5eed)));
  const traits = CPU_PROFILES[0]!.traits;
  let moves = 0;
  const toConcede = new Set(plan.concede ?? []);
  while (state.phase !== "gameOver") {
    if (plan.abandonAfter !== undefined && moves >= plan.abandonAfter) {
      play("system", { type: "abandon" });
      break;
    }
    const conceding = [...toConcede].find((seat) => state.phase === "playing" && state.seats[seat]?.kind === "human");
    if (conceding !== undefined) {
      toConcede.delete(conceding);
      play(conceding, { type: "concede" });
      continue;
    }
    if (state.phase === "holeOver") play("system", { type: "nextHole" });
    else {
      const seat = state.phase === "initialFlip" ? state.seats.findIndex((s) => !s.initialFlipDone) : state.turn;
      const command = cpuCommand(view(state, seat), traits, rngs[seat]!);
      if (!command) throw new Error(`no move for seat ${seat} in ${state.phase}`);
      play(seat, command);
    }
    moves++;
  }
  return events;
}

/**
 * Stores a played game as a node does: the game row, its log up to the last event, then the last
 * event with the record it ends (finished or abandoned). `finishWith`: the store that commits the
 * final event (another node's, to end games on several nodes at once).
 */
export async function storeGame(store: Store, events: GameEvent[], finishWith: Store = store): Promise<string> {
  const id = randomUUID();
  const created = events[0]!.data as { tableSize: number; holes: number; rules: Record<string, unknown> };
  await store.games.create({ id, code: newJoinCode(), private: false, rules: created.rules, holes: created.holes, decks: null, seats: [] });
  const body = events.slice(0, -1);
  await store.log.append(id, body, 0);
  const last = events.at(-1)!;
  if (last.type === "gameEnded") {
    await finishWith.log.append(id, [last], body.length, { status: "finished", totals: last.data.totals, winners: last.data.winners });
  } else {
    await finishWith.log.append(id, [last], body.length, { status: "abandoned" });
  }
  return id;
}

/** A mix of games among `users`: 2-6 seats, ranked and not, some conceded, some abandoned. */
export function plannedGames(count: number, users: readonly string[], seed: number): PlannedGame[] {
  const random = seededRng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const plans: PlannedGame[] = [];
  for (let n = 0; n < count; n++) {
    const size = 2 + Math.floor(random() * 5);
    const seats: PlannedSeat[] = [];
    const taken = new Set<string>();
    for (let i = 0; i < size; i++) {
      const roll = random();
      const userId = pick(users);
      if (roll < 0.6 && !taken.has(userId)) {
        taken.add(userId);
        seats.push({ kind: "user", userId });
      } else if (roll < 0.75) seats.push({ kind: "guest" });
      else seats.push({ kind: "cpu" });
    }
    const roll = random();
    const rules: RulesPatch = roll < 0.6 ? {} : roll < 0.8 ? { knockPenalty: true } : { knockPenalty: true, blackjack: true, underdogBonus: true };
    const humans = seats.flatMap((seat, index) => (seat.kind === "cpu" ? [] : [index]));
    plans.push({
      seed: Math.floor(random() * 2 ** 31),
      seats,
      rules,
      holes: 1 + Math.floor(random() * 3),
      concede: random() < 0.12 && humans.length > 0 ? [pick(humans)] : [],
      abandonAfter: random() < 0.08 ? Math.floor(random() * 30) : undefined,
    });
  }
  return plans;
}
