// Entry of the import worker thread: a worker does not inherit the TypeScript loader of the thread
// that starts it in every runner (vitest's, for one), so it registers tsx itself.
import { register } from "tsx/esm/api";

register();
await import("./import-worker.ts");
