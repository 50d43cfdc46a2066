// The account suite on PostgreSQL (TEST_DATABASE_URL, a scratch database per node).
import { describe } from "vitest";
import { accountsSuite } from "./test/suite.ts";

describe.skipIf(!process.env.TEST_DATABASE_URL)("accounts on PostgreSQL", () => {
  accountsSuite({ postgres: true });
});
