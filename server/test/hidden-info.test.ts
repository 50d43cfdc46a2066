// What no client may learn, checked on the bytes each client received. Whole games are played while
// every frame each seat and a spectator receive is recorded; after game over the export (the full log,
// every deal included) gives the true game at every seq, and each recorded frame is decoded on its own
// (a fresh schema decoder from the join reflection, msgpack for messages) and checked against the
// truth at the time it was received: a state patch at the state's own lastSeq, an event at its seq,
// any other message at the last seq the client had seen.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cardKey, EMPTY_STATE, evolve, verifyLog, type Card, type GameEvent, type GameState } from "../../shared/golf/index.ts";
import { startTestNode, type TestNode } from "../testing.ts";
import type { SyncedCard as CardJson, SyncedState as StateJson } from "../../shared/protocol/index.ts";
import { Bot, decodeFrames, fetchExport, logOf, type BotOptions } from "./support.ts";

let node: TestNode;
const bots: Bot[] = [];

beforeAll(async () => {
  node = await startTestNode({ holeIntervalMs: 200, cpuDelayMs: 0 });
});

afterAll(async () => {
  // The node's shutdown closes every connection itself (bots leaving a running game first would
  // leave its room playing on its own while the store closes).
  for (const bot of bots) bot.stopPlaying();
  await node?.close();
});

type Viewer = number | "spectator";
const FORBIDDEN_KEYS = ["seed", "deck", "hands", "token"];
const totals = { frames: 0, states: 0, events: 0, messages: 0 };

// --- the truth --------------------------------------------------------------------------------

const key = (card: { rank: string; suit: string }) => `${card.rank}|${card.suit}`;

/** Every card this viewer may see in a true state: face-up cards, the discard pile, the held card when allowed. */
function visibleCards(state: GameState, viewer: Viewer): Map<string, number> {
  const cards: Card[] = [];
  for (const seat of state.seats) for (const slot of seat.cards) if (slot.faceUp) cards.push(slot.card);
  cards.push(...state.discard);
  if (state.drawn && (state.drawnFrom === "discard" || viewer === state.turn)) cards.push(state.drawn);
  const counts = new Map<string, number>();
  for (const card of cards) counts.set(key(card), (counts.get(key(card)) ?? 0) + 1);
  return counts;
}

/** The event as docs/events.md says a viewer receives it ("hidden from" column). */
function documentedProjection(e: GameEvent, viewer: Viewer): { type: string; seat: number | null; data: unknown } {
  switch (e.type) {
    case "created": {
      const { seed: _seed, ...visible } = e.data;
      return { type: e.type, seat: e.seat, data: visible };
    }
    case "holeStarted":
      return { type: e.type, seat: e.seat, data: { hole: e.data.hole, dealer: e.data.dealer, discard: e.data.discard, deckCount: e.data.deck.length } };
    case "reshuffled":
      return { type: e.type, seat: e.seat, data: { deckCount: e.data.deck.length } };
    case "drew":
      return { type: e.type, seat: e.seat, data: e.data.source === "deck" && viewer !== e.seat ? { source: "deck" } : e.data };
    default:
      return { type: e.type, seat: e.seat, data: e.data };
  }
}

// --- walking decoded values ---------------------------------------------------------------------

function walk(value: unknown, visit: (node: Record<string, unknown>, path: string) => void, path = "$"): void {
  if (Array.isArray(value)) value.forEach((item, index) => walk(item, visit, `${path}[${index}]`));
  else if (value && typeof value === "object" && !(value instanceof Uint8Array) && !(value instanceof Date)) {
    visit(value as Record<string, unknown>, path);
    for (const [name, item] of Object.entries(value)) walk(item, visit, `${path}.${name}`);
  }
}

function keysIn(value: unknown): string[] {
  const keys: string[] = [];
  walk(value, (node, path) => Object.keys(node).forEach((name) => keys.push(`${path}.${name}`)));
  return keys;
}

function cardsIn(value: unknown): { card: CardJson; path: string }[] {
  const cards: { card: CardJson; path: string }[] = [];
  walk(value, (node, path) => {
    if (typeof node.rank === "string" && typeof node.suit === "string" && node.rank !== "") cards.push({ card: node as unknown as CardJson, path });
  });
  return cards;
}

function stringsIn(value: unknown): string[] {
  const strings: string[] = [];
  const visit = (item: unknown) => {
    if (typeof item === "string") strings.push(item);
    else if (Array.isArray(item)) item.forEach(visit);
    else if (item && typeof item === "object") Object.values(item).forEach(visit);
  };
  visit(value);
  return strings;
}

// --- the checks ---------------------------------------------------------------------------------

