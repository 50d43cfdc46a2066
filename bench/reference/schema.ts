// The reference room's synchronized state: two seats of six slots, the card a seat has drawn visible
// to that seat alone (a view-only field, as in a real table), whose turn it is and what was drawn.
// Written for the bench alone: it shares nothing with the game's own schema.
import { schema, t, type SchemaType } from "@colyseus/schema";

export const ReferenceCard = schema({ rank: t.string(), suit: t.string() }, "ReferenceCard");
export type ReferenceCard = SchemaType<typeof ReferenceCard>;

export const ReferenceSlot = schema({ faceUp: t.boolean(), rank: t.string(), suit: t.string() }, "ReferenceSlot");
export type ReferenceSlot = SchemaType<typeof ReferenceSlot>;

export const ReferenceSeat = schema(
  {
    name: t.string(),
    host: t.boolean(),
    cards: t.array(ReferenceSlot),
    drawn: t.ref(ReferenceCard).view(),
  },
  "ReferenceSeat",
);
export type ReferenceSeat = SchemaType<typeof ReferenceSeat>;

export const ReferenceState = schema(
  {
    phase: t.string(),
    hole: t.uint8(),
    holes: t.uint8(),
    turn: t.int8(),
    drawnFrom: t.string(),
    deckCount: t.uint16(),
    discardTop: ReferenceCard,
    seats: t.array(ReferenceSeat),
    lastSeq: t.uint32(),
  },
  "ReferenceState",
);
export type ReferenceState = SchemaType<typeof ReferenceState>;

/** The parts of the reference state its players read. */
export interface ReferenceTable {
  phase: string;
  turn: number;
  drawnFrom: string;
  seats: { cards: { faceUp: boolean }[] }[];
}

/**
 * The one way to play the reference table: on your turn draw from the deck, then swap the card into
 * your first face-down slot. Null when it is not `seat`'s turn.
 */
export function referenceMove(state: ReferenceTable, seat: number): { type: string; payload: Record<string, unknown> } | null {
  if (state.phase !== "playing" || state.turn !== seat) return null;
  if (state.drawnFrom === "") return { type: "draw", payload: { source: "deck" } };
  const position = state.seats[seat]?.cards.findIndex((slot) => !slot.faceUp) ?? -1;
  return position >= 0 ? { type: "swap", payload: { position } } : null;
}
