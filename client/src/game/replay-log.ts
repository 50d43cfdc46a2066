// The replay's data side, without any drawing: checking an export through the engine, and the
// protocol-shaped state snapshot of a replayed moment (what window.golf.state() shows).
import { cardKey, drawnView, isRanked, verifyLog, type GameEvent, type GameState } from "../../../shared/golf/index.ts";
import type { GolfExport } from "../../../shared/protocol/index.ts";
import type { GolfSnapshot } from "../net/snapshot.ts";
import { modelFromEngine, type Viewpoint } from "./model.ts";

/** Checks an export document and returns its events for the engine, or throws a readable Error. */
export function eventsOf(doc: unknown): GameEvent[] {
  const candidate = doc as Partial<GolfExport> | null;
  if (!candidate || candidate.format !== "golf-game" || !Array.isArray(candidate.events)) throw new Error("this is not a Six-Card Golf export (format golf-game)");
  const events = candidate.events.map((event) => ({ type: event.type, seat: event.seat ?? null, data: event.data }) as GameEvent);
  verifyLog(events);
  return events;
}

/** The protocol's state snapshot for an engine state, as `viewpoint` sees it (for window.golf.state). */
export function snapshotFromEngine(state: GameState, viewpoint: Viewpoint, doc: GolfExport): GolfSnapshot {
  const model = modelFromEngine(state, viewpoint === "all" ? "all" : viewpoint);
  return {
    code: doc.game.code,
    gameId: doc.game.id,
    phase: state.phase,
    rules: JSON.stringify(state.rules),
    decks: state.decks,
    hole: state.hole,
    holes: state.holes,
    dealer: state.dealer,
    seats: model.seats.map((seat, index) => ({
      name: seat.name,
      kind: seat.kind,
      profile: seat.profile,
      playerId: state.seats[index]?.playerId ?? "",
      userId: state.seats[index]?.userId ?? "",
      rating: 0,
      connected: true,
      away: seat.away,
      host: seat.host,
      total: seat.total,
      holeScore: seat.holeScore,
      holesWon: seat.holesWon,
      // The contract's shape: rank and suit are "" while a card is face-down.
      cards: seat.cards.map((slot) => ({ faceUp: slot.faceUp, rank: slot.faceUp ? slot.face?.rank ?? "" : "", suit: slot.faceUp ? slot.face?.suit ?? "" : "" })),
      drawn: index === state.turn && model.held ? { rank: model.held.rank, suit: model.held.suit } : null,
      conceded: state.seats[index]!.conceded,
      initialFlipDone: state.seats[index]!.initialFlipDone,
    })),
    turn: state.turn,
    finisher: state.finisher,
    mustFlip: state.mustFlip,
    deckCount: state.deck.length,
    discardTop: state.discard.at(-1) ?? null,
    discardCount: state.discard.length,
    drawnFrom: state.drawnFrom,
    turnEndsAt: 0,
    spectators: 0,
    ranked: isRanked(state.rules),
    lastSeq: state.seq,
    tableSize: state.tableSize,
    decksChoice: state.decksChoice ?? 0,
    turnSeconds: state.turnSeconds,
    finalTurnsLeft: state.finalTurnsLeft,
    publicDrawn: drawnView(state, "spectator"),
    discardPile: state.discard.map(cardKey),
    results: state.results.map((result) => ({ ...result, raw: [...result.raw], scores: [...result.scores], winners: [...result.winners] })),
    winners: [...state.winners],
    abandoned: state.abandoned,
  };
}
