// The node's hook after a finished game's commit, without the room knowing: the rooms get the store
// with an event log that, once an append that finishes its game has committed, says so. Everything
// else is the store itself.
import type { EventLog, Store } from "../store/index.ts";

/** The store, whose log calls `onFinished(gameId)` after each committed append that finishes a game. */
export function notifyingFinishes(store: Store, onFinished: (gameId: string) => void): Store {
  const log = store.log;
  const notifying: EventLog = {
    append(gameId, events, expectedSeq, record) {
      const stored = log.append(gameId, events, expectedSeq, record);
      // Only an append that ends its game is watched: every other move goes through untouched.
      if (record?.status === "finished") stored.then(() => onFinished(gameId), () => undefined);
      return stored;
    },
    appendOutcome: (gameId, expectedSeq, events) => log.appendOutcome(gameId, expectedSeq, events),
    load: (gameId) => log.load(gameId),
    loadSince: (gameId, afterSeq) => log.loadSince(gameId, afterSeq),
    get commitStats() {
      return log.commitStats;
    },
  };
  // The store's own methods and parts, with this log in place of its own.
  return Object.create(store, { log: { value: notifying, enumerable: true } }) as Store;
}
