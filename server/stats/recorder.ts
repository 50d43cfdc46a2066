// The node's side of results: applies every finished game's result not yet applied, one game per
// transaction, in the order games ended (store.results.applyNext does the work under a lock shared
// by every node). The node calls catchUp() at start, and it runs again every `pollMs` and whenever
// gameEnded() tells it a game ended here; runs never overlap within a node.
import type { Logger } from "pino";
import type { Results } from "../store/index.ts";

export interface StatsRecorder {
  /** A game ended on this node: apply what is waiting, soon. */
  gameEnded(gameId: string): void;
  /** Applies every waiting result; resolves with how many were applied. */
  catchUp(): Promise<number>;
  /** Stops polling and waits for a run in progress. */
  close(): Promise<void>;
}

export interface RecorderOptions {
  results: Results;
  logger: Logger;
  /** How often to look for finished games not yet applied (ms); 0: only at catchUp() and gameEnded(). */
  pollMs: number;
}

export function startRecorder({ results, logger, pollMs }: RecorderOptions): StatsRecorder {
  let running: Promise<number> | null = null;
  // A catch-up asked for while one runs waits for it, then runs once for every caller that asked.
  let queued: Promise<number> | null = null;
  let closed = false;

  const drain = async (): Promise<number> => {
    let applied = 0;
    while (!closed && (await results.applyNext())) applied++;
    return applied;
  };
  const start = (): Promise<number> => {
    const run = drain();
    running = run;
    run.then(
      () => (running === run ? (running = null) : null),
      () => (running === run ? (running = null) : null),
    );
    return run;
  };

  const catchUp = (): Promise<number> => {
    if (queued) return queued;
    if (!running) return start();
    queued = running.catch(() => 0).then(() => {
      queued = null;
      return start();
    });
    return queued;
  };

  const runQuietly = () => {
    catchUp().catch((error: unknown) => logger.warn({ err: error }, "results not applied yet; will try again"));
  };
  const timer = pollMs > 0 ? setInterval(runQuietly, pollMs) : null;
  timer?.unref();

  return {
    gameEnded: () => runQuietly(),
    catchUp,
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
