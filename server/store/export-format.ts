// The shape of a golf-game export, checked with zod before an import touches the database. Only
// the shape: whether the events make a legal game is the engine's call (the server replays them
// before it imports).
import { z } from "zod";
import { BadExportError } from "./errors.ts";
import type { GolfExport } from "./types.ts";

const isoTime = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();

const exportSchema = z.object({
  format: z.literal("golf-game"),
  version: z.literal(1),
  game: z.object({
    id: z.string(),
    code: z.string(),
    createdAt: isoTime,
    endedAt: isoTime.nullable(),
    rules: z.record(z.string(), z.unknown()),
    holes: z.number().int().positive(),
    decks: z.number().int().positive().nullable(),
    seats: z.array(z.object({ name: z.string(), kind: z.string(), profile: z.string() })),
    totals: z.array(z.number()),
    winners: z.array(count),
  }),
  events: z
    .array(
      z.object({
        seq: z.number().int().positive(),
        type: z.string().min(1),
        seat: z.number().int().min(0).max(32767).nullable(),
        at: z.number().nonnegative().finite(),
        data: z.unknown().refine((data) => data !== undefined, "data is missing"),
      }),
    )
    .min(1),
});

/** Returns the document typed as an export, or throws BadExportError naming the first problem. */
export function parseExport(doc: unknown): GolfExport {
  const parsed = exportSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.join(".") : "the document";
    throw new BadExportError(`${where}: ${issue.message}`);
  }
  const result = parsed.data as GolfExport;
  // The log must be whole: seqs 1, 2, 3, ... in order, like every log the store writes.
  result.events.forEach((event, i) => {
    if (event.seq !== i + 1) throw new BadExportError(`events.${i}.seq: expected ${i + 1}, found ${event.seq}`);
  });
  return result;
}
