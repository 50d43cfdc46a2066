// The reference room of bench:server: the least a Colyseus room must do to serve the same table
// traffic as the game, so that the bench's ratio (ours over it) isolates what our room and protocol
// cost. Two seats of six slots; the host starts; on its turn a seat draws (the card goes to its
// StateView only), then swaps it into a slot; when every slot is face up the next hole is dealt, and
// after the last the game is over. Every move is appended to the game's log through the same event
// store as the game (server/store) before it is answered: the patch goes out first, then an `event`
// to each client (the drawn card to its owner only, the sender's with its rid), as the game does.
// Nothing else: no rules engine, no timers, no reconnection, no rate limits, no validation beyond
// whose turn it is.
import { randomUUID } from "node:crypto";
import { Room, type Client } from "@colyseus/core";
import { StateView } from "@colyseus/schema";
import type { Store } from "../../server/store/index.ts";
import { ReferenceCard, ReferenceSeat, ReferenceSlot, ReferenceState } from "./schema.ts";

const SEATS = 2;
const SLOTS = 6;
const RANKS = ["A", "2", "3", "4", "5", "6", "7", "8", "9", "10", "J", "Q", "K"];
const SUITS = ["S", "H", "D", "C"];

interface Card {
  rank: string;
  suit: string;
}

function shuffledDeck(): Card[] {
  const deck = RANKS.flatMap((rank) => SUITS.map((suit) => ({ rank, suit })));
  for (let i = deck.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [deck[i], deck[j]] = [deck[j]!, deck[i]!];
  }
  return deck;
}

function card(from: Card): ReferenceCard {
  return Object.assign(new ReferenceCard(), from);
}

/** An event as the log holds it, and what a viewer is shown of it (null: the same for everyone). */
interface TableEvent {
  type: string;
  seat: number | null;
  data: Record<string, unknown>;
  /** What the other seats see instead of `data`. */
  hidden?: Record<string, unknown>;
}

