// The rules of a hole and a game, action by action, with rigged deals (docs/rules.md).
import { describe, expect, it } from "vitest";
import { decide } from "./decide.ts";
import { EMPTY_STATE, evolve, fold } from "./evolve.ts";
import { applyOwedEvents } from "./owed.ts";
import { verifyLog } from "./verify.ts";
import { createdEvent } from "./settings.ts";
import { projectEvent, view } from "./view.ts";
import { card, cards, expectRefused, play, riggedGame, rules, startedCpuGame } from "./test-support.ts";
import type { GameEvent, GameState } from "./types.ts";

// Two players; the deck's top is its last card. P0's grid: 5H 6H 7H / 8H 9H 10H; P1's: AS 2S 3S / 4S 5S 6S.
const TWO = { hands: ["5H 6H 7H 8H 9H 10H", "AS 2S 3S 4S 5S 6S"], discard: "KD", deck: "7D 8D 9D 10D 2C 3C 4C 5C 6C QC" };

/** Both players flip their first two cards; P1 then has the first turn (the dealer is P1... seat 1). */
function afterInitialFlips(options = TWO, patch = {}): GameState {
  let { state } = riggedGame({ ...options, rules: patch, dealer: 1 });
  state = play(state, 0, { type: "flipInitial", positions: [0, 1] }).state;
  state = play(state, 1, { type: "flipInitial", positions: [0, 1] }).state;
  return state;
}

describe("initial flips", () => {
  it("every player turns up initialFlips distinct face-down cards at once, then the seat after the dealer plays", () => {
    const { state } = riggedGame({ ...TWO, dealer: 1 });
    expect(state.phase).toBe("initialFlip");
    expect(state.turn).toBe(-1);
    // P1 may flip before P0: not in turn order.
    const first = play(state, 1, { type: "flipInitial", positions: [2, 5] });
    expect(first.events).toEqual([{ type: "flippedInitial", seat: 1, data: { positions: [2, 5], cards: cards("3S 6S") } }]);
    expect(first.state.phase).toBe("initialFlip");
    const second = play(first.state, 0, { type: "flipInitial", positions: [0, 3] });
    expect(second.state.phase).toBe("playing");
    expect(second.state.turn).toBe(0); // dealer is seat 1, so seat 0 plays first
  });
  it("refuses a wrong count, repeated or bad positions, a second flip, and turn actions", () => {
    const { state } = riggedGame(TWO);
    expectRefused(state, 0, { type: "flipInitial", positions: [0] }, "ILLEGAL_MOVE", "FLIP_COUNT");
    expectRefused(state, 0, { type: "flipInitial", positions: [1, 1] }, "ILLEGAL_MOVE", "DUPLICATE_POSITIONS");
    expectRefused(state, 0, { type: "flipInitial", positions: [0, 6] }, "ILLEGAL_MOVE", "BAD_POSITION");
    expectRefused(state, 0, { type: "draw", source: "deck" }, "WRONG_PHASE");
    const flipped = play(state, 0, { type: "flipInitial", positions: [0, 1] }).state;
    expectRefused(flipped, 0, { type: "flipInitial", positions: [2, 3] }, "ILLEGAL_MOVE", "ALREADY_FLIPPED");
  });
  it("with initialFlips 0 play starts at once; with 1 each flips one", () => {
    expect(riggedGame({ ...TWO, rules: { initialFlips: 0 } }).state.phase).toBe("playing");
    const one = riggedGame({ ...TWO, rules: { initialFlips: 1 } }).state;
    expectRefused(one, 0, { type: "flipInitial", positions: [0, 1] }, "ILLEGAL_MOVE", "FLIP_COUNT");
    expect(play(one, 0, { type: "flipInitial", positions: [4] }).state.seats[0]!.cards[4]!.faceUp).toBe(true);
  });
});

