// Players in the browser, in Chromium against a real node (server, PostgreSQL when TEST_DATABASE_URL
// is set, the built client): the guest made on the first seat, the register and sign-in dialogs and
// their errors, "Your games", the leaderboard and the profile, a seat resumed from another browser,
// and a private game's replay. Every action is a click or typing, as a player would. Screenshots of
// the new pages, at desktop and phone sizes, go to artifacts/screenshots/.
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runAdminCommand } from "../../server/accounts/admin-cli.ts";
import type { TestNode } from "../../server/testing.ts";
import { buildClient, launchChromium, Player, startNode } from "./support/browser.ts";

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

describe.skipIf(!process.env.TEST_CHROMIUM_PATH)("players in the browser", () => {
  let client: Awaited<ReturnType<typeof buildClient>>;
  let node: TestNode;
  let browser: Browser;
  /** Whether this server has the players' routes (leaderboards, /api/me, profiles, replay permissions). */
  let playerRoutes = false;
  const contexts: BrowserContext[] = [];
  const players: Player[] = [];

  beforeAll(async () => {
    client = await buildClient();
    node = await startNode(client.dir);
    browser = await launchChromium();
    playerRoutes = (await fetch(`${node.url}/api/leaderboards/games?period=all`)).status === 200;
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await node?.close();
    client?.remove();
  });

  afterEach(async () => {
    const errors = players.flatMap((player) => player.errors);
    players.length = 0;
    for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
    expect(errors.join("\n"), "page errors").toBe("");
  });

  async function open(url: string, name: string, shots: string, viewport = DESKTOP): Promise<Player> {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const player = await Player.open(context, url, name, shots);
    players.push(player);
    return player;
  }

  const text = (player: Player, selector: string) => player.page.evaluate((css) => document.querySelector(css)?.textContent ?? "", selector);
  const visibleText = (player: Player) => player.page.evaluate(() => document.body.innerText);
  const waitForText = (player: Player, wanted: string | RegExp, timeout = 15_000) =>
    player.waitFor(async () => {
      const body = await visibleText(player);
      return typeof wanted === "string" ? body.includes(wanted) : wanted.test(body);
    }, `the text ${wanted}`, timeout);

  /** The user this page's session is, as the server says (GET /auth/userdata with its token). */
  async function sessionUser(player: Player): Promise<{ id: string; name: string; guest: boolean } | null> {
    return player.page.evaluate(async () => {
      const token = localStorage.getItem("colyseus-auth-token");
      if (!token) return null;
      const answer = await fetch("/auth/userdata", { headers: { authorization: `Bearer ${token}` } });
      return answer.ok ? ((await answer.json()) as { user: { id: string; name: string; guest: boolean } }).user : null;
    });
  }

  /** An account made over HTTP (as another browser would have made it). */
  async function makeAccount(username: string, email: string, password: string): Promise<void> {
    const answer = await fetch(`${node.url}/auth/register`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password, options: { username } }) });
    expect(answer.status).toBe(200);
  }

  async function lobby(player: Player): Promise<void> {
    await player.waitFor(() => player.page.evaluate(() => document.body.dataset.ready === "lobby"), "the lobby");
  }

  /** From the lobby: the create form with these chips, then create. */
  async function createGame(player: Player, chips: string[], typeName = true): Promise<void> {
    await lobby(player);
    if (typeName) await player.type("field:name", player.name);
    await player.click("button:create");
    for (const chip of chips) await player.click(`button:${chip}`);
    await player.click("button:createGame");
    await player.waitFor(async () => (await player.scene()) === "table" && (await player.state()), "the table");
  }

  /** One hole against one instant CPU (Sofia), standard rules (ranked), played to the end by clicks. */
  async function playRankedGame(player: Player, extraChips: string[] = [], typeName = true): Promise<{ code: string; gameId: string }> {
    await createGame(player, ["seats-2", "holes-1", "timer-0", "speed-instant", ...extraChips], typeName);
    await player.waitForState((s) => s.seats.filter((seat) => seat.kind === "cpu").length === 1, "the CPU seated");
    await player.click("button:start");
    const end = await player.playToEnd();
    expect(end.phase).toBe("gameOver");
    return { code: end.code, gameId: end.gameId };
  }

  async function fill(player: Player, field: string, value: string): Promise<void> {
    await player.click(`field:${field}`);
    await player.page.keyboard.press("Control+A");
    await player.page.keyboard.type(value);
  }

  const inlineError = (player: Player, field: string) => text(player, `#account-${field}-error:not([hidden])`);
  const formError = (player: Player) => player.page.evaluate(() => [...document.querySelectorAll(".dialog .field-error")].filter((e) => !(e as HTMLElement).hidden && !e.id).map((e) => e.textContent).join(""));

  it("a guest plays, registers (with clear errors first), finds the game in Your games and on the profile, and the leaderboard moves", async (ctx) => {
    await makeAccount("TakenName", "taken@example.com", "password-one");
    const gus = await open(`${node.url}/`, "Gus", "players-guest");
    await lobby(gus);
    expect(await sessionUser(gus), "no session before sitting down").toBeNull();
    await gus.shot("lobby-no-session");

    const before = playerRoutes ? ((await (await fetch(`${node.url}/api/leaderboards/games?period=all`)).json()) as { rows: { user: { name: string } }[] }) : null;
    const { code, gameId } = await playRankedGame(gus);
    // Sitting down made a guest with the typed name; the seat belongs to it.
    const guest = await sessionUser(gus);
    expect(guest).toMatchObject({ name: "Gus", guest: true });
    const seated = await gus.state();
    expect(await gus.page.evaluate(() => document.querySelector(".ranked-chip")?.textContent?.trim())).toBe("Ranked");
    expect(seated!.seats.some((seat) => seat.name === "Gus")).toBe(true);

    await gus.page.goto(`${node.url}/`);
    await lobby(gus);
    await waitForText(gus, "Guest: Gus");
    await gus.click("button:register");
    await gus.waitFor(() => gus.locate("field:username"), "the register dialog");
    // A short password is refused before anything is sent.
    await fill(gus, "username", "GusTheGolfer");
    await fill(gus, "email", "gus@example.com");
    await fill(gus, "password", "short");
    await gus.click("button:submitRegister");
    expect(await gus.waitFor(() => inlineError(gus, "password"), "the password error")).toMatch(/at least 8 characters/);
    // A taken username, then a taken email: each under its own field.
    await fill(gus, "password", "a-long-password");
    await fill(gus, "username", "takenname");
    await gus.click("button:submitRegister");
    expect(await gus.waitFor(() => inlineError(gus, "username"), "the username error")).toMatch(/taken/);
    await fill(gus, "username", "GusTheGolfer");
    await fill(gus, "email", "TAKEN@example.com");
    await gus.click("button:submitRegister");
    expect(await gus.waitFor(() => inlineError(gus, "email"), "the email error")).toMatch(/already uses that email/);
    await gus.shot("register-errors");
    await fill(gus, "email", "gus@example.com");
    await gus.click("button:submitRegister");
    await gus.waitFor(() => gus.locate("button:profile"), "the profile link in the bar");
    // Registering upgraded the guest: the same user, now registered, and the name field is the username.
    const registered = await sessionUser(gus);
    expect(registered).toMatchObject({ id: guest!.id, name: "GusTheGolfer", guest: false });
    expect(await gus.page.inputValue("#name")).toBe("GusTheGolfer");
    await gus.shot("registered");

    // Signing out forgets the session; signing in again shows a wrong password clearly, then works.
    await gus.click("button:signOut");
    await gus.waitFor(() => gus.locate("button:signIn"), "signed out");
    expect(await sessionUser(gus)).toBeNull();
    await gus.click("button:signIn");
    await fill(gus, "email", "gus@example.com");
    await fill(gus, "password", "not-the-password");
    await gus.click("button:submitSignIn");
    expect(await gus.waitFor(() => formError(gus), "the sign-in error")).toBe("Wrong email or password.");
    // Escape closes the dialog; open it again and sign in.
    await gus.page.keyboard.press("Escape");
    await gus.waitFor(async () => !(await gus.locate("field:password")), "the dialog closed");
    await gus.click("button:signIn");
    await fill(gus, "email", "gus@example.com");
    await fill(gus, "password", "a-long-password");
    await gus.page.keyboard.press("Enter");
    await gus.waitFor(() => gus.locate("button:profile"), "signed in again");
    expect((await sessionUser(gus))!.id).toBe(guest!.id);

    if (!playerRoutes) return ctx.skip("the players' routes (/api/me/games, leaderboards, profiles) are not on this server yet");

    // Your games: the finished game, with its replay.
    await gus.waitFor(() => gus.locate(`button:replay-${gameId}`), "the game in Your games");
    expect(await text(gus, `.your-games [data-game="${code}"]`)).toMatch(/won|of 2/);

    // The leaderboard moved: Gus was not on the games board as a guest; registered, he is, pinned.
    expect(before!.rows.some((row) => row.user.name === "GusTheGolfer")).toBe(false);
    await gus.click("button:leaderboard");
    await gus.waitFor(() => gus.page.evaluate(() => document.body.dataset.ready === "page"), "the leaderboard");
    await gus.click("button:metric-games");
    await gus.waitFor(() => gus.locate("button:player-GusTheGolfer"), "Gus on the games board");
    expect(await text(gus, ".pinned")).toMatch(/GusTheGolfer/);
    expect(await text(gus, 'tr[data-user="GusTheGolfer"] .value')).toBe("1");
    await gus.shot("leaderboard-desktop");

    // The profile: the stats and the game, whose replay opens.
    await gus.click("button:player-GusTheGolfer");
    await gus.waitFor(() => gus.locate(`button:replay-${gameId}`), "the game on the profile");
    expect(await text(gus, "table.stats tbody tr:first-child td")).toBe("1");
    await gus.shot("profile-desktop");
    await gus.click(`button:replay-${gameId}`);
    await gus.waitFor(async () => (await gus.scene()) === "replay", "the replay");

    // Another ranked game, now registered: his row on the games board moves to 2.
    await gus.page.goto(`${node.url}/`);
    // At the table he is his username now (the driver finds his seat by name).
    const registeredGus = new Player(gus.page, "GusTheGolfer", "players-guest-registered");
    await playRankedGame(registeredGus, [], false);
    await gus.page.goto(`${node.url}/leaderboard?metric=games&period=week`);
    await gus.waitFor(async () => (await text(gus, 'tr[data-user="GusTheGolfer"] .value')) === "2", "two games on this week's board");
    expect(await text(gus, ".pinned")).toMatch(/#1\s*GusTheGolfer\s*2/);

    // The same pages on a phone.
    const phone = await open(`${node.url}/leaderboard?metric=games&period=all`, "Phone", "players-phone", PHONE);
    await phone.waitFor(() => phone.locate("button:player-GusTheGolfer"), "the board on a phone");
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await phone.shot("leaderboard-phone");
    await phone.page.goto(`${node.url}/u/GusTheGolfer`);
    await phone.waitFor(() => phone.locate(`button:replay-${gameId}`), "the profile on a phone");
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await phone.shot("profile-phone");
  }, 300_000);

  it("the leaderboard and profile addresses open directly (node routes, CSP), fit a desktop and a phone, by mouse and keyboard", async () => {
    for (const [label, viewport] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
      const visitor = await open(`${node.url}/leaderboard?metric=wins&period=week`, "Visitor", `players-pages-${label}`, viewport);
      await visitor.waitFor(() => visitor.page.evaluate(() => document.body.dataset.ready === "page"), "the leaderboard page");
      expect(await text(visitor, "h1")).toBe("Leaderboard");
      // The address chose the tabs; rating is all time only, so its period tabs are disabled.
      expect(await visitor.page.getAttribute('[data-locate="button:metric-wins"]', "aria-selected")).toBe("true");
      expect(await visitor.page.getAttribute('[data-locate="button:period-week"]', "aria-selected")).toBe("true");
      await visitor.click("button:metric-rating");
      expect(await visitor.locate("button:period-week")).toBeNull();
      expect(new URL(visitor.page.url()).search).toBe("?metric=rating&period=all");
      expect(await visitor.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      await visitor.shot("leaderboard");
      await visitor.page.goto(`${node.url}/u/Nobody_here`);
      await waitForText(visitor, "There is no registered player called Nobody_here");
      expect(await visitor.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      await visitor.shot("no-such-player");
      // Back to the lobby by the keyboard: Tab to the link, Enter.
      await visitor.page.focus('[data-locate="button:back"]');
      await visitor.page.keyboard.press("Enter");
      await lobby(visitor);
    }
  }, 120_000);

  it("a guest with a game who signs in to an account is offered to move the game into it", async () => {
    await makeAccount("Mona", "mona@example.com", "password-mona");
    const mona = await open(`${node.url}/`, "Mo", "players-merge");
    await playRankedGame(mona);
    const guest = await sessionUser(mona);
    expect(guest).toMatchObject({ guest: true });
    const guestToken = await mona.page.evaluate(() => localStorage.getItem("colyseus-auth-token"));
    await mona.page.goto(`${node.url}/`);
    await lobby(mona);
    await mona.click("button:signIn");
    await fill(mona, "email", "mona@example.com");
    await fill(mona, "password", "password-mona");
    await mona.click("button:submitSignIn");
    await mona.waitFor(() => mona.locate("button:mergeGuest"), "the merge offer");
    expect(await text(mona, ".dialog p")).toMatch(/You played 1 game as a guest/);
    await mona.shot("merge-offer");
    await mona.click("button:mergeGuest");
    await waitForText(mona, "1 game moved into your account");
    // The guest is gone (its token opens nothing); the account holds the game.
    const guestAnswer = await fetch(`${node.url}/auth/userdata`, { headers: { authorization: `Bearer ${guestToken}` } });
    expect(guestAnswer.status).toBe(401);
    const account = await sessionUser(mona);
    expect(account).toMatchObject({ name: "Mona", guest: false });
    expect(account!.id).not.toBe(guest!.id);
  }, 120_000);

  it("a banned account is told so, with the reason, when signing in", async () => {
    await makeAccount("Barry", "barry@example.com", "password-barry");
    await runAdminCommand(node.store.accounts, ["ban", "Barry", "--reason", "rude at the table"]);
    const barry = await open(`${node.url}/`, "Barry", "players-banned");
    await lobby(barry);
    await barry.click("button:signIn");
    await fill(barry, "email", "barry@example.com");
    await fill(barry, "password", "password-barry");
    await barry.click("button:submitSignIn");
    expect(await barry.waitFor(() => formError(barry), "the ban message")).toBe("This account is banned: rude at the table");
    expect(await sessionUser(barry)).toBeNull();
    await barry.shot("banned");
  }, 60_000);

  it("a signed-in player takes their seat back from a second browser by joining the code", async () => {
    await makeAccount("Rhea", "rhea@example.com", "password-rhea");
    const first = await open(`${node.url}/`, "Rhea", "players-resume-1");
    await lobby(first);
    await first.click("button:signIn");
    await fill(first, "email", "rhea@example.com");
    await fill(first, "password", "password-rhea");
    await first.click("button:submitSignIn");
    await first.waitFor(() => first.locate("button:profile"), "signed in");
    // A running game with one CPU: it waits for Rhea's turn.
    await createGame(first, ["seats-2", "holes-1", "timer-0", "speed-instant"], false);
    await first.click("button:start");
    const running = await first.waitForState((s) => s.phase === "initialFlip", "the deal");
    const seat = first.mySeat(running);
    expect(seat).toBeGreaterThanOrEqual(0);

    // Another browser (no seat token there), signed in to the same account, joins by code.
    const second = await open(`${node.url}/`, "Rhea", "players-resume-2");
    await lobby(second);
    await second.click("button:signIn");
    await fill(second, "email", "rhea@example.com");
    await fill(second, "password", "password-rhea");
    await second.click("button:submitSignIn");
    await second.waitFor(() => second.locate("button:profile"), "signed in on the second browser");
    expect(await second.page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith("golf.seat.")))).toEqual([]);
    await second.type("field:code", running.code);
    await second.click("button:join");
    const resumed = await second.waitFor(async () => ((await second.scene()) === "table" ? second.state() : null), "the table on the second browser");
    expect(second.mySeat(resumed)).toBe(seat);
    expect(resumed.seats.filter((s) => s.name === "Rhea")).toHaveLength(1);
    // The first window is told its seat is played elsewhere; the second plays the game to its end.
    await first.waitFor(() => first.locate("button:retake"), "the first window superseded");
    // Her name on the table opens her profile in a new tab; a CPU's name opens nothing.
    const cpuSeat = resumed.seats.findIndex((s) => s.kind === "cpu");
    await second.click(`seat:${cpuSeat}`);
    const [profileTab] = await Promise.all([second.page.context().waitForEvent("page"), second.click(`seat:${seat}`)]);
    await profileTab.waitForLoadState();
    expect(new URL(profileTab.url()).pathname).toBe("/u/Rhea");
    expect(second.page.context().pages()).toHaveLength(2);
    await profileTab.close();
    const end = await second.playToEnd();
    expect(end.phase).toBe("gameOver");
  }, 300_000);

  it("a signed-in player resumes a running game from Your games on another device", async (ctx) => {
    if (!playerRoutes) return ctx.skip("needs /api/me/games");
    await makeAccount("Tess", "tess@example.com", "password-tess");
    const first = await open(`${node.url}/`, "Tess", "players-yours-1");
    await lobby(first);
    await first.click("button:signIn");
    await fill(first, "email", "tess@example.com");
    await fill(first, "password", "password-tess");
    await first.click("button:submitSignIn");
    await first.waitFor(() => first.locate("button:profile"), "signed in");
    await createGame(first, ["seats-2", "holes-1", "timer-0", "speed-instant"], false);
    await first.click("button:start");
    const running = await first.waitForState((s) => s.phase === "initialFlip", "the deal");

    const second = await open(`${node.url}/`, "Tess", "players-yours-2", PHONE);
    await lobby(second);
    await second.click("button:signIn");
    await fill(second, "email", "tess@example.com");
    await fill(second, "password", "password-tess");
    await second.click("button:submitSignIn");
    await second.click(`button:resume-${running.code}`);
    const resumed = await second.waitFor(async () => ((await second.scene()) === "table" ? second.state() : null), "the resumed table");
    expect(second.mySeat(resumed)).toBe(first.mySeat(running));
  }, 300_000);

  it("a private game's replay is open to its player and refused to a stranger", async (ctx) => {
    if (!playerRoutes) return ctx.skip("replay permissions come with the players' routes");
    const owner = await open(`${node.url}/`, "Olive", "players-private");
    const { gameId } = await playRankedGame(owner, ["private"]);
    await owner.page.goto(`${node.url}/replay/${gameId}`);
    await owner.waitFor(async () => (await owner.scene()) === "replay", "the owner's replay");

    const stranger = await open(`${node.url}/replay/${gameId}`, "Stan", "players-stranger");
    await waitForText(stranger, "That game is private");
    expect(await stranger.scene()).toBe("lobby");
    await stranger.shot("refused");
  }, 300_000);
});
