// The node's side of results: applies every finished game's result not yet applied, one game per
// transaction, in the order games ended, and the guests merged into accounts (store.results does
// the work under a lock shared by every node). The node calls catchUp() at start; results are looked
// for again every `pollMs` and whenever gameEnded() says a game ended here, merges when guestMerged()
// says one was made here and once a minute (one a crash kept from being applied). Runs never overlap
// within a node.
import type { Logger } from "pino";
import type { Results } from "../store/index.ts";

export interface StatsRecorder {
  /** A game ended on this node: apply what is waiting, soon. */
  gameEnded(gameId: string): void;
  /** A guest was merged into an account on this node (accounts' onGuestMerged): apply it, soon. */
  guestMerged(): void;
  /** Applies every waiting merge and result; resolves with how many were applied. */
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

/** Games applied per transaction at most: a burst of games ending at once shares the commits. */
const BATCH_GAMES = 20;

/** How often the merges are looked for without being told (they are rare, and looking reads them all). */
const MERGES_POLL_MS = 60_000;

export function startRecorder({ results, logger, pollMs }: RecorderOptions): StatsRecorder {
  let mergesDue = true;
  let running: Promise<number> | null = null;
  // A catch-up asked for while one runs waits for it, then runs once for every caller that asked.
  let queued: Promise<number> | null = null;
  let closed = false;

  const drain = async (): Promise<number> => {
    let applied = 0;
    if (mergesDue && !closed) {
      mergesDue = false;
      applied += await results.applyPendingMerges().catch((error: unknown) => {
        mergesDue = true;
        throw error;
      });
    }
    for (;;) {
      const batch = closed ? [] : await results.applyBatch(BATCH_GAMES);
      for (const result of batch) if (result.problem) logger.error({ gameId: result.gameId, problem: result.problem }, "a finished game counted for nobody");
      applied += batch.length;
      if (batch.length < BATCH_GAMES) break;
    }
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
  const mergesTimer = setInterval(() => {
    mergesDue = true;
    runQuietly();
  }, MERGES_POLL_MS);
  mergesTimer.unref();

  return {
    gameEnded: () => runQuietly(),
    guestMerged: () => {
      mergesDue = true;
      runQuietly();
    },
    catchUp,
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      clearInterval(mergesTimer);
      await running?.catch(() => undefined);
    },
  };
}
