// Helpers for the browser tests: one real node (server, database, built client), Chromium through
// playwright-core, and a small driver that reads window.golf and clicks the pixels it names.
// Nothing here calls a game action through the page: every move is a mouse click.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { build } from "vite";
import { startTestNode, type TestNode } from "../../../server/testing.ts";

const root = path.resolve(import.meta.dirname, "../../..");
export const SCREENSHOTS = path.join(root, "artifacts", "screenshots");

/** Builds the client into a temporary folder (so a running `npm start` keeps its own dist/client). */
export async function buildClient(): Promise<{ dir: string; remove(): void }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "golf-client-"));
  await build({ configFile: path.join(root, "client/vite.config.ts"), logLevel: "warn", build: { outDir: dir, emptyOutDir: true } });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function startNode(clientDir: string, options: Parameters<typeof startTestNode>[0] = {}): Promise<TestNode> {
  return startTestNode({ cpuDelayMs: 0, clientDir, ...options });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.TEST_CHROMIUM_PATH,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

export interface Point {
  x: number;
  y: number;
}

export interface Snapshot {
  code: string;
  gameId: string;
  phase: string;
  hole: number;
  holes: number;
  turn: number;
  mustFlip: string;
  drawnFrom: string;
  spectators: number;
  lastSeq: number;
  seats: { name: string; kind: string; connected: boolean; total: number; cards: { faceUp: boolean; rank: string; suit: string }[] }[];
}

/** A page of the client with a driver for window.golf. Page errors are collected: tests fail on any. */
export class Player {
  readonly errors: string[] = [];
  private shots = 0;

  constructor(
    readonly page: Page,
    readonly name: string,
    private readonly shotPrefix: string,
  ) {
    page.on("pageerror", (error) => this.errors.push(`${name}: ${error.stack ?? error.message}`));
  }

  static async open(context: BrowserContext, url: string, name: string, shotPrefix: string): Promise<Player> {
    const page = await context.newPage();
    const player = new Player(page, name, shotPrefix);
    await page.goto(url);
    return player;
  }

  scene(): Promise<string> {
    return this.page.evaluate(() => (window as unknown as { golf: { scene(): string } }).golf.scene());
  }

  state(): Promise<Snapshot | null> {
    return this.page.evaluate(() => (window as unknown as { golf: { state(): Snapshot | null } }).golf.state());
  }

  events(): Promise<{ seq: number; type: string }[]> {
    return this.page.evaluate(() => (window as unknown as { golf: { events(): { seq: number; type: string }[] } }).golf.events());
  }

  locate(name: string): Promise<Point | null> {
    return this.page.evaluate((thing) => (window as unknown as { golf: { locate(n: string): Point | null } }).golf.locate(thing), name);
  }

  /** Waits until `name` is offered, then clicks its pixels. */
  async click(name: string, timeout = 15_000): Promise<void> {
    const at = await this.waitFor(() => this.locate(name), `${name} to be clickable`, timeout);
    await this.page.mouse.click(at.x, at.y);
  }

  /** Clicks a text field and types into it. */
  async type(field: string, text: string): Promise<void> {
    await this.click(field);
    await this.page.keyboard.type(text);
  }

  /** Polls `probe` until it returns something truthy. */
  async waitFor<T>(probe: () => Promise<T | null | undefined | false>, what: string, timeout = 20_000): Promise<T> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) {
        await this.shot(`timeout-${what.replace(/[^a-z0-9]+/gi, "-").slice(0, 40)}`);
        throw new Error(`${this.name}: timed out waiting for ${what}`);
      }
      await this.page.waitForTimeout(100);
    }
  }

  waitForState(predicate: (state: Snapshot) => boolean, what: string, timeout = 20_000): Promise<Snapshot> {
    return this.waitFor(async () => {
      const state = await this.state();
      return state && predicate(state) ? state : null;
    }, what, timeout);
  }

  async shot(label: string): Promise<void> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    this.shots += 1;
    await this.page.screenshot({ path: path.join(SCREENSHOTS, `${this.shotPrefix}-${String(this.shots).padStart(2, "0")}-${label}.png`) }).catch(() => undefined);
  }

  mySeat(state: Snapshot): number {
    return state.seats.findIndex((seat) => seat.name === this.name);
  }

  /**
   * Plays this seat by clicking until the game is over (or `stop` says so): turns up two cards,
   * then on each turn draws from the deck and swaps the card into a face-down position (or the
   * first position when all are up), flipping when the rules ask for it.
   */
  async playToEnd(options: { stop?: (state: Snapshot) => boolean; onTurn?: (turn: number) => Promise<void>; timeout?: number } = {}): Promise<Snapshot> {
    const deadline = Date.now() + (options.timeout ?? 240_000);
    let turns = 0;
    for (;;) {
      if (Date.now() > deadline) throw new Error(`${this.name}: the game did not end in time`);
      const state = await this.state();
      if (!state) {
        await this.page.waitForTimeout(100);
        continue;
      }
      if (state.phase === "gameOver" || options.stop?.(state)) return state;
      const me = this.mySeat(state);
      const cards = state.seats[me]?.cards ?? [];
      const faceDown = cards.flatMap((slot, position) => (slot.faceUp ? [] : [position]));
      let acted = false;
      if (state.phase === "initialFlip" && cards.length === 6 && faceDown.length === 6) {
        await this.click(`slot:${faceDown[0]}`);
        await this.click(`slot:${faceDown[4] ?? faceDown[1]}`);
        acted = true;
      } else if ((state.phase === "playing" || state.phase === "finalTurn") && state.turn === me) {
        if (state.mustFlip) await this.click(`slot:${faceDown[0]}`);
        else if (!state.drawnFrom) {
          if (turns === 0) await this.shot("my-turn");
          await this.click("deck");
        } else {
          if (turns === 0) await this.shot("holding-a-card");
          await this.click(`slot:${faceDown[0] ?? 0}`);
          turns += 1;
          await options.onTurn?.(turns);
        }
        acted = true;
      }
      if (acted) {
        // Wait for the answer: the state moves on (or, rarely, an error toast; then try again).
        await this.waitFor(async () => ((await this.state())?.lastSeq ?? 0) > state.lastSeq, "the move to land", 10_000).catch(() => undefined);
      } else {
        await this.page.waitForTimeout(120);
      }
    }
  }
}
