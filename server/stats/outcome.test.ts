// A game's outcome from its log: places (ties, concessions), abandoned games, the figures per seat,
// and the leaderboard periods (ISO weeks and months, UTC).
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { finishingPlaces, gameOutcome } from "./outcome.ts";
import { monthOf, periodsOf, weekOf } from "./tally.ts";
import { playGame } from "./test/games.ts";

const seat = (total: number, conceded = false) => ({ total, conceded });

describe("a game's outcome", () => {
  it("places by total, ties sharing the better place", () => {
    expect(finishingPlaces({ seats: [seat(10), seat(5), seat(10), seat(20)] } as never)).toEqual([2, 1, 2, 4]);
    expect(finishingPlaces({ seats: [seat(3), seat(3)] } as never)).toEqual([1, 1]);
  });

  it("places a conceded player last whatever their total, and never as a winner", () => {
    expect(finishingPlaces({ seats: [seat(-5, true), seat(30), seat(12)] } as never)).toEqual([3, 2, 1]);
    expect(finishingPlaces({ seats: [seat(1, true), seat(30), seat(2, true)] } as never)).toEqual([2, 1, 2]);
  });

  it("counts results for signed-in seats only, rates CPUs by personality and level", () => {
    const user = randomUUID();
    const outcome = gameOutcome(playGame({ seed: 3, seats: [{ kind: "user", userId: user }, { kind: "guest" }, { kind: "cpu" }], holes: 2 }))!;
    expect(outcome.ranked).toBe(true);
    expect(outcome.seats.map((each) => each.userId)).toEqual([user, null, null]);
    expect(outcome.seats[0]!.player).toBe(user);
    expect(outcome.seats[1]!.player).toBeNull();
    expect(outcome.seats[2]!.player).toMatch(/^cpu:[a-z]+:hard$/);
    for (const each of outcome.seats) {
      expect(each.holes).toBe(2);
      expect(each.won).toBe(each.place === 1);
    }
  });

  it("house rules make a game unranked; knock penalties are counted when the rule is on", () => {
    let penalties = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const outcome = gameOutcome(playGame({ seed, seats: [{ kind: "guest" }, { kind: "guest" }, { kind: "guest" }], rules: { knockPenalty: true }, holes: 2 }))!;
      expect(outcome.ranked).toBe(false);
      penalties += outcome.seats.reduce((sum, each) => sum + each.knockPenalties, 0);
      for (const each of outcome.seats) expect(each.knockPenalties).toBeLessThanOrEqual(each.wentOut);
    }
    expect(penalties).toBeGreaterThan(0);
  });

  it("an abandoned game has no outcome", () => {
    expect(gameOutcome(playGame({ seed: 5, seats: [{ kind: "guest" }, { kind: "cpu" }], abandonAfter: 4 }))).toBeNull();
  });
});

describe("leaderboard periods", () => {
  it("ISO weeks and months in UTC", () => {
    expect(weekOf(Date.UTC(2026, 11, 7))).toBe("2026-W50");
    expect(weekOf(Date.UTC(2027, 0, 1))).toBe("2026-W53"); // a Friday in the last week of 2026
    expect(weekOf(Date.UTC(2024, 11, 30))).toBe("2025-W01"); // a Monday in the first week of 2025
    expect(weekOf(Date.UTC(2026, 0, 4, 23, 59))).toBe("2026-W01"); // Sunday night closes the week
    expect(weekOf(Date.UTC(2026, 0, 5))).toBe("2026-W02");
    expect(monthOf(Date.UTC(2026, 11, 31, 23, 59, 59))).toBe("2026-12");
    expect(periodsOf(Date.UTC(2027, 0, 1))).toEqual(["all", "2026-W53", "2027-01"]);
  });
});
