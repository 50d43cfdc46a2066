// Imports are checked on a worker thread, one at a time, so that parsing and replaying a megabyte
// of log never stalls the games on the event loop. The queue is bounded: past IMPORT_QUEUE
// waiting imports, the next is answered 503 with Retry-After.
import { Worker } from "node:worker_threads";
import type { ImportCheck } from "./import-check.ts";

type Outcome = ImportCheck | { crashed: string };

/** Thrown when the queue is full or the worker failed: the import can be tried again later. */
export class ImportBusyError extends Error {}

export class ImportQueue {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve(result: ImportCheck): void; reject(error: Error): void }>();
  private nextId = 1;

  constructor(private readonly maxQueued: number) {}

  /** The check of one import body (see checkImportBody). */
  check(body: Uint8Array): Promise<ImportCheck> {
    if (this.pending.size >= this.maxQueued) {
      return Promise.reject(new ImportBusyError(`the server is already checking ${this.pending.size} imports: try again shortly`));
    }
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    // A copy of the bytes moves to the worker (the body's buffer may be shared with others).
    const copy = new Uint8Array(body);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, body: copy }, [copy.buffer]);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private start(): Worker {
    const worker = new Worker(new URL("./import-worker.mjs", import.meta.url));
    // An idle worker does not keep the process alive.
    worker.unref();
    worker.on("message", ({ id, result }: { id: number; result: Outcome }) => {
      const waiter = this.pending.get(id);
      this.pending.delete(id);
      if (!waiter) return;
      if ("crashed" in result) waiter.reject(new Error(`import check failed: ${result.crashed}`));
      else waiter.resolve(result);
    });
    const failAll = (reason: string) => {
      if (this.worker === worker) this.worker = null;
      for (const [id, waiter] of this.pending) {
        this.pending.delete(id);
        waiter.reject(new ImportBusyError(`the import checker stopped (${reason}): try again`));
      }
    };
    worker.on("error", (error) => failAll(error.message));
    worker.on("exit", (code) => failAll(`exit ${code}`));
    this.worker = worker;
    return worker;
  }
}
