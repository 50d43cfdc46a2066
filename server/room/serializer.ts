// The room's state serializer: Colyseus's own, with one change for the garbage collector.
//
// SchemaSerializer keeps the patch it encoded for each client's StateView in a Map, and clear()s that
// Map after every patch. A room's serializer lives as long as the room, so its Map is soon in V8's
// old generation, and V8 gives the emptied table of an old Map a new table in the old generation
// too. The next patch's buffers are written into that table; the clear() after it leaves the table
// dead in the old generation but still pointing at them, and every scavenge until the next full GC
// counts them as live: they are copied, then promoted, and die in the old generation. Under
// bench:server that was 40% of all promotion (360 -> 205 KB per scavenge, BENCHMARKS.md), and full GCs
// are what the slowest moves wait for. A new Map after each patch is young, and so is its table.
import { SchemaSerializer } from "@colyseus/core";
import type { Schema } from "@colyseus/schema";

type PatchArguments = Parameters<SchemaSerializer<Schema>["applyPatches"]>;

export class GolfSerializer<T extends Schema> extends SchemaSerializer<T> {
  override applyPatches(...args: PatchArguments): boolean {
    const changed = super.applyPatches(...args);
    if (this.hasFilters) this.encodedViews = new Map();
    return changed;
  }
}
