// The players' routes and replay permissions against a real node, on PostgreSQL (TEST_DATABASE_URL)
// and on the embedded PGlite: accounts made through /auth as a browser makes them, finished games
// written to the store as a node writes them and applied by the node's own recorder.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthAnswer, GameSummary, LeaderboardAnswer, MeAnswer, MyGamesAnswer, ProfileAnswer } from "../../shared/protocol/index.ts";
import { LEADERBOARD_METRICS, LEADERBOARD_PERIODS } from "../../shared/protocol/index.ts";
import { startTestNode, type TestNode } from "../testing.ts";
import { freshAccount, guest, register } from "../accounts/test/support.ts";
import { playGame, storeGame, type PlannedSeat } from "../stats/test/games.ts";
import { finishedExport } from "../testing.ts";
import { randomUUID } from "node:crypto";
import { newJoinCode } from "../../shared/protocol/index.ts";
import type { SeatInfo } from "../store/index.ts";
import { Bot } from "../test/support.ts";

describe("players' routes on PGlite", () => playersSuite({ postgres: false }));
describe.skipIf(!process.env.TEST_DATABASE_URL)("players' routes on PostgreSQL", () => playersSuite({ postgres: true }));

/** The table of the finished games, as the room records its seats. */
const TABLE: SeatInfo[] = [
  ...["Alice", "Bob", "Carol", "Wanderer"].map((name) => ({ name, kind: "human" as const, profile: "" })),
  { name: "Maya", kind: "cpu", profile: "maya" },
];

interface Player {
  id: string;
  name: string;
  token: string;
}

