// The event store suite against embedded PGlite, in a fresh temporary data directory (its first
// start runs initdb, about 3 s, so the file shares one database; every test has its own games).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe } from "vitest";
import { EventStore } from "./index.ts";
import { eventStoreSuite } from "./test/suite.ts";

describe("EventStore on PGlite", () => {
  eventStoreSuite(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "golf-pglite-"));
    return {
      open: (options) => EventStore.open({ ...options, dataDir }),
      async outage(suiteStore) {
        // The socket server goes away with the appends just issued not yet read; PGlite itself and
        // its data stay, as a PostgreSQL server's data stays when it stops.
        const embedded = suiteStore.embedded!;
        return {
          store: suiteStore,
          hold: async () => undefined,
          stop: () => embedded.stopServer(),
          start: () => embedded.startServer(),
          close: async () => undefined,
        };
      },
      async cleanup() {
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  });
});
