// An export opened in the replay viewer is checked by replaying it through the shared engine: a
// whole game opens; a tampered one is refused, naming the first event that does not fit.
import { describe, expect, it } from "vitest";
import { eventsOf, snapshotFromEngine } from "../src/game/replay-log.ts";
import { fold } from "../../shared/golf/index.ts";
import { exportOf, playGame } from "./support/played-game.ts";

describe("opening an export", () => {
  const doc = exportOf(playGame({ seats: 4, holes: 2 }));

  it("folds a whole game to its final scores", () => {
    const events = eventsOf(doc);
    expect(events).toHaveLength(doc.events.length);
    const end = fold(events);
    expect(end.phase).toBe("gameOver");
    expect(end.seats.map((seat) => seat.total)).toEqual(doc.game.totals);
    const snapshot = snapshotFromEngine(end, "all", doc);
    expect(snapshot.lastSeq).toBe(doc.events.length);
    expect(snapshot.seats.map((seat) => seat.total)).toEqual(doc.game.totals);
  });

  it("refuses a file that is not an export", () => {
    expect(() => eventsOf({ hello: "world" })).toThrow(/not a Six-Card Golf export/);
  });

  it("refuses an export whose cards were changed, naming the event", () => {
    const tampered = JSON.parse(JSON.stringify(doc)) as typeof doc;
    const swap = tampered.events.findIndex((event) => event.type === "swapped");
    const card = (tampered.events[swap]!.data as { card: { rank: string } }).card;
    card.rank = card.rank === "K" ? "Q" : "K";
    expect(() => eventsOf(tampered)).toThrow(new RegExp(`event ${swap + 1}: swapped`));
  });
});