function playersSuite(backend: { postgres: boolean }): void {
  let node: TestNode;
  // Three registered players who play together, an admin, a stranger, and a guest who plays too.
  let alice: Player, bob: Player, carol: Player, admin: Player, stranger: Player, guestPlayer: Player;
  const finished: string[] = [];
  let privateGame: string;
  let activeGame: string;

  const api = async <T = Record<string, unknown>>(path: string, options: { token?: string; method?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(node.url + path, { method: options.method ?? "GET", headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    return { status: res.status, body: (await res.json()) as T & { error?: string }, headers: res.headers };
  };
  const registered = async (prefix: string, email?: string): Promise<Player> => {
    const account = freshAccount(prefix);
    if (email) account.email = email;
    const answer: AuthAnswer = await register(node.url, account, (await guest(node.url, prefix)).token);
    return { id: answer.user.id, name: answer.user.name, token: answer.token };
  };
  const user = (player: Player): PlannedSeat => ({ kind: "user", userId: player.id });

  beforeAll(async () => {
    node = await startTestNode({ postgres: backend.postgres, accounts: { adminEmails: ["boss@example.test"] } });
    [alice, bob, carol, stranger] = await Promise.all([registered("alice"), registered("bob"), registered("carol"), registered("stranger")]);
    admin = await registered("boss", "boss@example.test");
    const guestAnswer = await guest(node.url, "Wanderer");
    guestPlayer = { id: guestAnswer.user.id, name: guestAnswer.user.name, token: guestAnswer.token };
    // Six ranked games of nine holes: everyone is rated (5 games) and on the mean-hole-score board (36 holes).
    for (let game = 0; game < 6; game++) {
      finished.push(await storeGame(node.store, playGame({ seed: 100 + game, holes: 9, seats: [user(alice), user(bob), user(carol), user(guestPlayer), { kind: "cpu" }] })));
    }
    // A private game of alice's and bob's, and a game alice is still in (its lobby).
    privateGame = await storeGame(node.store, playGame({ seed: 7, holes: 1, seats: [user(alice), user(bob)] }));
    await node.store.games.update(privateGame, { private: true });
    const lobby = playGame({ seed: 8, holes: 1, seats: [user(alice), { kind: "cpu" }] });
    activeGame = randomUUID();
    await node.store.games.create({ id: activeGame, code: newJoinCode(), private: false, rules: {}, holes: 1, decks: null, seats: [] });
    await node.store.log.append(activeGame, lobby.slice(0, lobby.findIndex((event) => event.type === "holeStarted")), 0);
    // The table as the room records it.
    for (const id of [...finished, privateGame]) await node.store.games.update(id, { seats: TABLE });
    await node.stats.catchUp();
  }, 120_000);
  afterAll(() => node?.close());

  describe("leaderboards", () => {
    it("walks every board by cursor: each row once, in order, ranks as the values say, registered players only", async () => {
      for (const metric of LEADERBOARD_METRICS) {
        for (const period of LEADERBOARD_PERIODS) {
          if (metric === "rating" && period !== "all") continue;
          const whole = await api<LeaderboardAnswer>(`/api/leaderboards/${metric}?period=${period}&limit=100`);
          expect(whole.status, whole.body.error).toBe(200);
          expect(whole.body.next).toBeNull();
          // Alice, bob and carol played every game; the guest is not listed, the others did not play.
          expect(whole.body.rows.map((row) => row.user.id).sort()).toEqual([alice.id, bob.id, carol.id].sort());
          for (const row of whole.body.rows) {
            expect(Object.keys(row).sort()).toEqual(["games", "rank", "user", "value"]);
            expect(Object.keys(row.user).sort()).toEqual(["id", "name"]);
            expect(row.user.name).toBe([alice, bob, carol].find((p) => p.id === row.user.id)!.name);
          }
          const values = whole.body.rows.map((row) => row.value);
          expect(values).toEqual([...values].sort((a, b) => (metric === "meanHoleScore" ? a - b : b - a)));
          whole.body.rows.forEach((row, i) => expect(row.rank).toBe(values.findIndex((value) => value === row.value) + 1));

          const walked = [];
          let cursor: string | null = null;
          do {
            const page: { body: LeaderboardAnswer } = await api<LeaderboardAnswer>(`/api/leaderboards/${metric}?period=${period}&limit=1${cursor ? `&cursor=${cursor}` : ""}`);
            walked.push(...page.body.rows);
            cursor = page.body.next;
          } while (cursor);
          expect(walked).toEqual(whole.body.rows);
        }
      }
    });

    it("pins the caller's own row when signed in, null when not on the board", async () => {
      const board = await api<LeaderboardAnswer>("/api/leaderboards/wins?period=week");
      expect(board.body).not.toHaveProperty("me");
      const mine = await api<LeaderboardAnswer>("/api/leaderboards/wins?period=week", { token: bob.token });
      expect(mine.body.me).toEqual(board.body.rows.find((row) => row.user.id === bob.id));
      expect((await api<LeaderboardAnswer>("/api/leaderboards/rating", { token: stranger.token })).body.me).toBeNull();
      // A guest plays and counts, but is not listed until it registers.
      expect((await api<LeaderboardAnswer>("/api/leaderboards/games", { token: guestPlayer.token })).body.me).toBeNull();
    });

    it("refuses a bad metric, period, cursor, limit or token with a clear error", async () => {
      const refusals: [string, number, RegExp, string?][] = [
        ["/api/leaderboards/elo", 400, /metric must be one of rating, wins, meanHoleScore, games/],
        ["/api/leaderboards/wins?period=year", 400, /period must be one of all, month, week/],
        ["/api/leaderboards/rating?period=week", 400, /all time only/],
        ["/api/leaderboards/wins?limit=0", 400, /limit must be a whole number from 1 to 100/],
        ["/api/leaderboards/wins?limit=101", 400, /limit/],
        ["/api/leaderboards/wins?limit=ten", 400, /limit/],
        ["/api/leaderboards/wins?cursor=!!", 400, /cursor/],
        [`/api/leaderboards/wins?cursor=${Buffer.from('{"value":1}').toString("base64url")}`, 400, /bad cursor/],
        ["/api/leaderboards/wins?period=all&period=week", 400, /period/],
        ["/api/leaderboards/wins?offset=10", 400, /unknown query parameter offset/],
        ["/api/leaderboards/wins", 401, /session token is not valid/, "not-a-token"],
      ];
      for (const [path, status, error, token] of refusals) {
        const answer = await api(path, { token });
        expect(answer.status, path).toBe(status);
        expect(answer.body.error, path).toMatch(error);
      }
    });
  });

  describe("/api/me", () => {
    it("answers 401 without a session or with a bad one", async () => {
      expect((await api("/api/me")).status).toBe(401);
      expect((await api("/api/me", { token: "x.y.z" })).status).toBe(401);
      expect((await api("/api/me/games")).status).toBe(401);
    });

    it("is the signed-in user with its stats and rating, a guest too", async () => {
      const me = await api<MeAnswer>("/api/me", { token: alice.token });
      expect(me.status).toBe(200);
      expect(me.body.user).toMatchObject({ id: alice.id, name: alice.name, guest: false });
      expect(me.body.stats.all.games).toBe(7);
      expect(me.body.stats.ranked.games).toBe(7);
      expect(me.body.stats.all.holes).toBe(55);
      expect(me.body.stats.all.meanHoleScore).toBeCloseTo(me.body.stats.all.holeScoreSum / 55);
      expect(me.body.stats.rating?.games).toBe(7);
      expect(me.body.stats.rating?.rating).toEqual(expect.any(Number));
      expect(JSON.stringify(me.body)).not.toMatch(/password|scrypt|sigma/);
      const guestMe = await api<MeAnswer>("/api/me", { token: guestPlayer.token });
      expect(guestMe.body.user).toMatchObject({ id: guestPlayer.id, guest: true });
      expect(guestMe.body.stats.ranked.games).toBe(6);
      const newcomer = await api<MeAnswer>("/api/me", { token: stranger.token });
      expect(newcomer.body.stats).toMatchObject({ all: { games: 0, meanHoleScore: null }, rating: null });
    });

    it("lists the caller's games newest first, by cursor, saying what can be resumed or replayed", async () => {
      const all = await api<MyGamesAnswer>("/api/me/games?status=finished&limit=100", { token: alice.token });
      expect(all.status).toBe(200);
      expect(all.body.games.map((game) => game.gameId)).toEqual([privateGame, ...[...finished].reverse()]);
      const walked: GameSummary[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: MyGamesAnswer } = await api<MyGamesAnswer>(`/api/me/games?status=finished&limit=3${cursor ? `&cursor=${cursor}` : ""}`, { token: alice.token });
        walked.push(...page.body.games);
        cursor = page.body.next;
      } while (cursor);
      expect(walked).toEqual(all.body.games);
      const first = all.body.games.at(-1)!;
      expect(first).toMatchObject({ status: "finished", canReplay: true, canResume: false, result: { players: 5, ranked: true } });
      expect(first.players).toEqual(TABLE.map(({ name, kind }) => ({ name, kind })));
      expect(first.code).toMatch(/^[A-Z0-9]+$/);

      const active = await api<MyGamesAnswer>("/api/me/games?status=active", { token: alice.token });
      expect(active.body.games).toHaveLength(1);
      expect(active.body.games[0]).toMatchObject({ gameId: activeGame, status: "lobby", canResume: true, canReplay: false, result: null });
      expect((await api<MyGamesAnswer>("/api/me/games?status=active", { token: carol.token })).body.games).toEqual([]);
    });

    it("refuses a bad status, cursor or limit", async () => {
      for (const query of ["status=done", "limit=-1", "cursor=%7B", `cursor=${Buffer.from("[1,2]").toString("base64url")}`, "page=2"]) {
        const answer = await api(`/api/me/games?${query}`, { token: alice.token });
        expect(answer.status, query).toBe(400);
        expect(answer.body.error, query).toEqual(expect.any(String));
      }
    });
  });

  describe("profiles", () => {
    it("shows a registered player's stats, rating history and public games, never an email", async () => {
      const profile = await api<ProfileAnswer>(`/api/users/${bob.name.toUpperCase()}`);
      expect(profile.status).toBe(200);
      expect(profile.body.user).toMatchObject({ id: bob.id, name: bob.name });
      expect(profile.body.stats.ranked.games).toBe(7);
      expect(profile.body.ratingHistory).toHaveLength(7);
      expect(profile.body.ratingHistory[0]!.gameId).toBe(privateGame);
      // The private game is not among the public games.
      expect(profile.body.recentGames.map((game) => game.gameId)).toEqual([...finished].reverse());
      expect(JSON.stringify(profile.body)).not.toMatch(/@|email/);
    });

    it("answers 404 for an unknown name and a guest, 400 for what cannot be a name", async () => {
      expect((await api("/api/users/nobody_here")).status).toBe(404);
      expect((await api(`/api/users/${encodeURIComponent(guestPlayer.name)}`)).status).toBe(404);
      for (const name of ["ab", "a".repeat(21), "bad%20name", "%F0%9F%98%80x"]) {
        const answer = await api(`/api/users/${name}`);
        expect(answer.status, name).toBe(400);
        expect(answer.body.error).toMatch(/username is 3-20/);
      }
    });
  });

  describe("replay permissions", () => {
    it("opens a private game's export to its players and admins only", async () => {
      const path = `/api/games/${privateGame}/export`;
      const anonymous = await api(path);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.error).toMatch(/players only: sign in/);
      expect((await api(path, { token: stranger.token })).status).toBe(403);
      expect((await api(path, { token: carol.token })).status).toBe(403);
      // A seat token that is not one of this game's opens nothing.
      expect((await api(path, { headers: { "x-seat-token": "not-a-seat-token" } })).status).toBe(401);
      expect((await api(path, { token: bob.token })).status).toBe(200);
      expect((await api(path, { token: admin.token })).status).toBe(200);
      // A public game's is anyone's.
      expect((await api(`/api/games/${finished[0]}/export`)).status).toBe(200);
    });

    it("lets only the players and admins share a private game, and its link opens to them only", async () => {
      const share = `/api/games/${privateGame}/share`;
      expect((await api(share, { method: "POST", body: {} })).status).toBe(401);
      expect((await api(share, { method: "POST", body: {}, token: stranger.token })).status).toBe(403);
      const created = await api<{ code: string }>(share, { method: "POST", body: {}, token: alice.token });
      expect(created.status).toBe(201);
      const link = `/api/shares/${created.body.code}`;
      expect((await api(link)).status).toBe(401);
      expect((await api(link, { token: stranger.token })).status).toBe(403);
      const seen = await api<{ views: number }>(link, { token: bob.token });
      expect(seen.status).toBe(200);
      // The refused looks counted nothing.
      expect(seen.body.views).toBe(1);
      expect((await api(link, { token: admin.token })).status).toBe(200);
      expect((await api(`/api/games/${finished[0]}/share`, { method: "POST", body: {} })).status).toBe(201);
    });

    it("refuses an import without a session; an import belongs to its importer and says so", async () => {
      const doc = finishedExport(31);
      const refused = await api("/api/games/import", { method: "POST", body: doc });
      expect(refused.status).toBe(401);
      expect(refused.body.error).toMatch(/importing a game needs a session/);
      const before = (await api<{ games: GameSummary[] }>("/api/me/games", { token: carol.token })).body.games.length;
      const imported = await api<{ gameId: string }>("/api/games/import", { method: "POST", body: doc, token: carol.token });
      expect(imported.status).toBe(201);
      const exported = await api<{ game: { imported?: unknown } }>(`/api/games/${imported.body.gameId}/export`);
      expect(exported.body.game.imported).toEqual({ by: { id: carol.id, name: carol.name } });
      expect(await node.store.games.isPlayer(imported.body.gameId, carol.id)).toBe(true);
      expect(await node.store.games.isPlayer(imported.body.gameId, alice.id)).toBe(false);
      // Importing it again gives carol her game back; bob importing it gets a game of his own.
      expect((await api<{ gameId: string }>("/api/games/import", { method: "POST", body: doc, token: carol.token })).body.gameId).toBe(imported.body.gameId);
      const bobs = await api<{ gameId: string }>("/api/games/import", { method: "POST", body: doc, token: bob.token });
      expect(bobs.status).toBe(201);
      expect(bobs.body.gameId).not.toBe(imported.body.gameId);
      // An import is not a result: carol's games are unchanged.
      expect((await api<{ games: GameSummary[] }>("/api/me/games", { token: carol.token })).body.games).toHaveLength(before);
    });
  });

  describe("Seat.rating", () => {
    it("shows each signed-in player's rating from the start, 0 for the unrated and the CPUs", async () => {
      const aliceRating = (await api<MeAnswer>("/api/me", { token: alice.token })).body.stats.rating!.rating!;
      expect(aliceRating).toBeGreaterThan(0);
      const host = await Bot.create(node.url, { name: "Alice", seats: 3, cpus: 1, holes: 1, turnSeconds: 0 }, { session: alice.token });
      const other = await Bot.joinById(node.url, host.code, { name: "Newcomer" }, { session: stranger.token });
      try {
        // In the lobby nobody's rating shows yet.
        expect(host.state.seats.map((seat) => seat.rating)).toEqual([0, 0, 0]);
        expect((await host.act("start")).ok).toBe(true);
        await other.until(() => other.state.seats.some((seat) => seat.rating > 0), 10_000, "the ratings shown");
        const shown = new Map(other.state.seats.map((seat) => [seat.userId || seat.kind, seat.rating]));
        expect(shown).toEqual(new Map([[alice.id, aliceRating], [stranger.id, 0], ["cpu", 0]]));
      } finally {
        host.stopPlaying();
        other.stopPlaying();
        await host.leave();
        await other.leave();
      }
    });
  });
}
