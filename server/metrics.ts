// Prometheus metrics of one node (GET /metrics). One registry per node, so tests that start several
// nodes in one process do not mix their figures.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export interface NodeMetrics {
  registry: Registry;
  rooms: Gauge;
  clients: Gauge;
  /** Actions by message type and outcome ("ok" or the error code). */
  actions: Counter<"type" | "outcome">;
  /** From receiving an action to sending its effect, in seconds. */
  actionLatency: Histogram<"type">;
  /** From handing events to the store to their commit, in seconds. */
  appendLatency: Histogram;
  /** Counts an action of `type` answered "ok" after `seconds` (actions and actionLatency, per-type series kept at hand). */
  actionPlayed(type: string, seconds: number): void;
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** The group committer's running totals (EventLog.commitStats). */
export type CommitStats = () => { batches: number; appends: number; events: number };

export function createMetrics(options: { defaults?: boolean; commitStats?: CommitStats } = {}): NodeMetrics {
  const registry = new Registry();
  if (options.defaults !== false) collectDefaultMetrics({ register: registry, prefix: "golf_node_" });
  const { commitStats } = options;
  if (commitStats) {
    // Read at scrape time. appends / batches is how many games share a commit.
    for (const [name, help, key] of [
      ["golf_event_commit_batches_total", "Group-commit batches written (one statement and one round trip each)", "batches"],
      ["golf_event_commit_appends_total", "Appends committed by those batches", "appends"],
    ] as const) {
      new Counter({
        name,
        help,
        registers: [registry],
        collect() {
          this.reset();
          this.inc(commitStats()[key]);
        },
      });
    }
  }
  const actions = new Counter({ name: "golf_actions_total", help: "Client actions by type and outcome", labelNames: ["type", "outcome"] as const, registers: [registry] });
  const actionLatency = new Histogram({
    name: "golf_action_latency_seconds",
    help: "From receiving an action to sending its effect",
    labelNames: ["type"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  // A labelled call hashes its labels each time; every move makes one, so each type's series is looked up once.
  const played = new Map<string, { count: { inc(): void }; latency: { observe(value: number): void } }>();
  return {
    registry,
    actions,
    actionLatency,
    actionPlayed(type, seconds) {
      let series = played.get(type);
      if (!series) played.set(type, (series = { count: actions.labels({ type, outcome: "ok" }), latency: actionLatency.labels({ type }) }));
      series.count.inc();
      series.latency.observe(seconds);
    },
    rooms: new Gauge({ name: "golf_rooms", help: "Game rooms on this node", registers: [registry] }),
    clients: new Gauge({ name: "golf_clients", help: "Connected clients (players and spectators) on this node", registers: [registry] }),
    appendLatency: new Histogram({ name: "golf_event_append_latency_seconds", help: "Event-store append, until committed", buckets: LATENCY_BUCKETS, registers: [registry] }),
  };
}
