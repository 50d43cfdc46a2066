// Issue 15 over HTTP, as a stranger would try it against a real node on a real socket: malformed
// requests (finding 1), imports (6), private games (7), limits, headers, origins and metrics (10).
import net from "node:net";
import { Client } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finishedExport, startTestNode, type TestNode } from "../testing.ts";
import { guestSession, rawRequest, storeSnapshot } from "./http-support.ts";

// Imports need a session: a guest's, as a browser has one.
const post = async (node: TestNode, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(node.url + path, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${await guestSession(node.url)}`, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("malformed requests (finding 1)", () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode();
  });
  afterAll(() => node?.close());

  it("answers a malformed percent escape with 400, on the matchmaker and the API, and lives on", async () => {
    const join = await rawRequest(node.url, { method: "POST", path: "/matchmake/joinById/%E0%A4%A", headers: { "content-type": "application/json" }, body: "{}" });
    expect(join.status).toBe(400);
    const share = await rawRequest(node.url, { path: "/api/shares/%E0%A4%A" });
    expect(share.status).toBe(400);
    expect(JSON.parse(share.body)).toHaveProperty("error");
    for (const path of ["/api/games/%E0%A4%A/export", "/r/%E0%A4%A", "/%", "/matchmake/create/%ff"]) {
      expect((await rawRequest(node.url, { method: "POST", path, body: "{}" })).status).toBeLessThan(500);
    }
    // Headers the matchmaker builds a URL or reads a body from: a bad Host, a form body.
    const badHost = await rawRequest(node.url, { method: "POST", path: "/matchmake/create/golf", headers: { host: "%" }, body: "{}" });
    expect(badHost.status).toBe(400);
    const form = await rawRequest(node.url, { method: "POST", path: "/matchmake/create/golf", headers: { "content-type": "multipart/form-data; boundary=x" }, body: "[1]" });
    expect(form.status).toBeGreaterThanOrEqual(400);
    expect(form.status).toBeLessThan(500);
    const huge = await rawRequest(node.url, { method: "POST", path: "/matchmake/create/golf", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "x".repeat(2_000_000) }) });
    expect(huge.status).toBe(413);
    const method = await rawRequest(node.url, { method: "POST", path: "/matchmake/shares/golf", body: "{}" });
    expect(method.status).toBe(404);
    expect((await fetch(`${node.url}/health`)).status).toBe(200);
  });
});

describe("imports (finding 6)", () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode();
  });
  afterAll(() => node?.close());

  const expectRefused = async (doc: unknown, error: RegExp) => {
    const before = await storeSnapshot(node);
    const res = await post(node, "/api/games/import", doc);
    const body = (await res.json()) as { error: string };
    expect(res.status, body.error).toBe(400);
    expect(body.error).toMatch(error);
    expect(await storeSnapshot(node)).toEqual(before);
  };

  it("refuses input nested too deep before parsing it, 1 MB of [ included", async () => {
    await expectRefused("[".repeat(1024 * 1024 - 1), /nested deeper than 32 levels/);
    const doc = finishedExport(1);
    const deep = JSON.stringify(doc).replace('"rules":{', `"rules":{"x":${"[".repeat(20_000)}${"]".repeat(20_000)},`);
    await expectRefused(deep, /nested deeper/);
  });

  it("refuses times that are not finite, ordered and bounded, and dates out of range", async () => {
    const doc = finishedExport(2);
    doc.events[3]!.at = 1e300;
    await expectRefused(doc, /^event 4: at 1e\+300 is not a time/);
    const backwards = finishedExport(2);
    backwards.events[5]!.at = 1;
    await expectRefused(backwards, /^event 6: at 1 is earlier than the event before it/);
    for (const createdAt of ["1970-01-01T00:00:00.000Z", "2999-01-01T00:00:00.000Z"]) {
      const dated = finishedExport(2);
      dated.game.createdAt = createdAt;
      await expectRefused(dated, /^game\.createdAt .* is not a date from 2020 to now/);
    }
    const ended = finishedExport(2);
    ended.game.endedAt = "2999-01-01T00:00:00.000Z";
    await expectRefused(ended, /^game\.endedAt .* is not when the game's last event was written/);
  });

  it("refuses a header that says what the log does not: players, holes, rules, decks", async () => {
    const ghosts = finishedExport(3);
    ghosts.game.seats.push({ name: "Nobody", kind: "human", profile: "" });
    await expectRefused(ghosts, /^game\.seats .* does not match the players in the log/);
    const huge = finishedExport(3);
    huge.game.seats[0]!.name = "x".repeat(400_000);
    await expectRefused(huge, /^game\.seats/);
    const holes = finishedExport(3);
    holes.game.holes = 99;
    await expectRefused(holes, /^game\.holes 99 does not match the replayed log: 1/);
    const rules = finishedExport(3);
    rules.game.rules = { ...rules.game.rules, luckySwing: !rules.game.rules.luckySwing };
    await expectRefused(rules, /^game\.rules/);
    const decks = finishedExport(3);
    decks.game.decks = 3;
    await expectRefused(decks, /^game\.decks/);
  });

  it("gives back the game already imported when the same game is imported again", async () => {
    const doc = finishedExport(4);
    const first = await post(node, "/api/games/import", doc);
    expect(first.status).toBe(201);
    const { gameId } = (await first.json()) as { gameId: string };
    const before = await storeSnapshot(node);
    // At once, within IMPORT_QUEUE (4 waiting at most).
    const again = await Promise.all(Array.from({ length: 3 }, () => post(node, "/api/games/import", doc)));
    for (const res of again) {
      expect(res.status).toBe(200);
      expect(((await res.json()) as { gameId: string }).gameId).toBe(gameId);
    }
    expect(await storeSnapshot(node)).toEqual(before);
    // The stored game is the log's: its export round-trips.
    const exported = await (await fetch(`${node.url}/api/games/${gameId}/export`)).json();
    expect((exported as typeof doc).game.seats).toEqual(doc.game.seats);
  });
});

describe("private games (finding 7)", () => {
  let node: TestNode;
  const clients: Client[] = [];
  beforeAll(async () => {
    node = await startTestNode();
  });
  afterAll(() => node?.close());

  it("lists a running public game but never a running private one", async () => {
    const started = async (isPrivate: boolean) => {
      const client = new Client(node.url);
      clients.push(client);
      const room = await client.create("golf", { name: "Host", cpus: 1, private: isPrivate, cpuDelayMs: 0 });
      const welcome = new Promise<{ gameId: string; code: string }>((resolve) => room.onMessage("welcome", resolve));
      room.onMessage("*", () => {});
      const { gameId, code } = await welcome;
      room.send("start", {});
      return { room, gameId, code };
    };
    const open = await started(false);
    const hidden = await started(true);
    const live = async () => (await (await fetch(`${node.url}/api/games/live`)).json()) as { code: string; gameId: string }[];
    await expect.poll(async () => (await live()).map((game) => game.code), { timeout: 10_000 }).toContain(open.code);
    const text = JSON.stringify(await live());
    expect(text).not.toContain(hidden.code);
    expect(text).not.toContain(hidden.gameId);
    expect(text).not.toContain('"private"');
    await open.room.leave();
    await hidden.room.leave();
  });
});

describe("limits, headers, origins and metrics (finding 10)", () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode({
      limits: {
        joinsPerMinute: 3,
        httpRequestsPerMinute: 1_000_000,
        importsPerHour: 2,
        connectionsPerAddress: 1_000_000,
        allowedOrigins: ["https://friend.example"],
        metricsToken: "s3cret-token",
        requestTimeoutMs: 1000,
        headersTimeoutMs: 1000,
      },
    });
  });
  afterAll(() => node?.close());

  it("sends security headers with a content security policy", async () => {
    for (const path of ["/", "/api/cpu-profiles"]) {
      const res = await fetch(node.url + path);
      expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
      expect(res.headers.get("x-powered-by")).toBeNull();
    }
  });

  it("refuses a foreign origin on the API and the matchmaker, preflights included, and answers an allowed one", async () => {
    const evil = { origin: "https://evil.example" };
    const live = await fetch(`${node.url}/api/games/live`, { headers: evil });
    expect(live.status).toBe(403);
    expect(live.headers.get("access-control-allow-origin")).toBeNull();
    const preflight = await fetch(`${node.url}/matchmake/create/golf`, { method: "OPTIONS", headers: { ...evil, "access-control-request-method": "POST" } });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    const create = await post(node, "/matchmake/create/golf", { name: "Eve" }, evil);
    expect(create.status).toBe(403);
    const friend = await fetch(`${node.url}/api/cpu-profiles`, { headers: { origin: "https://friend.example" } });
    expect(friend.status).toBe(200);
    expect(friend.headers.get("access-control-allow-origin")).toBe("https://friend.example");
    const same = await fetch(`${node.url}/api/cpu-profiles`, { headers: { origin: node.url } });
    expect(same.status).toBe(200);
  });

  it("serves /metrics only with the bearer token", async () => {
    expect((await fetch(`${node.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${node.url}/metrics`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    const ok = await fetch(`${node.url}/metrics`, { headers: { authorization: "Bearer s3cret-token" } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("golf_");
  });

  it("answers matchmaking past JOINS_PER_MINUTE with 429 RATE_LIMITED, and the SDK sees RATE_LIMITED", async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(node, "/matchmake/joinById/ZZZZZ", {})).status);
    expect(statuses).toEqual([404, 404, 404]);
    const limited = await post(node, "/matchmake/joinById/ZZZZZ", {});
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = (await limited.json()) as { code: number; error: string };
    expect(body.error).toMatch(/^RATE_LIMITED: /);
    await expect(new Client(node.url).joinById("ZZZZZ", { name: "Guesser" })).rejects.toThrow(/^RATE_LIMITED/);
  });

  it("answers imports past IMPORTS_PER_HOUR with 429 and Retry-After", async () => {
    for (let i = 0; i < 2; i++) expect((await post(node, "/api/games/import", "{}")).status).toBe(400);
    const res = await post(node, "/api/games/import", "{}");
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
    expect((await res.json()) as { error: string }).toHaveProperty("error");
  });

  it("answers a body trickled slower than REQUEST_TIMEOUT_MS with 408 and closes the connection", async () => {
    const { port } = new URL(node.url);
    const socket = net.connect(Number(port), "127.0.0.1");
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk.toString()));
    socket.write("POST /api/games/00000000-0000-4000-8000-000000000000/share HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
    const trickle = setInterval(() => socket.writable && socket.write(" "), 200);
    await new Promise((resolve) => socket.on("close", resolve));
    clearInterval(trickle);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });
});

describe("connections per address and the forwarded address (finding 10)", () => {
  let node: TestNode;
  afterAll(() => node?.close());

  it("answers the connection over CONNECTIONS_PER_ADDRESS with 429 and closes it", async () => {
    node = await startTestNode({ limits: { connectionsPerAddress: 2 } });
    const { port } = new URL(node.url);
    const open = await Promise.all([0, 1].map(() => new Promise<net.Socket>((resolve) => { const s = net.connect(Number(port), "127.0.0.1", () => resolve(s)); })));
    const extra = net.connect(Number(port), "127.0.0.1");
    let answer = "";
    extra.on("data", (chunk) => (answer += chunk.toString()));
    await new Promise((resolve) => extra.on("close", resolve));
    expect(answer).toMatch(/^HTTP\/1\.1 429/);
    for (const socket of open) socket.destroy();
    // Once they are closed, the address may connect again.
    await expect.poll(async () => (await rawRequest(node.url, { path: "/health" })).status).toBe(200);
  });

  it("believes X-Forwarded-For only from a trusted proxy", async () => {
    const strict = await startTestNode({ limits: { httpRequestsPerMinute: 2 } });
    const trusting = await startTestNode({ limits: { httpRequestsPerMinute: 2, trustProxy: "loopback" } });
    try {
      const statuses = async (target: TestNode) => {
        const out = [];
        for (let i = 0; i < 4; i++) out.push((await fetch(`${target.url}/api/cpu-profiles`, { headers: { "x-forwarded-for": `198.51.100.${i}` } })).status);
        return out;
      };
      // Untrusted: one address whatever the header says; trusted: four clients.
      expect(await statuses(strict)).toEqual([200, 200, 429, 429]);
      expect(await statuses(trusting)).toEqual([200, 200, 200, 200]);
    } finally {
      await strict.close();
      await trusting.close();
    }
  });
});

describe("share views (finding 10)", () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode();
  });
  afterAll(() => node?.close());

  it("counts a share's view once per address, however often it is reloaded", async () => {
    const imported = (await (await post(node, "/api/games/import", finishedExport(5))).json()) as { gameId: string };
    const { code } = (await (await post(node, `/api/games/${imported.gameId}/share`, {})).json()) as { code: string };
    const views = [];
    for (let i = 0; i < 5; i++) views.push(((await (await fetch(`${node.url}/api/shares/${code}`)).json()) as { views: number }).views);
    expect(views).toEqual([1, 1, 1, 1, 1]);
  });
});

describe.skipIf(!process.env.TEST_REDIS_URL || !process.env.TEST_DATABASE_URL)("rate limits shared by a cluster (finding 10)", () => {
  it("counts one address's matchmaking requests across the nodes of a cluster", async () => {
    const limits = { joinsPerMinute: 3, trustProxy: "loopback" };
    const a = await startTestNode({ redisUrl: process.env.TEST_REDIS_URL, limits });
    const b = await startTestNode({ redisUrl: process.env.TEST_REDIS_URL, databaseUrl: a.databaseUrl, limits });
    try {
      // An address of its own (through the trusted local proxy), so no other test's requests count.
      const address = `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
      const statuses = [];
      for (const target of [a, b, a, b]) statuses.push((await post(target, "/matchmake/joinById/ZZZZZ", {}, { "x-forwarded-for": address })).status);
      expect(statuses).toEqual([404, 404, 404, 429]);
    } finally {
      await b.close();
      await a.close();
    }
  });
});
