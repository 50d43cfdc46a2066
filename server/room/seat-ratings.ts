// Seat.rating (platform.md): each signed-in player's displayed rating when the game starts, 0 when
// unrated or not signed in. Read once per game (one query for the whole table, store.stats.ratingsFor)
// off the move path: the start is committed and shown first, the ratings follow in their own patch.
import type { GameState } from "../../shared/golf/index.ts";
import type { GolfStateSchema } from "./schema.ts";

/** The largest rating Seat.rating (a uint16) can carry. */
const MAX_SHOWN = 65_535;

export class SeatRatings {
  private read = false;

  constructor(private readonly ratingsFor: (userIds: readonly string[]) => Promise<Map<string, number>>) {}

  /**
   * Reads the seated users' ratings the first time it is called for a started game, and resolves to a
   * function that shows them on the table's seats (null when there is nothing to read or show).
   */
  async once(game: GameState): Promise<((state: GolfStateSchema) => void) | null> {
    if (this.read || game.phase === "lobby") return null;
    this.read = true;
    const userIds = game.seats.flatMap((seat) => (seat.userId ? [seat.userId] : []));
    if (userIds.length === 0) return null;
    const ratings = await this.ratingsFor(userIds);
    return (state) => {
      for (const seat of state.seats) {
        const rating = seat.userId ? (ratings.get(seat.userId) ?? 0) : 0;
        seat.rating = Math.max(0, Math.min(MAX_SHOWN, Math.round(rating)));
      }
    };
  }
}