interface Truth {
  log: GameEvent[];
  /** states[s]: the true game after s events. */
  states: GameState[];
  startedSeq: number;
  order: number[];
}

function truthOf(log: GameEvent[]): Truth {
  const states = [EMPTY_STATE];
  for (const e of log) states.push(evolve(states.at(-1)!, e));
  const startedSeq = log.findIndex((e) => e.type === "started") + 1;
  const started = log[startedSeq - 1]!;
  return { log, states, startedSeq, order: started.type === "started" ? started.data.order : [] };
}

function noLeakedKeys(value: unknown, where: string, allowToken = false): void {
  const bad = keysIn(value).filter((path) => {
    const name = path.slice(path.lastIndexOf(".") + 1);
    return FORBIDDEN_KEYS.includes(name) && !(allowToken && path === "$.token");
  });
  expect(bad, `${where}: forbidden keys`).toEqual([]);
}

function emptyCard(card: CardJson | undefined): boolean {
  return card === undefined || (card.rank === "" && card.suit === "");
}

/** A decoded state against the true game at its lastSeq: face-down cards blank for everyone, held card only for its owner. */
function checkState(state: StateJson, truth: Truth, viewerAt: (seq: number) => Viewer, where: string): void {
  const seq = state.lastSeq;
  const game = truth.states[seq];
  expect(game, `${where}: lastSeq ${seq} is past the log`).toBeDefined();
  const viewer = viewerAt(seq);
  noLeakedKeys(state, where);
  expect(state.seats.length, where).toBe(game!.seats.length);
  expect({ phase: state.phase, turn: state.turn, deckCount: state.deckCount, discardCount: state.discardCount, drawnFrom: state.drawnFrom, mustFlip: state.mustFlip }, where).toEqual({
    phase: game!.phase,
    turn: game!.turn,
    deckCount: game!.deck.length,
    discardCount: game!.discard.length,
    drawnFrom: game!.drawnFrom,
    mustFlip: game!.mustFlip,
  });
  const top = game!.discard.at(-1);
  expect(state.discardTop, `${where}: discard top`).toEqual({ rank: top?.rank ?? "", suit: top?.suit ?? "" });
  game!.seats.forEach((seat, index) => {
    const shown = state.seats[index]!;
    expect(shown.cards.length, where).toBe(seat.cards.length);
    seat.cards.forEach((slot, position) => {
      const expected = slot.faceUp ? { faceUp: true, rank: slot.card.rank, suit: slot.card.suit } : { faceUp: false, rank: "", suit: "" };
      expect(shown.cards[position], `${where}: seat ${index} slot ${position} (seq ${seq}, viewer ${viewer})`).toEqual(expected);
    });
    const holding = index === viewer && game!.turn === index && game!.drawn;
    if (holding) expect(shown.drawn, `${where}: own held card`).toEqual({ rank: game!.drawn!.rank, suit: game!.drawn!.suit });
    else expect(emptyCard(shown.drawn), `${where}: seat ${index}'s held card shown to viewer ${viewer}: ${JSON.stringify(shown.drawn)}`).toBe(true);
    expect({ conceded: shown.conceded, initialFlipDone: shown.initialFlipDone }, `${where}: seat ${index}`).toEqual({ conceded: seat.conceded, initialFlipDone: seat.initialFlipDone });
  });
  checkAddedFields(state, game!, where);
  // Whatever field carries it, every card in the state is one this viewer may see now.
  const visible = visibleCards(game!, viewer);
  for (const { card, path } of cardsIn(state)) expect(visible.has(key(card)), `${where}: ${key(card)} at ${path}, not visible to ${viewer}`).toBe(true);
}

/** The fields added so that a client reads the engine's view instead of guessing: the truth, and a held card only when everyone saw it. */
function checkAddedFields(state: StateJson, game: GameState, where: string): void {
  expect(state.discardPile, `${where}: discard pile`).toEqual(game.discard.map(cardKey));
  const taken = game.drawnFrom === "discard" && game.drawn;
  if (taken) expect(state.publicDrawn, `${where}: the card taken from the discard pile`).toEqual({ rank: game.drawn!.rank, suit: game.drawn!.suit });
  else expect(emptyCard(state.publicDrawn), `${where}: publicDrawn ${JSON.stringify(state.publicDrawn)} (drawn from "${game.drawnFrom}")`).toBe(true);
  expect(
    { tableSize: state.tableSize, decksChoice: state.decksChoice, turnSeconds: state.turnSeconds, finalTurnsLeft: state.finalTurnsLeft, winners: state.winners, abandoned: state.abandoned },
    where,
  ).toEqual({ tableSize: game.tableSize, decksChoice: game.decksChoice ?? 0, turnSeconds: game.turnSeconds, finalTurnsLeft: game.finalTurnsLeft, winners: game.winners, abandoned: game.abandoned });
  expect(state.results, `${where}: results`).toEqual(game.results.map(({ hole, finisher, raw, scores, winners }) => ({ hole, finisher, raw, scores, winners })));
}

