// The event store suite against embedded PGlite, in a fresh temporary data directory (its first
// start runs initdb, about 3 s, so the file shares one database; every test has its own games).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { takeLock } from "./embedded.ts";
import { openStore, StoreUnavailableError } from "./index.ts";
import { eventStoreSuite, silentLogger } from "./test/suite.ts";

describe("the store on PGlite", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "golf-pglite-"));

  eventStoreSuite(async () => ({
    open: (options) => openStore({ ...options, dataDir }),
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
  }));

  it("keeps a second store out of a data directory in use", async () => {
    const err = await openStore({ dataDir, logger: silentLogger }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect((err as Error).message).toMatch(/in use by process \d+/);
  });
});

describe("the embedded database's lock file", () => {
  it("is taken over when the process that left it is gone", () => {
    const dir = mkdtempSync(join(tmpdir(), "golf-lock-"));
    try {
      const lockFile = join(dir, "pglite.lock");
      const gone = spawnSync(process.execPath, ["-e", ""]).pid!;
      writeFileSync(lockFile, String(gone));
      takeLock(lockFile, dir);
      expect(existsSync(lockFile)).toBe(true);
      expect(() => takeLock(lockFile, dir)).toThrow(/in use by process/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