describe("a turn", () => {
  it("draws the deck's top card, seen only by its drawer, then swaps it in face-up and discards the replaced card", () => {
    const state = afterInitialFlips();
    expectRefused(state, 1, { type: "draw", source: "deck" }, "NOT_YOUR_TURN");
    const drew = play(state, 0, { type: "draw", source: "deck" });
    expect(drew.events[0]).toEqual({ type: "drew", seat: 0, data: { source: "deck", card: card("QC") } });
    expect(projectEvent(drew.events[0]!, 1).data).toEqual({ source: "deck" });
    expect(projectEvent(drew.events[0]!, "spectator").data).toEqual({ source: "deck" });
    expect(view(drew.state, 1).drawn).toBeNull();
    expect(view(drew.state, 0).drawn).toEqual(card("QC"));
    expectRefused(drew.state, 0, { type: "draw", source: "deck" }, "ILLEGAL_MOVE", "ALREADY_HOLDING");
    expectRefused(drew.state, 0, { type: "swap", position: 7 }, "ILLEGAL_MOVE", "BAD_POSITION");
    // A face-down card is replaced unseen and revealed as it is discarded.
    const swapped = play(drew.state, 0, { type: "swap", position: 4 });
    expect(swapped.events).toEqual([{ type: "swapped", seat: 0, data: { position: 4, card: card("QC"), replaced: card("9H") } }]);
    expect(swapped.state.seats[0]!.cards[4]).toEqual({ card: card("QC"), faceUp: true });
    expect(swapped.state.discard.at(-1)).toEqual(card("9H"));
    expect(swapped.state.turn).toBe(1);
  });
  it("discards a deck draw and ends the turn (flipMode never)", () => {
    const drew = play(afterInitialFlips(), 0, { type: "draw", source: "deck" }).state;
    const discarded = play(drew, 0, { type: "discard" });
    expect(discarded.events).toEqual([{ type: "discarded", seat: 0, data: { card: card("QC") } }]);
    expect(discarded.state.turn).toBe(1);
    expect(discarded.state.discard.at(-1)).toEqual(card("QC"));
  });
  it("a card taken from the discard pile must be swapped in, or put back", () => {
    const took = play(afterInitialFlips(), 0, { type: "draw", source: "discard" });
    expect(took.events[0]).toEqual({ type: "drew", seat: 0, data: { source: "discard", card: card("KD") } });
    // Everyone saw that card on the pile: it is not hidden.
    expect(projectEvent(took.events[0]!, 1).data).toEqual({ source: "discard", card: card("KD") });
    expectRefused(took.state, 0, { type: "discard" }, "ILLEGAL_MOVE", "MUST_SWAP_DISCARD");
    const putBack = play(took.state, 0, { type: "cancelDraw" }).state;
    expect(putBack.turn).toBe(0);
    expect(putBack.discard.at(-1)).toEqual(card("KD"));
    expect(putBack.drawn).toBeNull();
    expectRefused(putBack, 0, { type: "cancelDraw" }, "ILLEGAL_MOVE", "NOTHING_TO_CANCEL");
    expect(play(putBack, 0, { type: "draw", source: "deck" }).state.drawn).toEqual(card("QC"));
  });
  it("refuses swapping or discarding before drawing, flipping and knocking without their house rules", () => {
    const state = afterInitialFlips();
    expectRefused(state, 0, { type: "swap", position: 2 }, "ILLEGAL_MOVE", "NOT_HOLDING");
    expectRefused(state, 0, { type: "discard" }, "ILLEGAL_MOVE", "NOT_HOLDING");
    expectRefused(state, 0, { type: "flip", position: 2 }, "ILLEGAL_MOVE", "NO_FLIP_NOW");
    expectRefused(state, 0, { type: "skipFlip" }, "ILLEGAL_MOVE", "NO_FLIP_TO_SKIP");
    expectRefused(state, 0, { type: "knock" }, "ILLEGAL_MOVE", "RULE_OFF");
    expectRefused(state, 1, { type: "nextHole" }, "NOT_HOST");
    expectRefused(state, "system", { type: "nextHole" }, "WRONG_PHASE");
  });
});

