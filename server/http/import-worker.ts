// The import worker: checks import bodies (parse, replay, header) off the node's event loop, one at
// a time, and answers each with its result. Started by ImportQueue.
import { parentPort } from "node:worker_threads";
import { checkImportBody, type ImportCheck } from "./import-check.ts";

parentPort!.on("message", ({ id, body }: { id: number; body: Uint8Array }) => {
  let result: ImportCheck | { crashed: string };
  try {
    result = checkImportBody(body);
  } catch (error) {
    result = { crashed: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage({ id, result });
});
