// The account routes' limits: request rates per address and per account, counted in Redis so that
// every node of a cluster shares them, and the size and shape of what a request may bring.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthErrorBody } from "../../shared/protocol/index.ts";
import { startTestNode, type TestNode } from "../testing.ts";
import { call, freshAccount, register } from "./test/support.ts";

/** An address of its own (through the trusted local proxy), so no other test's or run's requests count. */
const freshAddress = () => `198.19.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

describe.skipIf(!process.env.TEST_REDIS_URL || !process.env.TEST_DATABASE_URL)("account rate limits shared by a cluster", () => {
  let a: TestNode;
  let b: TestNode;
  const limits = { guestsPerHour: 3, authAttemptsPerHour: 3, authRequestsPerMinute: 8, trustProxy: "loopback" };

  beforeAll(async () => {
    a = await startTestNode({ redisUrl: process.env.TEST_REDIS_URL, limits, accounts: { publicUrl: "https://golf.example.test" } });
    b = await startTestNode({ redisUrl: process.env.TEST_REDIS_URL, databaseUrl: a.databaseUrl, limits, accounts: { publicUrl: "https://golf.example.test" } });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it("counts one address's guest sign-ins across the nodes, then answers 429 RATE_LIMITED", async () => {
    const address = freshAddress();
    const answers = [];
    for (const node of [a, b, a, b]) answers.push(await call<AuthErrorBody>(node.url, "POST", "/auth/anonymous", { body: { options: { name: "Bot" } }, headers: { "x-forwarded-for": address } }));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);
    expect(answers[3]!.body.code).toBe("RATE_LIMITED");
    expect(answers[3]!.headers.get("retry-after")).toMatch(/^\d+$/);
  });

  it("counts sign-in attempts per account, whichever address and node they come from", async () => {
    const account = freshAccount();
    await register(a.url, account);
    const statuses = [];
    for (const node of [a, b, a, b]) {
      const answer = await call<AuthErrorBody>(node.url, "POST", "/auth/login", { body: { email: account.email.toUpperCase(), password: "a wrong password" }, headers: { "x-forwarded-for": freshAddress() } });
      statuses.push(`${answer.status} ${answer.body.code}`);
    }
    expect(statuses).toEqual(["401 INVALID_CREDENTIALS", "401 INVALID_CREDENTIALS", "401 INVALID_CREDENTIALS", "429 RATE_LIMITED"]);
    // The right password too, now: the account's attempts are spent for the hour.
    const right = await call<AuthErrorBody>(b.url, "POST", "/auth/login", { body: { email: account.email, password: account.password }, headers: { "x-forwarded-for": freshAddress() } });
    expect(right.status).toBe(429);
    // Another account is not held back.
    const other = freshAccount();
    await register(b.url, other);
    expect((await call(a.url, "POST", "/auth/login", { body: { email: other.email, password: other.password }, headers: { "x-forwarded-for": freshAddress() } })).status).toBe(200);
  });

  it("limits password reset mails per account the same for an email with no account (no oracle)", async () => {
    const email = `ghost-${Math.random().toString(36).slice(2)}@example.test`;
    const statuses = [];
    for (const node of [a, b, a, b]) statuses.push((await call(node.url, "POST", "/auth/forgot-password", { body: { email }, headers: { "x-forwarded-for": freshAddress() } })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it("counts every account request of one address per minute", async () => {
    const address = freshAddress();
    const statuses = [];
    for (let i = 0; i < 9; i++) statuses.push((await call(i % 2 ? a.url : b.url, "GET", "/auth/userdata", { headers: { "x-forwarded-for": address } })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 401, 401, 429]);
  });

  it("refuses a body over the limit, a body that is not JSON, an unknown route, with { code, message }", async () => {
    const headers = { "x-forwarded-for": freshAddress() };
    const big = await call<AuthErrorBody>(a.url, "POST", "/auth/login", { body: { email: "x@example.test", password: "p".repeat(20_000) }, headers });
    expect({ status: big.status, code: big.body.code }).toEqual({ status: 413, code: "TOO_LARGE" });
    const response = await fetch(`${a.url}/auth/login`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: "{not json" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as AuthErrorBody).code).toBe("BAD_REQUEST");
    const unknown = await call<AuthErrorBody>(a.url, "GET", "/auth/provider/github", { headers });
    expect({ status: unknown.status, code: unknown.body.code }).toEqual({ status: 404, code: "NOT_FOUND" });
    const wrongShape = await call<AuthErrorBody>(a.url, "POST", "/auth/anonymous", { body: { options: { name: "\u202Eevil" } }, headers });
    expect({ status: wrongShape.status, code: wrongShape.body.code }).toEqual({ status: 400, code: "BAD_REQUEST" });
  });
});