describe("flip modes", () => {
  it("always: a discard must be followed by a flip of a face-down card", () => {
    const drew = play(afterInitialFlips(TWO, { flipMode: "always" }), 0, { type: "draw", source: "deck" }).state;
    const discarded = play(drew, 0, { type: "discard" }).state;
    expect(discarded.mustFlip).toBe("required");
    expect(discarded.turn).toBe(0);
    expectRefused(discarded, 0, { type: "skipFlip" }, "ILLEGAL_MOVE", "FLIP_REQUIRED");
    expectRefused(discarded, 0, { type: "draw", source: "deck" }, "ILLEGAL_MOVE", "MUST_FLIP");
    expectRefused(discarded, 0, { type: "flip", position: 0 }, "ILLEGAL_MOVE", "POSITION_FACE_UP");
    const flipped = play(discarded, 0, { type: "flip", position: 5 });
    expect(flipped.events).toEqual([{ type: "flipped", seat: 0, data: { position: 5, card: card("10H") } }]);
    expect(flipped.state.turn).toBe(1);
    expect(flipped.state.mustFlip).toBe("");
  });
  it("endgame: the flip is optional only while some player has at most 1 face-down card", () => {
    const early = play(afterInitialFlips(TWO, { flipMode: "endgame" }), 0, { type: "draw", source: "deck" }).state;
    expect(play(early, 0, { type: "discard" }).state.turn).toBe(1);
    // P1 starts with five cards face-up: now everyone may flip after a discard.
    let { state } = riggedGame({ ...TWO, rules: { flipMode: "endgame" }, dealer: 1 });
    state = play(state, 0, { type: "flipInitial", positions: [0, 1] }).state;
    state = play(state, 1, { type: "flipInitial", positions: [0, 1] }).state;
    state = fold([{ type: "flipped", seat: 1, data: { position: 2, card: card("3S") } } as GameEvent], state);
    // (a rigged fact: P1 flipped a third card on an earlier turn; the turn passed back to P0)
    state = { ...state, turn: 0 };
    const discarded = play(play(state, 0, { type: "draw", source: "deck" }).state, 0, { type: "discard" }).state;
    expect(discarded.mustFlip).toBe("");
  });
  it("endgame: optional flip or skip", () => {
    let { state } = riggedGame({ ...TWO, rules: { flipMode: "endgame", initialFlips: 2 }, dealer: 1 });
    state = play(state, 0, { type: "flipInitial", positions: [0, 1] }).state;
    state = play(state, 1, { type: "flipInitial", positions: [0, 1] }).state;
    // Both swap into 2, 3 and 4 over three turns each: then each has one face-down card.
    for (const position of [2, 3, 4]) {
      state = play(play(state, 0, { type: "draw", source: "deck" }).state, 0, { type: "swap", position }).state;
      state = play(play(state, 1, { type: "draw", source: "deck" }).state, 1, { type: "swap", position }).state;
    }
    const p1 = state.seats[0]!.cards.filter((slot) => !slot.faceUp).length;
    expect(p1).toBe(1);
    const holding = play(state, 0, { type: "draw", source: "deck" }).state;
    const discarded = play(holding, 0, { type: "discard" }).state;
    expect(discarded.mustFlip).toBe("optional");
    const skipped = play(discarded, 0, { type: "skipFlip" });
    expect(skipped.events[0]).toEqual({ type: "skippedFlip", seat: 0, data: {} });
    expect(skipped.state.turn).toBe(1);
  });
});

