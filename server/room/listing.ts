// What the matchmaker lists about a room: its game's phase, hole, players and spectators, and whether
// quick play may match it. It is saved only when one of these moves.
import type { GameState } from "../../shared/golf/index.ts";

export interface ListingUpdate {
  metadata: { gameId: string; phase: string; hole: number; holes: number; players: number; spectators: number; node: string; private: boolean };
  /** Hidden from quick play: private, started or full (joinById still finds it). */
  private: boolean;
}

export class Listing {
  private last = { phase: "", hole: -1, players: -1, spectators: -1 };

  constructor(
    private readonly gameId: () => string,
    private readonly nodeId: string,
  ) {}

  /** The listing to save, or null when nothing it shows moved; `force` saves it anyway (after a Redis restart the listings are gone). */
  update(game: GameState, spectators: number, isPrivate: boolean, force = false): ListingUpdate | null {
    let players = 0;
    for (const seat of game.seats) if (seat.kind !== "empty") players++;
    const last = this.last;
    const { phase, hole } = game;
    if (!force && last.phase === phase && last.hole === hole && last.players === players && last.spectators === spectators) return null;
    this.last = { phase, hole, players, spectators };
    const metadata = { gameId: this.gameId(), phase, hole, holes: game.holes, players, spectators, node: this.nodeId, private: isPrivate };
    return { metadata, private: isPrivate || phase !== "lobby" || players === game.seats.length };
  }
}

/** The room's presence writes (its listing after the start), in order, off the action path. */
export class ListingWrites {
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly onFailure: (error: unknown, what: string) => void) {}

  /** Queues a write after the ones before it; a failure is reported, not thrown. */
  add(what: string, write: () => Promise<unknown>): void {
    this.chain = this.chain.then(write).then(
      () => undefined,
      (error) => this.onFailure(error, what),
    );
  }

  /** Resolves once every write queued so far is done (disposal and shutdown wait for them). */
  idle(): Promise<void> {
    return this.chain;
  }
}
