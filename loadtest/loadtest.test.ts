// The load test's own logic: the latency histogram, the plan of games and processes, and the seat
// view a bot builds from the synchronized state (checked against the engine's own view).
import { describe, expect, it } from "vitest";
import { mirrorState } from "../server/room/mirror.ts";
import { newGolfState } from "../server/room/schema.ts";
import { createdEvent, decide, EMPTY_STATE, evolve, legalCommands, mixSeed, seededRng, STANDARD_RULES, view, type GameState } from "../shared/golf/index.ts";
import { viewFromSyncedState, type SyncedStateReader } from "../shared/protocol/index.ts";
import { bucketsDelta, histogramBuckets, metricValue, percentileBound } from "../bench/lib/prometheus.ts";
import { endpointIndex, groupSize, isLoopbackHost, seatOf, spreadClients } from "./plan.ts";
import { LatencyHistogram, mergeStats, emptyStats } from "./stats.ts";

describe("LatencyHistogram", () => {
  it("gives nearest-rank percentiles at 10 µs resolution", () => {
    const histogram = new LatencyHistogram();
    for (let ms = 1; ms <= 100; ms++) histogram.record(ms);
    expect(histogram.percentile(50)).toBe(50);
    expect(histogram.percentile(99)).toBe(99);
    expect(histogram.percentile(100)).toBe(100);
    histogram.record(0.123);
    expect(histogram.maxMs).toBe(100);
    expect(new LatencyHistogram().percentile(99)).toBe(0);
  });

  it("merges processes by adding counts", () => {
    const a = emptyStats(0, "fast", 4);
    const b = emptyStats(1, "fast", 4);
    const first = new LatencyHistogram();
    const second = new LatencyHistogram();
    for (let i = 0; i < 90; i++) first.record(2);
    for (let i = 0; i < 10; i++) second.record(40);
    Object.assign(a, { actions: 90, bytesIn: 10, latency: first.toJSON(), errorsByCode: { ILLEGAL_MOVE: 1 } });
    Object.assign(b, { actions: 10, bytesIn: 5, latency: second.toJSON(), errorsByCode: { ILLEGAL_MOVE: 2 } });
    const { total, latency } = mergeStats([a, b]);
    expect(total.actions).toBe(100);
    expect(total.clients).toBe(8);
    expect(total.bytesIn).toBe(15);
    expect(total.errorsByCode).toEqual({ ILLEGAL_MOVE: 3 });
    expect(latency.count).toBe(100);
    expect(latency.percentile(90)).toBe(2);
    expect(latency.percentile(95)).toBe(40);
  });
});

describe("plan", () => {
  it("spreads whole games over processes of at most 500 clients", () => {
    expect(spreadClients(2000, 4)).toEqual([500, 500, 500, 500]);
    expect(spreadClients(40, 4)).toEqual([40]);
    expect(spreadClients(44, 4, 3)).toEqual([16, 16, 12]);
    expect(spreadClients(8, 4, 5)).toEqual([4, 4]);
    expect(spreadClients(40, groupSize("spectator"))).toEqual([40]);
    expect(() => spreadClients(42, 4)).toThrow(/multiple of 4/);
    expect(() => spreadClients(40, 4, 0)).toThrow(/processes/);
  });

  it("makes the first client of each game its creator and spreads creators over the nodes", () => {
    expect(seatOf(9, 4)).toEqual({ game: 2, member: 1, creator: false });
    expect(seatOf(8, 4).creator).toBe(true);
    const creatorNodes = [0, 4, 8, 12].map((index) => endpointIndex(index, 4, 2));
    expect(creatorNodes).toEqual([0, 1, 0, 1]);
    expect([1, 2, 3].map((index) => endpointIndex(index, 4, 2))).toEqual([1, 0, 1]);
    expect(endpointIndex(7, 4, 1)).toBe(0);
  });

  it("accepts loopback hosts only", () => {
    for (const host of ["127.0.0.1", "localhost", "[::1]", "127.1.2.3"]) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ["10.0.0.1", "example.com", "0.0.0.0", "128.0.0.1"]) expect(isLoopbackHost(host)).toBe(false);
  });
});