describe("house-rule actions", () => {
  it("flipAsAction: flip a face-down card instead of drawing; the turn ends", () => {
    const state = afterInitialFlips(TWO, { flipAsAction: true });
    const flipped = play(state, 0, { type: "flip", position: 3 });
    expect(flipped.events[0]).toEqual({ type: "flipped", seat: 0, data: { position: 3, card: card("8H") } });
    expect(flipped.state.turn).toBe(1);
    const holding = play(state, 0, { type: "draw", source: "deck" }).state;
    expectRefused(holding, 0, { type: "flip", position: 3 }, "ILLEGAL_MOVE", "FLIP_INSTEAD_OF_DRAW");
  });
  it("knockEarly: with 1 or 2 face-down cards, flip them all before drawing; it goes out", () => {
    let state = afterInitialFlips(TWO, { knockEarly: true });
    expectRefused(state, 0, { type: "knock" }, "ILLEGAL_MOVE", "KNOCK_COUNT");
    state = play(play(state, 0, { type: "draw", source: "deck" }).state, 0, { type: "swap", position: 2 }).state;
    state = play(play(state, 1, { type: "draw", source: "deck" }).state, 1, { type: "discard" }).state;
    state = play(play(state, 0, { type: "draw", source: "deck" }).state, 0, { type: "swap", position: 3 }).state;
    state = play(play(state, 1, { type: "draw", source: "deck" }).state, 1, { type: "discard" }).state;
    const knocked = play(state, 0, { type: "knock" });
    expect(knocked.events[0]).toEqual({ type: "knocked", seat: 0, data: { positions: [4, 5], cards: cards("9H 10H") } });
    expect(knocked.state.finisher).toBe(0);
    expect(knocked.state.phase).toBe("finalTurn");
    const holding = play(state, 0, { type: "draw", source: "deck" }).state;
    expectRefused(holding, 0, { type: "knock" }, "ILLEGAL_MOVE", "KNOCK_BEFORE_DRAW");
  });
});

describe("going out and final turns", () => {
  // Three players, no initial flips; each turn a swap into the next position, so P1 goes out first.
  const THREE = { hands: ["5H 6H 7H 8H 9H 10H", "AS 2S 3S 4S 5S 6S", "AC 2C 3C 4C 5C 6C"], discard: "KD", deck: "2D 3D 4D 5D 6D 7D 8D 9D 10D JD QD AD 2H 3H 4H 5H 6H 7H 8H 9H" };

  it("the first to end a turn all face-up finishes; every other player gets exactly one more turn, then reveals", () => {
    let { state } = riggedGame({ ...THREE, rules: { initialFlips: 0 }, dealer: 0 });
    expect(state.turn).toBe(1);
    const order: number[] = [];
    let events: GameEvent[] = [];
    // P1 plays first and swaps every turn; the others discard.
    while (state.phase === "playing") {
      const seat = state.turn;
      order.push(seat);
      state = play(state, seat, { type: "draw", source: "deck" }).state;
      const faceDown = state.seats[seat]!.cards.findIndex((slot) => !slot.faceUp);
      const step = play(state, seat, seat === 1 ? { type: "swap", position: faceDown } : { type: "discard" });
      state = step.state;
      events = step.events;
    }
    expect(state.finisher).toBe(1);
    expect(state.phase).toBe("finalTurn");
    expect(order.slice(0, 3)).toEqual([1, 2, 0]);
    // Final turns: P2 then P0, each followed by the reveal of their face-down cards.
    expect(state.turn).toBe(2);
    let step = play(play(state, 2, { type: "draw", source: "deck" }).state, 2, { type: "discard" });
    expect(step.events.map((e) => e.type)).toEqual(["discarded", "revealed"]);
    expect(step.events[1]).toMatchObject({ type: "revealed", seat: 2 });
    expect(step.state.seats[2]!.cards.every((slot) => slot.faceUp)).toBe(true);
    expect(step.state.turn).toBe(0);
    step = play(play(step.state, 0, { type: "draw", source: "deck" }).state, 0, { type: "discard" });
    expect(step.events.map((e) => e.type)).toEqual(["discarded", "revealed", "holeEnded", "gameEnded"]);
    // The finisher did not play again.
    expect(step.state.phase).toBe("gameOver");
    expect(step.state.turn).toBe(-1);
    void events;
  });

  it("adds up totals over holes, names co-winners, and moves the dealer one seat per hole", () => {
    // Two holes with nothing to draw: each ends at once and every card is revealed and scored.
    const handA = "AH 2H 3H 4H 5H 6H"; // columns (A,4) 5 + (2,5) 3 + (3,6) 9 = 17
    const handB = "KS KC 3S 3C 4S 5S"; // columns (K,3) 3 + (K,4) 4 + (3,5) 8 = 15
    const first = riggedGame({ hands: [handA, handB], discard: "QD", deck: "", rules: { initialFlips: 0 }, holes: 2, dealer: 0 });
    let { state } = applyOwedEvents(first.state);
    expect(state.phase).toBe("holeOver");
    expect(state.results[0]).toMatchObject({ hole: 1, finisher: -1, raw: [17, 15], scores: [17, 15], winners: [1] });
    expect(state.seats.map((seat) => [seat.total, seat.holesWon])).toEqual([[17, 0], [15, 1]]);
    // The host deals the next hole: the dealer moves to seat 1, so seat 0 plays first.
    const dealt = play(state, 0, { type: "nextHole" }).state;
    expect([dealt.hole, dealt.dealer, dealt.turn]).toEqual([2, 1, 0]);
    // The second hole, rigged the other way round, ties the totals.
    state = applyOwedEvents(
      fold([{ type: "holeStarted", seat: null, data: { hole: 2, dealer: 1, hands: [cards(handB), cards(handA)], discard: card("QD"), deck: [] } }], state),
    ).state;
    expect(state.phase).toBe("gameOver");
    expect(state.seats.map((seat) => seat.total)).toEqual([32, 32]);
    expect(state.winners).toEqual([0, 1]);
    expectRefused(state, 0, { type: "nextHole" }, "WRONG_PHASE", "GAME_OVER");
  });
});