/** The room class, bound to the store its games are logged in. */
export function referenceRoom(store: Store) {
  return class ReferenceRoom extends Room {
    declare state: ReferenceState;
    private readonly gameId = randomUUID();
    private seq = 0;
    private deck: Card[] = [];
    /** The cards of each seat's slots, face down or up (the state shows only the face-up ones). */
    private hands: Card[][] = [];
    private drawn: Card | null = null;
    private seatOf = new Map<string, number>();
    /** One move at a time, in arrival order. */
    private queue: Promise<void> = Promise.resolve();

    override async onCreate(options: { holes?: number }): Promise<void> {
      this.maxClients = SEATS;
      this.autoDispose = true;
      this.setPatchRate(1000); // every change pushes its own patch (see commit)
      const state = new ReferenceState();
      Object.assign(state, { phase: "lobby", hole: 0, holes: Math.max(1, Math.min(18, Number(options.holes) || 1)), turn: -1, drawnFrom: "", deckCount: 0, lastSeq: 0 });
      state.discardTop = card({ rank: "", suit: "" });
      this.setState(state);
      await store.games.create({ id: this.gameId, code: this.roomId, private: true, rules: {}, holes: state.holes, decks: 1, seats: [] });
      await this.setPrivate(true);
      for (const type of ["start", "draw", "swap"] as const) {
        this.onMessage(type, (client, payload: Record<string, unknown> | undefined) => {
          this.queue = this.queue.then(() => this.act(client, type, payload ?? {})).catch((error: Error) => client.send("error", { code: "INTERNAL", message: error.message, rid: payload?.rid }));
        });
      }
    }

    override onJoin(client: Client, options: { name?: string }): void {
      const seat = this.state.seats.length;
      const seatSchema = new ReferenceSeat();
      Object.assign(seatSchema, { name: String(options.name ?? `P${seat}`), host: seat === 0 });
      seatSchema.drawn = card({ rank: "", suit: "" });
      for (let slot = 0; slot < SLOTS; slot++) seatSchema.cards.push(Object.assign(new ReferenceSlot(), { faceUp: false, rank: "", suit: "" }));
      this.state.seats.push(seatSchema);
      this.seatOf.set(client.sessionId, seat);
      client.view = new StateView();
      client.view.add(seatSchema);
      client.view.add(seatSchema.drawn);
      client.send("welcome", { seat, code: this.roomId, gameId: this.gameId });
    }

    private async act(client: Client, type: "start" | "draw" | "swap", payload: Record<string, unknown>): Promise<void> {
      const seat = this.seatOf.get(client.sessionId) ?? -1;
      const refuse = (message: string) => client.send("error", { code: "ILLEGAL_MOVE", message, action: type, rid: payload.rid });
      const state = this.state;
      let events: TableEvent[];
      if (type === "start") {
        if (state.phase !== "lobby" || seat !== 0 || state.seats.length !== SEATS) return refuse("only the host starts a full table");
        events = [{ type: "started", seat: null, data: { seats: SEATS } }, ...this.deal(1)];
      } else if (state.phase !== "playing" || state.turn !== seat) {
        return refuse("not your turn");
      } else if (type === "draw") {
        if (this.drawn) return refuse("already drawn");
        this.drawn = this.deck.pop()!;
        events = [{ type: "drew", seat, data: { source: "deck", card: this.drawn }, hidden: { source: "deck" } }];
      } else {
        const position = Number(payload.position);
        const hand = this.hands[seat]!;
        if (!this.drawn || !Number.isInteger(position) || position < 0 || position >= SLOTS || state.seats[seat]!.cards[position]!.faceUp) return refuse("no card to swap there");
        const discarded = hand[position]!;
        hand[position] = this.drawn;
        events = [{ type: "swapped", seat, data: { position, card: this.drawn, discarded } }];
        const holeOver = state.seats.every((other, index) => other.cards.every((slot, slotIndex) => slot.faceUp || (index === seat && slotIndex === position)));
        if (holeOver) events.push(state.hole < state.holes ? this.deal(state.hole + 1)[0]! : { type: "gameEnded", seat: null, data: {} });
      }
      await this.commit(client, payload.rid, events, type, seat);
    }

    /** A new hole's deal: fresh deck, six face-down cards a seat, the first seat to move. */
    private deal(hole: number): TableEvent[] {
      this.deck = shuffledDeck();
      this.hands = Array.from({ length: SEATS }, () => this.deck.splice(-SLOTS));
      return [{ type: "holeStarted", seat: null, data: { hole } }];
    }

    /** Appends the events, then applies them to the state and sends them: patch first, then events. */
    private async commit(origin: Client, rid: unknown, events: TableEvent[], type: string, seat: number): Promise<void> {
      const first = this.seq + 1;
      const record = events.some((e) => e.type === "started") ? { status: "running" as const } : events.some((e) => e.type === "gameEnded") ? { status: "finished" as const } : undefined;
      await store.log.append(this.gameId, events.map(({ type, seat, data }) => ({ type, seat, data })), this.seq, record);
      this.seq += events.length;
      this.apply(type, seat, events);
      this.broadcastPatch();
      for (const client of this.clients) {
        const viewer = this.seatOf.get(client.sessionId);
        events.forEach((e, index) => {
          const message: Record<string, unknown> = { seq: first + index, type: e.type, seat: e.seat, data: e.hidden && viewer !== e.seat ? e.hidden : e.data };
          if (client === origin && rid !== undefined) message.rid = rid;
          client.send("event", message);
        });
      }
    }

    private apply(type: string, seat: number, events: TableEvent[]): void {
      const state = this.state;
      if (type === "draw") {
        Object.assign(state.seats[seat]!.drawn!, this.drawn!);
        state.drawnFrom = "deck";
      } else if (type === "swap") {
        const swapped = events[0]!.data as { position: number; card: Card; discarded: Card };
        Object.assign(state.seats[seat]!.cards[swapped.position]!, { faceUp: true, ...swapped.card });
        Object.assign(state.seats[seat]!.drawn!, { rank: "", suit: "" });
        Object.assign(state.discardTop, swapped.discarded);
        state.drawnFrom = "";
        this.drawn = null;
        state.turn = (seat + 1) % SEATS;
      }
      for (const e of events) {
        if (e.type === "holeStarted") {
          state.hole = e.data.hole as number;
          state.phase = "playing";
          state.turn = (state.hole - 1) % SEATS;
          for (const seatSchema of state.seats) for (const slot of seatSchema.cards) Object.assign(slot, { faceUp: false, rank: "", suit: "" });
        } else if (e.type === "gameEnded") {
          state.phase = "gameOver";
          state.turn = -1;
        }
      }
      state.deckCount = this.deck.length;
      state.lastSeq = this.seq;
    }
  };
}
