// The content security policy fits the built client: the lobby and a live table (/watch: Phaser,
// the WebSocket to the room) load in Chromium with no page error and no CSP violation other than
// msgpackr's optional `new Function`, which it replaces by its plain reader.
import { Client } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { buildClient, launchChromium, startNode } from "../../client/test/support/browser.ts";
import type { TestNode } from "../testing.ts";

describe.skipIf(!process.env.TEST_CHROMIUM_PATH)("content security policy in the browser", () => {
  let client: { dir: string; remove(): void };
  let node: TestNode;
  let browser: Browser;

  beforeAll(async () => {
    client = await buildClient();
    node = await startNode(client.dir);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await node?.close();
    client?.remove();
  });

  it("loads the lobby and a live table with no CSP violation but msgpackr's optional eval", async () => {
    const host = new Client(node.url);
    const room = await host.create("golf", { name: "Host", cpus: 1, cpuDelayMs: 0, turnSeconds: 0 });
    const welcome = new Promise<{ code: string }>((resolve) => room.onMessage("welcome", resolve));
    room.onMessage("*", () => {});
    const { code } = await welcome;
    room.send("start", {});

    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(String(error)));
    await page.exposeFunction("reportViolation", (text: string) => problems.push(text));
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (event) => {
        (window as unknown as { reportViolation(text: string): void }).reportViolation(`${event.violatedDirective} ${event.blockedURI}`);
      });
    });

    const response = await page.goto(`${node.url}/`);
    expect(response?.headers()["content-security-policy"]).toContain("default-src 'self'");
    await page.waitForFunction(() => (window as unknown as { golf?: { scene(): string } }).golf?.scene() === "lobby");
    // /watch opens the running game at a table: Phaser draws it, the WebSocket brings its state.
    await page.goto(`${node.url}/watch`);
    await page.waitForFunction(() => (window as unknown as { golf?: { state(): { code?: string } | null } }).golf?.state()?.code, undefined, { timeout: 20_000 });
    expect(await page.evaluate(() => (window as unknown as { golf: { state(): { code: string } } }).golf.state().code)).toBe(code);
    await page.waitForTimeout(500);
    // msgpackr (in the Colyseus SDK) tries `new Function` once to speed up decoding and falls back
    // to its plain reader when that is refused (by design, for CSP and workers): the policy keeps
    // 'unsafe-eval' out and that attempt is the one refusal expected.
    const unexpected = problems.filter((problem) => problem !== "script-src eval");
    expect(unexpected).toEqual([]);
    await room.leave();
  }, 90_000);
});