describe("the deck running out", () => {
  it("shuffles the discards under the top card into a new deck (seeded), keeping the top card", () => {
    let { state } = riggedGame({ hands: ["5H 6H 7H 8H 9H 10H", "AS 2S 3S 4S 5S 6S"], discard: "KD", deck: "QC", rules: { initialFlips: 0 }, dealer: 1 });
    state = play(state, 0, { type: "draw", source: "deck" }).state;
    const step = play(state, 0, { type: "discard" });
    // The deck is empty at the start of P1's turn: KD goes back into play, QC stays on top.
    expect(step.events.map((e) => e.type)).toEqual(["discarded", "reshuffled"]);
    expect(step.state.deck).toEqual(cards("KD"));
    expect(step.state.discard).toEqual(cards("QC"));
    expect(step.state.turn).toBe(1);
    expect(projectEvent(step.events[1]!, 1).data).toEqual({ deckCount: 1 });
  });
  it("ends the hole at once, with no finisher and no final turns, when there is nothing to reshuffle", () => {
    const { state, events } = riggedGame({ hands: ["5H 6H 7H 8H 9H 10H", "AS 2S 3S 4S 5S 6S"], discard: "KD", deck: "", rules: { initialFlips: 1 }, dealer: 1 });
    let next = play(state, 0, { type: "flipInitial", positions: [0] }).state;
    const step = play(next, 1, { type: "flipInitial", positions: [0] });
    next = step.state;
    expect(step.events.map((e) => e.type)).toEqual(["flippedInitial", "revealed", "revealed", "holeEnded", "gameEnded"]);
    const ended = step.events.find((e) => e.type === "holeEnded")!;
    expect(ended.data).toMatchObject({ finisher: -1, raw: [5 + 8 + 6 + 9 + 7 + 10, 1 + 4 - 2 + 5 + 3 + 6] });
    expect(next.phase).toBe("gameOver");
    expect(next.winners).toEqual([1]);
    void events;
  });
});