/** An event message against the true event at its seq and the true game right after it. */
function checkEvent(message: Record<string, unknown>, truth: Truth, viewer: Viewer, where: string): void {
  const seq = message.seq as number;
  const e = truth.log[seq - 1]!;
  expect(e, `${where}: seq ${seq} is past the log`).toBeDefined();
  noLeakedKeys(message, where);
  const { seq: _seq, rid: _rid, ...rest } = message;
  expect(rest, `${where}: event ${seq}`).toEqual(documentedProjection(e, viewer));
  // Independently of the documented projection: every card in it is one this viewer may see now.
  const visible = visibleCards(truth.states[seq]!, viewer);
  for (const { card, path } of cardsIn(message)) {
    const left = visible.get(key(card)) ?? 0;
    expect(left, `${where}: event ${seq} ${e.type} shows ${key(card)} at ${path}, not visible to ${viewer}`).toBeGreaterThan(0);
    visible.set(key(card), left - 1);
  }
  // Cards named with their positions are exactly the true, now face-up slots.
  const data = message.data as { position?: number; positions?: number[]; card?: CardJson; cards?: CardJson[] };
  if (e.seat !== null && (e.type === "flipped" || e.type === "swapped" || e.type === "flippedInitial" || e.type === "knocked" || e.type === "revealed")) {
    const positions = data.positions ?? [data.position!];
    const cards = data.cards ?? [data.card!];
    positions.forEach((position, index) => {
      const slot = truth.states[seq]!.seats[e.seat!]!.cards[position]!;
      expect(slot.faceUp, `${where}: ${e.type} position ${position}`).toBe(true);
      expect(key(cards[index]!)).toBe(key(slot.card));
    });
  }
}

interface ViewerReport {
  frames: number;
}

/** Decodes every frame one client received and checks each against the truth. */
function checkClient(bot: Bot, truth: Truth, tokens: string[], where: string): ViewerReport {
  const decoded = decodeFrames(bot.frames);
  const welcome = decoded.find((frame) => frame.kind === "message" && frame.type === "welcome");
  expect(welcome, `${where}: welcome`).toBeDefined();
  const lobbySeat = ((welcome as { message: { seat: number } }).message).seat;
  const seatInPlay = lobbySeat >= 0 ? truth.order.indexOf(lobbySeat) : -1;
  const viewerAt = (seq: number): Viewer => (lobbySeat < 0 ? "spectator" : seq >= truth.startedSeq ? seatInPlay : lobbySeat);
  const own = bot.token;
  const others = tokens.filter((token) => token !== own);
  expect(others.length).toBeGreaterThan(0);

  let lastSeq = 0;
  let joined = false;
  decoded.forEach((frame, index) => {
    const at = `${where} frame ${index}`;
    const bytes = bot.frames[index]!.bytes;
    // The raw bytes: no other player's token, no seed, no hands, anywhere.
    for (const token of others) expect(bytes.includes(token), `${at}: another player's token`).toBe(false);
    expect(bytes.includes("seed"), `${at}: "seed" in the bytes`).toBe(false);
    expect(bytes.includes("hands"), `${at}: "hands" in the bytes`).toBe(false);
    totals.frames++;
    switch (frame.kind) {
      case "join":
        joined = true;
        break;
      case "state":
        expect(joined).toBe(true);
        checkState(frame.state, truth, viewerAt, at);
        lastSeq = Math.max(lastSeq, frame.state.lastSeq);
        totals.states++;
        break;
      case "message": {
        const message = frame.message as Record<string, unknown>;
        for (const text of stringsIn(message)) for (const token of others) expect(text.includes(token), `${at}: token in a message`).toBe(false);
        if (frame.type === "event") {
          checkEvent(message, truth, viewerAt(message.seq as number), at);
          lastSeq = Math.max(lastSeq, message.seq as number);
          totals.events++;
        } else {
          // welcome, error, timerWarning, playAgain: no cards at all, and only one's own token.
          noLeakedKeys(message, at, frame.type === "welcome");
          expect(cardsIn(message), `${at}: cards in ${String(frame.type)} at seq ${lastSeq}`).toEqual([]);
          if (frame.type === "welcome") expect(message.token).toBe(lobbySeat >= 0 ? own : "");
          totals.messages++;
        }
        break;
      }
      case "error":
        throw new Error(`${at}: protocol error ${frame.code} ${frame.message}`);
      default:
        break;
    }
  });
  expect(lastSeq, `${where}: saw the game to its end`).toBe(truth.log.length);
  return { frames: decoded.length };
}

