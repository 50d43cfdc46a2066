// The results suite on PostgreSQL (TEST_DATABASE_URL): a scratch database of its own, and three
// stores on it, as three nodes, ending games and applying results at once.
import { describe } from "vitest";
import { openStore } from "../store/index.ts";
import { scratchDatabase } from "../testing.ts";
import { silentLogger, statsSuite } from "./test/suite.ts";

describe.skipIf(!process.env.TEST_DATABASE_URL)("results, stats and ratings on PostgreSQL", () => {
  statsSuite(async () => {
    const scratch = await scratchDatabase(process.env.TEST_DATABASE_URL!, "golf_stats");
    const store = await openStore({ databaseUrl: scratch.url, logger: silentLogger });
    const others = [await openStore({ databaseUrl: scratch.url, logger: silentLogger }), await openStore({ databaseUrl: scratch.url, logger: silentLogger })];
    return {
      store,
      others,
      async cleanup() {
        for (const each of [store, ...others]) await each.close();
        await scratch.drop();
      },
    };
  });
});