describe("the lobby", () => {
  // A game of today's engine (shuffle generator version 2, whose games follow the display-name rules).
  const SEED_V2 = "5e".repeat(32);
  const lobby = () => {
    let state = evolve(EMPTY_STATE, createdEvent({ tableSize: 4, rules: rules(), holes: 9, decks: null, turnSeconds: 30, seed: SEED_V2, rng: 2 }));
    state = play(state, "system", { type: "join", name: "  Ann " }).state;
    return state;
  };
  it("records a signed-in player's account on its seat, and seats one player once", () => {
    const signedIn = play(lobby(), "system", { type: "join", name: "Bo", playerId: "u-1", userId: "u-1" });
    expect(signedIn.events[0]!.data).toEqual({ name: "Bo", kind: "human", profile: "", playerId: "u-1", userId: "u-1" });
    expect(signedIn.state.seats[1]).toMatchObject({ playerId: "u-1", userId: "u-1" });
    expect(play(lobby(), "system", { type: "join", name: "Cy", playerId: "p-2" }).state.seats[1]).toMatchObject({ playerId: "p-2", userId: "" });
    expectRefused(signedIn.state, "system", { type: "join", name: "Bo again", playerId: "u-1", userId: "u-1" }, "ILLEGAL_MOVE", "ALREADY_SEATED");
    expectRefused(lobby(), "system", { type: "join", name: "Di", playerId: "p-3", userId: "u-3" }, "BAD_MESSAGE", "BAD_PLAYER_ID");
    // A log's replay makes the same events, the account included.
    const created = createdEvent({ tableSize: 4, rules: rules(), holes: 9, decks: null, turnSeconds: 30, seed: SEED_V2, rng: 2 });
    const joined = play(evolve(EMPTY_STATE, created), "system", { type: "join", name: "Bo", playerId: "u-1", userId: "u-1" });
    expect(verifyLog([created, ...joined.events]).seats[0]).toMatchObject({ playerId: "u-1", userId: "u-1" });
  });
  it("seats the first human as host, adds unique CPU personalities, and starts with the seats closed up", () => {
    let state = lobby();
    expect(state.seats[0]).toMatchObject({ name: "Ann", kind: "human" });
    expect(state.host).toBe(0);
    state = play(state, 0, { type: "addCpu", profile: "maya" }).state;
    expectRefused(state, 0, { type: "addCpu", profile: "MAYA" }, "ILLEGAL_MOVE", "PROFILE_TAKEN");
    expectRefused(state, 0, { type: "addCpu", profile: "Bob" }, "BAD_MESSAGE", "UNKNOWN_PROFILE");
    state = play(state, 0, { type: "addCpu" }).state;
    state = play(state, "system", { type: "join", name: "Ben" }).state;
    expectRefused(state, 3, { type: "addCpu" }, "NOT_HOST");
    expect(state.seats.map((seat) => seat.kind)).toEqual(["human", "cpu", "cpu", "human"]);
    expect(state.seats[1]!.profile).toBe("Maya");
    expect(state.seats[2]!.profile).not.toBe("Maya");
    state = play(state, 0, { type: "removeCpu", seat: 1 }).state;
    expectRefused(state, 0, { type: "removeCpu", seat: 0 }, "ILLEGAL_MOVE", "NOT_A_CPU");
    const started = play(state, 0, { type: "start" }).state;
    // Three filled seats: the empty one is dropped, the rest close up, 1 deck by default.
    expect(started.seats.map((seat) => seat.name)).toEqual(["Ann", state.seats[2]!.name, "Ben"]);
    expect(started.decks).toBe(1);
    expect(started.phase).toBe("initialFlip");
    expect(started.seats.every((seat) => seat.cards.length === 6)).toBe(true);
    expect(started.deck.length).toBe(52 - 18 - 1);
  });
  it("takes configuration from the host only, merging rules, and refuses bad values", () => {
    let state = lobby();
    state = play(state, "system", { type: "join", name: "Ben" }).state;
    expectRefused(state, 1, { type: "configure", holes: 3 }, "NOT_HOST");
    expectRefused(state, 0, { type: "configure", holes: 19 }, "BAD_MESSAGE", "BAD_HOLES");
    expectRefused(state, 0, { type: "configure", decks: 4 }, "BAD_MESSAGE", "BAD_DECKS");
    expectRefused(state, 0, { type: "configure", turnSeconds: -1 }, "BAD_MESSAGE", "BAD_TURN_SECONDS");
    state = play(state, 0, { type: "configure", rules: { tiedShame: true }, holes: 3, decks: 3, turnSeconds: 0 }).state;
    state = play(state, 0, { type: "configure", rules: { eagleEye: true } }).state;
    expect(state.rules).toMatchObject({ tiedShame: true, eagleEye: true, useJokers: true });
    expect([state.holes, state.decksChoice, state.turnSeconds]).toEqual([3, 3, 0]);
    const started = play(state, 0, { type: "start" }).state;
    expect(started.decks).toBe(3);
    expect(started.deck.length + started.discard.length + 12).toBe(3 * 52 + 6);
  });
  it("needs two seats to start; refuses lobby commands once started and a bad name", () => {
    const state = lobby();
    expectRefused(state, 0, { type: "start" }, "ILLEGAL_MOVE", "TOO_FEW_PLAYERS");
    expectRefused(state, "system", { type: "join", name: "   " }, "BAD_MESSAGE", "BAD_NAME");
    expectRefused(state, "system", { type: "join", name: "x".repeat(21) }, "BAD_MESSAGE", "BAD_NAME");
    expectRefused(state, "system", { type: "join", name: "a\u0007b" }, "BAD_MESSAGE", "BAD_NAME");
    const started = play(play(state, 0, { type: "addCpu" }).state, 0, { type: "start" }).state;
    expectRefused(started, 0, { type: "addCpu" }, "WRONG_PHASE");
    expectRefused(started, 0, { type: "configure", holes: 2 }, "WRONG_PHASE");
    expectRefused(started, "system", { type: "join", name: "Cat" }, "WRONG_PHASE");
    expectRefused(started, 0, { type: "leave" }, "WRONG_PHASE", "LEAVE_RUNNING");
  });
  it("refuses invisible, direction-changing and marks-only names, and normalizes the rest (NFC)", () => {
    const state = lobby();
    for (const name of ["Alice\u200b", "\u202eecilA", "\u0301".repeat(19), "\ufe0f", "\u3164", "Al\u2066ice", "A\u0301\u0302\u0303\u0304\u0305"]) {
      expectRefused(state, "system", { type: "join", name }, "BAD_MESSAGE", "BAD_NAME");
    }
    const decomposed = play(state, "system", { type: "join", name: "Zoe\u0301  Li" }).state;
    expect(decomposed.seats[1]!.name).toBe("Zo\u00e9 Li");
    expect(play(state, "system", { type: "join", name: "\u2764\ufe0f" }).state.seats[1]!.name).toBe("\u2764\ufe0f");
  });
  it("keeps names distinct at a table by a suffix, CPUs' too, and a replay agrees", () => {
    const created = createdEvent({ tableSize: 6, rules: rules(), holes: 9, decks: null, turnSeconds: 30, seed: SEED_V2, rng: 2 });
    const log: GameEvent[] = [created];
    let state = evolve(EMPTY_STATE, created);
    const act = (actor: "system" | number, command: Parameters<typeof play>[2]) => {
      const result = play(state, actor, command);
      log.push(...result.events);
      state = result.state;
      return state.seats.findLast((seat) => seat.kind !== "empty")!.name;
    };
    expect(act("system", { type: "join", name: "Ann" })).toBe("Ann");
    expect(act("system", { type: "join", name: "Ann" })).toBe("Ann (2)");
    expect(act("system", { type: "join", name: "ANN" })).toBe("ANN (3)");
    expect(act(0, { type: "addCpu", profile: "Maya" })).toBe("Maya");
    expect(act("system", { type: "join", name: "maya" })).toBe("maya (2)");
    expect(act("system", { type: "join", name: "Ann (2)" })).toBe("Ann (2) (2)");
    expect(verifyLog(log)).toEqual(state);
    // A human named like a CPU first: the CPU gets the suffix.
    const named = play(lobby(), "system", { type: "join", name: "Maya" }).state;
    expect(play(named, 0, { type: "addCpu", profile: "Maya" }).state.seats[2]).toMatchObject({ name: "Maya (2)", profile: "Maya" });
    // Long names keep 20 characters with their suffix.
    let long = play(lobby(), "system", { type: "join", name: "x".repeat(20) }).state;
    long = play(long, "system", { type: "join", name: "x".repeat(20) }).state;
    expect(long.seats[2]!.name).toBe(`${"x".repeat(16)} (2)`);
  });
  it("replays a game logged before the name rules (version 1) with its names as they were", () => {
    // Two players named alike and a human named like a CPU: what the engine logged before the rules.
    const created = createdEvent({ tableSize: 4, rules: rules(), holes: 1, decks: null, turnSeconds: 30, seed: 42 });
    const log: GameEvent[] = [
      created,
      { type: "seatTaken", seat: 0, data: { name: "Ann", kind: "human", profile: "" } },
      { type: "seatTaken", seat: 1, data: { name: "Ann", kind: "human", profile: "" } },
      { type: "seatTaken", seat: 2, data: { name: "Maya", kind: "human", profile: "" } },
      { type: "seatTaken", seat: 3, data: { name: "Maya", kind: "cpu", profile: "Maya" } },
    ] as GameEvent[];
    expect(verifyLog(log).seats.map((seat) => seat.name)).toEqual(["Ann", "Ann", "Maya", "Maya"]);
  });
  it("passes the host only by the room, to a human", () => {
    let state = play(lobby(), "system", { type: "join", name: "Ben" }).state;
    expectRefused(state, 0, { type: "setHost", seat: 1 }, "NOT_HOST", "SYSTEM_ONLY");
    state = play(state, "system", { type: "setHost", seat: 1 }).state;
    expect(state.host).toBe(1);
    state = play(state, 1, { type: "addCpu" }).state;
    expectRefused(state, "system", { type: "setHost", seat: 2 }, "ILLEGAL_MOVE", "NOT_A_HUMAN");
  });
});

