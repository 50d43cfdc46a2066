// Issue 15's HTTP fuzz test: random requests over every route, method and path segment (malformed
// percent escapes, huge and deep bodies, wrong types, odd headers) against a real node. Whatever
// comes in: never a 5xx, the node stays up, and nothing a request could not legitimately change
// changes (the live list, the games, the views of a share already seen from this address).
import fc from "fast-check";
import { Client } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { finishedExport, startTestNode, type TestNode } from "../testing.ts";
import { guestSession, rawRequest, storeSnapshot, type RawAnswer } from "./http-support.ts";

const RUNS = Number(process.env.HTTP_FUZZ_RUNS ?? 400);
const TIME_LIMIT_MS = 40_000;

describe("HTTP fuzz", () => {
  let node: TestNode;
  let gameId: string;
  let shareCode: string;
  let liveCode: string;
  let client: Client;

  beforeAll(async () => {
    node = await startTestNode({ limits: { metricsToken: "fuzz-token" } });
    const imported = await fetch(`${node.url}/api/games/import`, { method: "POST", headers: { authorization: `Bearer ${await guestSession(node.url)}` }, body: JSON.stringify(finishedExport(11)) });
    gameId = ((await imported.json()) as { gameId: string }).gameId;
    const share = await fetch(`${node.url}/api/games/${gameId}/share`, { method: "POST", body: "{}" });
    shareCode = ((await share.json()) as { code: string }).code;
    // Seen once from this address: later views from it do not count.
    await fetch(`${node.url}/api/shares/${shareCode}`);
    // A running game, so the live list has something to lose.
    client = new Client(node.url);
    const room = await client.create("golf", { name: "Fuzz", cpus: 1, cpuDelayMs: 0, turnSeconds: 0 });
    const welcome = new Promise<{ code: string }>((resolve) => room.onMessage("welcome", resolve));
    room.onMessage("*", () => {});
    liveCode = (await welcome).code;
    room.send("start", {});
    await vi.waitFor(async () => expect(JSON.stringify(await live())).toContain(liveCode), { timeout: 10_000 });
  });
  afterAll(() => node?.close());

  const live = async () => (await (await fetch(`${node.url}/api/games/live`)).json()) as unknown[];

  it("never answers 5xx, never stops, and changes nothing", async () => {
    const before = { live: await live(), store: await storeSnapshot(node) };

    const badEscapes = ["%", "%E0%A4%A", "%zz", "%C0%AF", "%00", "%2F", "%2e%2e", "..", ".", ";", "%ff%fe", "%%", "%u0041", "a%", "%0A", "%20"];
    const segment = fc.oneof(
      fc.constantFrom(...badEscapes),
      fc.constantFrom("api", "games", "live", "import", "export", "share", "shares", "matchmake", "joinById", "join", "create", "joinOrCreate", "reconnect", "golf", "health", "metrics", "cpu-profiles", "r", "replay", "watch", "__healthcheck", "null", "undefined", "0", "-1", "1e300", "NaN"),
      fc.constantFrom(() => gameId, () => shareCode, () => liveCode, () => liveCode.toLowerCase()).map((get) => get()),
      fc.string({ maxLength: 12 }).map(encodeURIComponent),
      fc.string({ minLength: 300, maxLength: 3000 }).map(encodeURIComponent),
    );
    const templates = [
      (s: string[]) => `/api/games/live`,
      (s: string[]) => `/api/games/${s[0]}/export`,
      (s: string[]) => `/api/games/import`,
      (s: string[]) => `/api/games/${s[0]}/share`,
      (s: string[]) => `/api/shares/${s[0]}`,
      (s: string[]) => `/api/cpu-profiles`,
      (s: string[]) => `/api/leaderboards/${s[0]}?period=${s[1]}&cursor=${s[2]}&limit=${s[0]}`,
      (s: string[]) => `/api/me/games?status=${s[0]}&cursor=${s[1]}`,
      (s: string[]) => `/api/me`,
      (s: string[]) => `/api/users/${s[0]}`,
      (s: string[]) => `/api/${s[0]}/${s[1]}`,
      (s: string[]) => `/health`,
      (s: string[]) => `/metrics`,
      (s: string[]) => `/matchmake/${s[0]}/${s[1]}`,
      (s: string[]) => `/matchmake/joinById/${s[0]}`,
      (s: string[]) => `/matchmake/create/golf`,
      (s: string[]) => `/matchmake/joinOrCreate/golf`,
      (s: string[]) => `/matchmake/joinById/${liveCode}`,
      (s: string[]) => `/r/${s[0]}`,
      (s: string[]) => `/replay/${s[0]}`,
      (s: string[]) => `/${s[0]}`,
      (s: string[]) => `/${s.join("/")}`,
    ];
    const path = fc
      .tuple(fc.nat(templates.length - 1), fc.array(segment, { minLength: 3, maxLength: 3 }), fc.option(fc.constantFrom("?a=%E0%A4%A", "?x", "?a=1&a=2", "?__proto__=1"), { nil: "" }))
      .map(([i, segments, query]) => templates[i]!(segments) + query);

    const deep = fc.integer({ min: 30, max: 200_000 }).chain((n) => fc.constantFrom(`${"[".repeat(n)}${"]".repeat(n)}`, `${'{"a":'.repeat(n)}1${"}".repeat(n)}`, "[".repeat(n), `{"rules":${"[".repeat(n)}`));
    const body = fc.oneof(
      { weight: 3, arbitrary: fc.constant(undefined) },
      { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(neverValidOptions(value))) },
      { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
      { weight: 2, arbitrary: fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)) },
      { weight: 2, arbitrary: deep },
      { weight: 1, arbitrary: fc.constantFrom("a".repeat(1_100_000), `{"x":"${"b".repeat(1_100_000)}"}`, '{"at":1e300}', '{"name":{"toString":1}}', "\uFEFF{}", "null", "1e999") },
    );
    const headers = fc.record(
      {
        "content-type": fc.constantFrom("application/json", "application/json; charset=utf-16", "application/json; charset=nope", "text/plain", "multipart/form-data; boundary=x", "", "*/*"),
        "content-encoding": fc.constantFrom("gzip", "deflate", "br", "identity", "nope"),
        origin: fc.constantFrom("https://evil.example", "null", "%%", "http://[", "file://"),
        "x-forwarded-for": fc.constantFrom("1.2.3.4", "garbage", ", ,", "::ffff:1.2.3.4, 10.0.0.1"),
        authorization: fc.constantFrom("Bearer fuzz-token", "Bearer", "Basic Og==", "Bearer " + "x".repeat(5000)),
        "x-forwarded-proto": fc.constantFrom("https", "a b", "%", "http,https", ""),
        host: fc.constantFrom("[", "a:99999", "%", "", "[::1]", "x".repeat(300)),
        accept: fc.constantFrom("*/*", "text/html", "application/json"),
      },
      { requiredKeys: [] },
    );
    const method = fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "PROPFIND", "CONNECT", "TRACE");

    const answers: RawAnswer[] = [];
    await fc.assert(
      fc.asyncProperty(method, path, body, headers, async (m, p, b, h) => {
        let answer: RawAnswer;
        try {
          answer = await rawRequest(node.url, { method: m, path: p, headers: h as Record<string, string>, body: m === "GET" || m === "HEAD" ? undefined : b });
        } catch (error) {
          // The node may hang up on a request it refuses (a body over the limit, a bad method):
          // that is not a failure, but the node must still answer the next one.
          const code = (error as { code?: string }).code;
          expect(["ECONNRESET", "EPIPE", "HPE_INVALID_CONSTANT", "ERR_INVALID_CHAR", "ERR_INVALID_HTTP_TOKEN"], String(error)).toContain(code);
          return;
        }
        answers.push(answer);
        expect(answer.status, `${m} ${p.slice(0, 200)} -> ${answer.status} ${answer.body.slice(0, 200)}`).toBeLessThan(500);
      }),
      { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, endOnFailure: true },
    );

    expect(answers.length).toBeGreaterThan(50);
    expect((await fetch(`${node.url}/health`)).status).toBe(200);
    expect(await live()).toEqual(before.live);
    expect(await storeSnapshot(node)).toEqual(before.store);
  }, 120_000);
});

/** Random JSON with no `name` at the top: valid create options would legitimately make a room. */
function neverValidOptions(value: unknown): unknown {
  return value !== null && typeof value === "object" && !Array.isArray(value) && "name" in value ? [value] : value;
}