describe("viewFromSyncedState (shared/golf) over the server's mirror", () => {
  it("gives each seat the engine's own view, every field, all through random games", () => {
    const seats = 4;
    for (let gameIndex = 0; gameIndex < 20; gameIndex++) {
      const rng = seededRng(mixSeed(gameIndex, 77));
      let game: GameState = EMPTY_STATE;
      const apply = (actor: number | "system", command: Parameters<typeof decide>[2]) => {
        const decision = decide(game, actor, command);
        if (!decision.ok) throw new Error(`${JSON.stringify(command)}: ${decision.error.message}`);
        game = decision.state;
      };
      // Some games with a deck choice and a timer, one seat conceding, so that no field keeps its default.
      const decks = gameIndex % 3 === 0 ? 2 : null;
      game = evolve(game, createdEvent({ tableSize: seats + 1, rules: STANDARD_RULES, holes: 2, decks, turnSeconds: gameIndex % 2 ? 30 : 0, seed: gameIndex + 1 }));
      for (let seat = 0; seat < seats; seat++) apply("system", { type: "join", name: `P${seat}` });
      const lobby = newGolfState();
      mirrorState(lobby, game);
      expect(viewFromSyncedState(lobby as unknown as SyncedStateReader, 0)).toEqual(view(game, 0));
      apply("system", { type: "start" });
      // One schema mirrored step by step as the room does (from the state mirrored before), one
      // mirrored afresh each time.
      const incremental = newGolfState();
      const fresh = newGolfState();
      let mirrored: GameState | null = null;
      for (let step = 0; step < 2000 && game.phase !== "gameOver"; step++) {
        mirrorState(incremental, game, mirrored);
        mirrored = game;
        mirrorState(fresh, game);
        if (game.phase === "holeOver") {
          apply("system", { type: "nextHole" });
          continue;
        }
        const moves = Array.from({ length: seats }, (_, seat) => {
          const fromEngine = view(game, seat);
          expect(viewFromSyncedState(incremental as unknown as SyncedStateReader, seat)).toEqual(fromEngine);
          expect(viewFromSyncedState(fresh as unknown as SyncedStateReader, seat)).toEqual(fromEngine);
          return legalCommands(fromEngine);
        });
        if (gameIndex % 4 === 1 && step === 30) apply(2, { type: "concede" });
        const actor = moves.findIndex((list) => list.length > 0);
        expect(actor).toBeGreaterThanOrEqual(0);
        apply(actor, moves[actor]![Math.floor(rng() * moves[actor]!.length)]!);
      }
      mirrorState(incremental, game, mirrored);
      for (let seat = 0; seat < seats; seat++) expect(viewFromSyncedState(incremental as unknown as SyncedStateReader, seat)).toEqual(view(game, seat));
    }
  });
});

describe("reading a node's metrics", () => {
  const metrics = (draw: number[], swap: number[]) =>
    ["0.001", "0.005", "0.05", "+Inf"]
      .flatMap((le, index) => [`golf_action_latency_seconds_bucket{le="${le}",type="draw"} ${draw[index]}`, `golf_action_latency_seconds_bucket{le="${le}",type="swap"} ${swap[index]}`])
      .concat(["golf_rooms 12", "golf_rooms_other 3"])
      .join("\n");

  it("reads gauges and the percentile bounds of a window", () => {
    const before = metrics([1, 2, 2, 2], [0, 0, 0, 0]);
    const after = metrics([1, 50, 90, 100], [0, 0, 99, 100]);
    expect(metricValue(after, "golf_rooms")).toBe(12);
    expect(metricValue(after, "golf_missing")).toBeNaN();
    const window = bucketsDelta(histogramBuckets(before, "golf_action_latency_seconds"), histogramBuckets(after, "golf_action_latency_seconds"));
    expect(window.get("+Inf")).toBe(198);
    expect(percentileBound(window, 20)).toBe(5);
    expect(percentileBound(window, 99)).toBe(Infinity);
    expect(percentileBound(window, 50)).toBe(50);
    expect(percentileBound(new Map(), 99)).toBeNull();
  });
});
