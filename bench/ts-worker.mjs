// Entry of a worker thread that runs a TypeScript module: Node 20 workers do not honour
// `--import tsx` in execArgv, so the worker registers tsx itself, then loads workerData.entry.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
