// Preloaded into the server by `bench:server --trace-moves FILE` (not server code): records the
// node's GC events, and gaps of the event loop over 8 ms, and writes them to $GC_EVENTS_FILE as the
// node is told to stop.
import { writeFileSync } from "node:fs";
import { watchGc } from "./gc-watch.mjs";

const events = watchGc();
process.prependListener("SIGTERM", () => writeFileSync(process.env.GC_EVENTS_FILE, JSON.stringify(events)));
