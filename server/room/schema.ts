// The synchronized state (@colyseus/schema 5). Field names are the contract of docs/protocol.md
// (shared/protocol/state.ts); the fields after `lastSeq` (and a seat's after `drawn`) were added so
// that a client reads the engine's whole view from the state instead of guessing
// (shared/protocol/synced-view.ts). What goes in is what the engine's view shows (server/room/mirror.ts):
// face-down slots carry "" for rank and suit for everyone; `drawn` is a view-only field that only the
// seat's owner has in its StateView; `publicDrawn` is the held card when everyone may see it.
import { Encoder, schema, t, type SchemaType } from "@colyseus/schema";

// Each room's encoder and serializer hold buffers of this size (16 kB by default, growing on
// demand). A full table of six encodes in under 2 kB, so 4 kB saves some 40 kB per game.
Encoder.BUFFER_SIZE = 4 * 1024;

export const CardSchema = schema({ rank: t.string(), suit: t.string() }, "Card");
export type CardSchema = SchemaType<typeof CardSchema>;

export const SlotSchema = schema({ faceUp: t.boolean(), rank: t.string(), suit: t.string() }, "Slot");
export type SlotSchema = SchemaType<typeof SlotSchema>;

/** One finished hole: raw scores, the scores after the house rules (the finisher's doubling...), the hole's winners. */
export const HoleResultSchema = schema(
  { hole: t.uint8(), finisher: t.int8(), raw: t.array("int16"), scores: t.array("int16"), winners: t.array("uint8") },
  "HoleResult",
);
export type HoleResultSchema = SchemaType<typeof HoleResultSchema>;

export const SeatSchema = schema(
  {
    name: t.string(),
    kind: t.string(),
    profile: t.string(),
    playerId: t.string(),
    /** The account of a signed-in player; "" otherwise. */
    userId: t.string(),
    /** The displayed rating when the game started; 0 when none. */
    rating: t.uint16(),
    connected: t.boolean(),
    away: t.boolean(),
    host: t.boolean(),
    total: t.int16(),
    holeScore: t.int16(),
    holesWon: t.uint8(),
    cards: t.array(SlotSchema),
    drawn: t.ref(CardSchema).view(),
    /** The player left the game: a CPU plays the seat to the end. */
    conceded: t.boolean(),
    /** The seat has made its initial flips this hole. */
    initialFlipDone: t.boolean(),
  },
  "Seat",
);
export type SeatSchema = SchemaType<typeof SeatSchema>;

export const GolfStateSchema = schema(
  {
    code: t.string(),
    gameId: t.string(),
    phase: t.string(),
    rules: t.string(),
    decks: t.uint8(),
    hole: t.uint8(),
    holes: t.uint8(),
    dealer: t.int8(),
    seats: t.array(SeatSchema),
    turn: t.int8(),
    finisher: t.int8(),
    mustFlip: t.string(),
    deckCount: t.uint16(),
    discardTop: CardSchema,
    discardCount: t.uint16(),
    drawnFrom: t.string(),
    turnEndsAt: t.number(),
    spectators: t.uint16(),
    ranked: t.boolean(),
    lastSeq: t.uint32(),
    /** Seats at the table when it was created (from the start `seats` holds only the seats in play). */
    tableSize: t.uint8(),
    /** The host's deck choice, 0 for the default by seats in play (`decks` shows it in the lobby). */
    decksChoice: t.uint8(),
    /** The turn timer in seconds, 0 for none. */
    turnSeconds: t.uint16(),
    /** Turns left after someone went out. */
    finalTurnsLeft: t.uint8(),
    /** The held card when everyone may see it (taken from the discard pile); "" otherwise. */
    publicDrawn: CardSchema,
    /** The whole discard pile, bottom first (`discardTop` is its last card). */
    discardPile: t.array("string"),
    /** The holes played so far. */
    results: t.array(HoleResultSchema),
    /** The game's winners once it is over. */
    winners: t.array("uint8"),
    abandoned: t.boolean(),
  },
  "GolfState",
);
export type GolfStateSchema = SchemaType<typeof GolfStateSchema>;

export function newSeatSchema(): SeatSchema {
  const seat = new SeatSchema();
  Object.assign(seat, { name: "", kind: "empty", profile: "", playerId: "", userId: "", rating: 0, connected: false, away: false, host: false, total: 0, holeScore: 0, holesWon: 0, conceded: false, initialFlipDone: false });
  seat.drawn = Object.assign(new CardSchema(), { rank: "", suit: "" });
  return seat;
}

export function newGolfState(): GolfStateSchema {
  const state = new GolfStateSchema();
  Object.assign(state, {
    code: "",
    gameId: "",
    phase: "lobby",
    rules: "{}",
    decks: 0,
    hole: 0,
    holes: 0,
    dealer: -1,
    turn: -1,
    finisher: -1,
    mustFlip: "",
    deckCount: 0,
    discardCount: 0,
    drawnFrom: "",
    turnEndsAt: 0,
    spectators: 0,
    ranked: true,
    lastSeq: 0,
    tableSize: 0,
    decksChoice: 0,
    turnSeconds: 0,
    finalTurnsLeft: 0,
    abandoned: false,
  });
  state.discardTop = Object.assign(new CardSchema(), { rank: "", suit: "" });
  state.publicDrawn = Object.assign(new CardSchema(), { rank: "", suit: "" });
  return state;
}
