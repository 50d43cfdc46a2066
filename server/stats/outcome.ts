// A finished game's result, read from its log alone: who sat where, the finishing order and each
// seat's figures for the stats. Pure: the recorder, the rebuild and the tests all use it.
import { fold, isRanked, type GameEvent, type GameState, type HoleResult, type HouseRules } from "../../shared/golf/index.ts";

/** Every CPU plays at its strongest level until levels exist (the coach issue). */
export const CPU_LEVEL = "hard";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One seat's figures in one game. */
export interface SeatFigures {
  holes: number;
  holeScoreSum: number;
  /** The lowest hole score; null when no hole was played. */
  bestHole: number | null;
  holesWon: number;
  /** Holes this seat went out first. */
  wentOut: number;
  /** Of those, the holes where its score was the lowest (it won the hole). */
  wentOutLowest: number;
  /** Holes it went out first and took the knockPenalty's +10. */
  knockPenalties: number;
}

export interface SeatOutcome extends SeatFigures {
  seat: number;
  /** The signed-in player's account, when the seat had one: only these get results. */
  userId: string | null;
  /** Who is rated for this seat: the user id, `cpu:<profile>:<level>`, or null (a player without an account). */
  player: string | null;
  /** 1 for the winners; tied seats share a place; a conceded player is last. */
  place: number;
  won: boolean;
  total: number;
  conceded: boolean;
}

export interface GameOutcome {
  ranked: boolean;
  seats: SeatOutcome[];
}

/** The outcome of a game whose log ends with gameEnded; null for any other log (abandoned, unfinished). */
export function gameOutcome(events: readonly GameEvent[]): GameOutcome | null {
  if (events.at(-1)?.type !== "gameEnded") return null;
  const state = fold(events);
  if (state.abandoned) return null;
  const places = finishingPlaces(state);
  return {
    // Every CPU is at its strongest level for now, so the rules alone decide.
    ranked: isRanked(state.rules),
    seats: state.seats.map((seat, index) => {
      const userId = UUID.test(seat.userId) ? seat.userId.toLowerCase() : null;
      const player = seat.kind === "cpu" ? cpuPlayer(seat.profile) : userId;
      return {
        seat: index,
        userId,
        player,
        place: places[index]!,
        won: places[index] === 1,
        total: seat.total,
        conceded: seat.conceded,
        ...seatFigures(state.rules, state.results, index),
      };
    }),
  };
}

export function cpuPlayer(profile: string): string {
  return `cpu:${profile.toLowerCase()}:${CPU_LEVEL}`;
}

/**
 * Places by total (lower is better), ties sharing a place ("1224"); conceded players after everyone
 * else, all sharing the last place. A conceded player never wins, so when every lowest total belongs
 * to a conceded seat, the best of the others win.
 */
export function finishingPlaces(state: Pick<GameState, "seats">): number[] {
  const playing = state.seats.map((seat, index) => ({ index, total: seat.total, conceded: seat.conceded }));
  const sorted = [...playing].sort((a, b) => Number(a.conceded) - Number(b.conceded) || a.total - b.total);
  const places = new Array<number>(playing.length);
  sorted.forEach((entry, position) => {
    const previous = sorted[position - 1];
    const tied = previous && previous.conceded === entry.conceded && (entry.conceded || previous.total === entry.total);
    places[entry.index] = tied ? places[previous.index]! : position + 1;
  });
  return places;
}

function seatFigures(rules: HouseRules, results: readonly HoleResult[], seat: number): SeatFigures {
  const figures: SeatFigures = { holes: 0, holeScoreSum: 0, bestHole: null, holesWon: 0, wentOut: 0, wentOutLowest: 0, knockPenalties: 0 };
  for (const hole of results) {
    const score = hole.scores[seat]!;
    figures.holes++;
    figures.holeScoreSum += score;
    figures.bestHole = figures.bestHole === null ? score : Math.min(figures.bestHole, score);
    const wonHole = hole.winners.includes(seat);
    if (wonHole) figures.holesWon++;
    if (hole.finisher === seat) {
      figures.wentOut++;
      if (wonHole) figures.wentOutLowest++;
      if (tookKnockPenalty(rules, hole, seat)) figures.knockPenalties++;
    }
  }
  return figures;
}

/** The knockPenalty's +10: the finisher's score (after blackjack) above the hole's lowest. */
function tookKnockPenalty(rules: HouseRules, hole: HoleResult, seat: number): boolean {
  if (!rules.knockPenalty) return false;
  const afterBlackjack = hole.raw.map((score) => (rules.blackjack && score === 21 ? 0 : score));
  return afterBlackjack[seat]! > Math.min(...afterBlackjack);
}
