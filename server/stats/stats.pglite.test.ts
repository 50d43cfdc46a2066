// The results suite on embedded PGlite, in a fresh data directory (one process holds it: one store).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe } from "vitest";
import { openStore } from "../store/index.ts";
import { silentLogger, statsSuite } from "./test/suite.ts";

describe("results, stats and ratings on PGlite", () => {
  statsSuite(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "golf-stats-"));
    const store = await openStore({ dataDir, logger: silentLogger });
    return {
      store,
      others: [],
      async cleanup() {
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  });
});