// --- the games ----------------------------------------------------------------------------------

interface Setup {
  create: Record<string, unknown>;
  guests: number;
  bot?: BotOptions;
}

async function playRecordedGame({ create, guests, bot }: Setup): Promise<{ players: Bot[]; watcher: Bot; truth: Truth }> {
  const host = await Bot.create(node.url, { name: "Host", turnSeconds: 0, ...create }, bot);
  bots.push(host);
  const players = [host];
  for (let index = 0; index < guests; index++) {
    const guest = await Bot.joinById(node.url, host.code, { name: `Guest ${index + 1}` }, bot);
    bots.push(guest);
    players.push(guest);
  }
  const watcher = await Bot.joinById(node.url, host.code, { spectate: true });
  bots.push(watcher);
  await host.until(() => host.state.spectators === 1 && host.state.seats.every((seat) => seat.kind !== "empty"));
  expect((await host.act("start")).ok).toBe(true);
  for (const b of [...players, watcher]) await b.until(() => b.state.phase === "gameOver", 120_000, "game over");
  const doc = await fetchExport(node.url, host.welcome!.gameId);
  const log = logOf(doc);
  verifyLog(log);
  for (const b of [...players, watcher]) await b.until(() => b.events.at(-1)?.seq === log.length, 30_000, "the last event");
  for (const player of players) expect(player.moveErrors).toEqual([]);
  return { players, watcher, truth: truthOf(log) };
}

function checkEveryone(players: Bot[], watcher: Bot, truth: Truth): number {
  const tokens = players.map((player) => player.token);
  expect(new Set(tokens).size).toBe(players.length);
  let frames = 0;
  players.forEach((player, index) => (frames += checkClient(player, truth, tokens, `player ${index + 1}`).frames));
  frames += checkClient(watcher, truth, tokens, "spectator").frames;
  return frames;
}

describe("hidden information on the wire", () => {
  it("two players, two CPUs, two holes, two decks: nobody sees a face-down card, the deck, the seed or another's token", async () => {
    const { players, watcher, truth } = await playRecordedGame({ create: { seats: 4, cpus: 2, holes: 2 }, guests: 1 });
    expect(truth.log.filter((e) => e.type === "holeStarted")).toHaveLength(2);
    expect(truth.log.some((e) => e.type === "drew" && e.data.source === "deck" && players.some((p) => p.seat === e.seat))).toBe(true);
    const frames = checkEveryone(players, watcher, truth);
    expect(frames).toBeGreaterThan(100);
  });

  it("no initial flips, knocking and end-game flips: every card starts hidden and stays hidden until turned", async () => {
    const { players, watcher, truth } = await playRecordedGame({
      create: { seats: 3, cpus: 1, holes: 2, rules: { initialFlips: 0, knockEarly: true, flipMode: "endgame" } },
      guests: 1,
      bot: { policy: { randomness: 0.3, swapChance: 0.5 } },
    });
    // With no initial flips the first state of each hole has every card face-down.
    const deal = truth.log.findIndex((e) => e.type === "holeStarted") + 1;
    expect(truth.states[deal]!.seats.every((seat) => seat.cards.every((slot) => !slot.faceUp))).toBe(true);
    expect(truth.log.some((e) => e.type === "flippedInitial")).toBe(false);
    checkEveryone(players, watcher, truth);
  });

  it("Jokers, flipping as an action, a slow table whose deck runs out: reshuffles and Jokers stay hidden too", async () => {
    const { players, watcher, truth } = await playRecordedGame({
      // Bots that hardly ever turn a card over until the 41 cards left in the deck after the deal ran out.
      create: { seats: 2, holes: 2, rules: { useJokers: true, flipAsAction: true, initialFlips: 1 } },
      guests: 1,
      bot: { policy: { slowUntilReshuffle: true } },
    });
    const deal = truth.log.find((e) => e.type === "holeStarted")!;
    if (deal.type !== "holeStarted") throw new Error("no deal");
    expect([...deal.data.hands.flat(), deal.data.discard, ...deal.data.deck].filter((card) => card.rank === "JK")).toHaveLength(2);
    expect(truth.log.filter((e) => e.type === "reshuffled").length).toBeGreaterThanOrEqual(1);
    checkEveryone(players, watcher, truth);
  });

  afterAll(() => {
    console.info(`hidden-info: ${totals.frames} frames checked (${totals.states} states, ${totals.events} events, ${totals.messages} other messages)`);
  });
});
