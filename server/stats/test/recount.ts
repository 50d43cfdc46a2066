// An independent recount of every stat from the games' exports, written apart from the recorder
// (server/stats/outcome.ts and tally.ts): it reads the events directly, not the engine's fold, and
// computes weeks with its own arithmetic. Tests compare its answer with the stored tables.
import type { GolfExport } from "../../store/index.ts";

export interface Recount {
  /** "<user> <scope>" -> the player_stats row's figures. */
  stats: Map<string, Record<string, number | null>>;
  /** "<period> <user>" -> the period_stats row's figures. */
  periods: Map<string, { games: number; wins: number; holes: number; hole_score_sum: number }>;
  /** Rated player (user id or cpu:<profile>:hard) -> ranked games. */
  rankedGames: Map<string, number>;
  /** Results rows: one per user seat of a finished game. */
  results: number;
}

const STANDARD: Record<string, unknown> = { flipMode: "never", initialFlips: 2 };

/** Recounts from exports given in the stored order; `endedAt` of each game in epoch ms. */
export function recount(games: readonly { doc: GolfExport; endedAt: number }[]): Recount {
  const stats = new Map<string, Record<string, number | null>>();
  const periods = new Map<string, { games: number; wins: number; holes: number; hole_score_sum: number }>();
  const rankedGames = new Map<string, number>();
  let results = 0;
  for (const { doc, endedAt } of games) {
    const events = doc.events as { type: string; seat: number | null; data: Record<string, any> }[];
    if (events.at(-1)?.type !== "gameEnded") continue;
    let rules: Record<string, unknown> = { ...events[0]!.data.rules };
    let lobby: { userId?: string; kind: string; profile: string }[] = [];
    let seats: typeof lobby = [];
    const conceded = new Set<number>();
    const holes: { finisher: number; raw: number[]; scores: number[]; winners: number[] }[] = [];
    for (const event of events) {
      if (event.type === "seatTaken") lobby[event.seat!] = event.data as never;
      else if (event.type === "seatFreed") lobby[event.seat!] = { kind: "empty", profile: "" };
      else if (event.type === "configured" && event.data.rules) rules = { ...rules, ...event.data.rules };
      else if (event.type === "started") seats = (event.data.order as number[]).map((index) => lobby[index]!);
      else if (event.type === "conceded") conceded.add(event.seat!);
      else if (event.type === "holeEnded") holes.push(event.data as never);
    }
    lobby = [];
    const totals = events.at(-1)!.data.totals as number[];
    const ranked = Object.entries(rules).every(([name, value]) => (name in STANDARD ? STANDARD[name] === value : value === false));
    // Places: conceded seats last and tied; the others by total, ties sharing the better place.
    const placeOf = (seat: number) =>
      conceded.has(seat)
        ? seats.length - conceded.size + 1
        : 1 + seats.filter((_, other) => !conceded.has(other) && totals[other]! < totals[seat]!).length;

    seats.forEach((seat, index) => {
      const rated = seat.kind === "cpu" ? `cpu:${seat.profile.toLowerCase()}:hard` : seat.userId;
      if (ranked && rated) rankedGames.set(rated, (rankedGames.get(rated) ?? 0) + 1);
      if (!seat.userId) return;
      results++;
      const won = placeOf(index) === 1;
      let sum = 0;
      let best: number | null = null;
      let holesWon = 0;
      let wentOut = 0;
      let wentOutLowest = 0;
      let penalties = 0;
      for (const hole of holes) {
        const score = hole.scores[index]!;
        sum += score;
        best = best === null || score < best ? score : best;
        const lowest = Math.min(...hole.scores);
        if (score === lowest) holesWon++;
        if (hole.finisher === index) {
          wentOut++;
          if (score === lowest) wentOutLowest++;
          const adjusted = hole.raw.map((raw) => (rules.blackjack && raw === 21 ? 0 : raw));
          if (rules.knockPenalty && adjusted.some((other) => other < adjusted[index]!)) penalties++;
        }
      }
      for (const scope of ranked ? ["all", "ranked"] : ["all"]) {
        const key = `${seat.userId} ${scope}`;
        const row = stats.get(key) ?? { games: 0, wins: 0, holes: 0, hole_score_sum: 0, best_hole: null, holes_won: 0, went_out: 0, went_out_lowest: 0, knock_penalties: 0, streak: 0, best_streak: 0 };
        row.games! += 1;
        row.wins! += won ? 1 : 0;
        row.holes! += holes.length;
        row.hole_score_sum! += sum;
        if (best !== null) row.best_hole = row.best_hole === null ? best : Math.min(row.best_hole, best);
        row.holes_won! += holesWon;
        row.went_out! += wentOut;
        row.went_out_lowest! += wentOutLowest;
        row.knock_penalties! += penalties;
        row.streak = won ? row.streak! + 1 : 0;
        row.best_streak = Math.max(row.best_streak!, row.streak);
        stats.set(key, row);
      }
      if (!ranked) return;
      for (const period of ["all", isoWeek(endedAt), new Date(endedAt).toISOString().slice(0, 7)]) {
        const key = `${period} ${seat.userId}`;
        const row = periods.get(key) ?? { games: 0, wins: 0, holes: 0, hole_score_sum: 0 };
        row.games++;
        row.wins += won ? 1 : 0;
        row.holes += holes.length;
        row.hole_score_sum += sum;
        periods.set(key, row);
      }
    });
  }
  return { stats, periods, rankedGames, results };
}

/** ISO week by counting days: the week's Thursday, and how many Thursdays of its year came before. */
export function isoWeek(at: number): string {
  const day = Math.floor(at / 86_400_000); // days since 1970-01-01, a Thursday
  const weekday = (((day + 3) % 7) + 7) % 7; // Monday 0
  const thursday = day - weekday + 3;
  const year = new Date(thursday * 86_400_000).getUTCFullYear();
  const firstDay = Math.floor(Date.UTC(year, 0, 1) / 86_400_000);
  return `${year}-W${String(Math.floor((thursday - firstDay) / 7) + 1).padStart(2, "0")}`;
}