describe("absence, conceding and abandoning", () => {
  it("marks a seat away and back, lets a human concede once, and abandons a game", () => {
    let { state } = riggedGame(TWO);
    state = play(state, 0, { type: "setAway", away: true }).state;
    expect(state.seats[0]!.away).toBe(true);
    expectRefused(state, 0, { type: "setAway", away: true }, "ILLEGAL_MOVE", "UNCHANGED");
    state = play(state, 0, { type: "setAway", away: false }).state;
    state = play(state, 1, { type: "concede" }).state;
    expect(state.seats[1]).toMatchObject({ conceded: true, away: true });
    expectRefused(state, 1, { type: "concede" }, "ILLEGAL_MOVE", "ALREADY_CONCEDED");
    expectRefused(state, 0, { type: "abandon" }, "NOT_HOST", "SYSTEM_ONLY");
    state = play(state, "system", { type: "abandon" }).state;
    expect(state).toMatchObject({ phase: "gameOver", abandoned: true });
    expectRefused(state, 0, { type: "draw", source: "deck" }, "WRONG_PHASE", "GAME_OVER");
  });
});

describe("owed system events", () => {
  it("never accepts a command while the engine owes system events", () => {
    const { state } = startedCpuGame({ seats: 2, seed: 1 });
    const owing = { ...state, pending: [{ kind: "reshuffle" as const }] };
    expect(decide(owing, 0, { type: "flipInitial", positions: [0, 1] })).toMatchObject({ ok: false, error: { reason: "SETTLING" } });
  });
});
