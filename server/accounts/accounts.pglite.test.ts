// The account suite on the embedded PGlite.
import { describe } from "vitest";
import { accountsSuite } from "./test/suite.ts";

describe("accounts on PGlite", () => {
  accountsSuite({ postgres: false });
});
