// The golf-game export: a finished game's header and its full log, as downloaded, shared and imported.
// The schema checks the shape only; whether the events make a legal game is the engine's call (the
// server replays them before it imports).
import { z } from "zod";

/** The download format of a finished game (docs/protocol.md, HTTP). */
export interface GolfExport {
  format: "golf-game";
  version: 1;
  game: {
    id: string;
    code: string;
    /** ISO 8601 */
    createdAt: string;
    endedAt: string | null;
    rules: Record<string, unknown>;
    holes: number;
    decks: number | null;
    seats: { name: string; kind: string; profile: string }[];
    totals: number[];
    winners: number[];
    /**
     * Set when this server's copy was imported (POST /api/games/import), not played here: who
     * imported it (null for imports from before importers were kept). Ignored when imported again.
     */
    imported?: { by: { id: string; name: string } | null };
  };
  /** `at` is ms since the first event. */
  events: { seq: number; type: string; seat: number | null; at: number; data: unknown }[];
}

const isoTime = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();

/** The shape of a GolfExport. */
export const exportSchema = z.object({
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

/**
 * The document as an export, or the first problem with its shape (where, then what). The log must
 * be whole: seqs 1, 2, 3, ... in order, like every log the server writes.
 */
export function readExport(doc: unknown): { ok: true; doc: GolfExport } | { ok: false; error: string } {
  const parsed = exportSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.join(".") : "the document";
    return { ok: false, error: `${where}: ${issue.message}` };
  }
  const result = parsed.data as GolfExport;
  for (const [i, event] of result.events.entries()) {
    if (event.seq !== i + 1) return { ok: false, error: `events.${i}.seq: expected ${i + 1}, found ${event.seq}` };
  }
  return { ok: true, doc: result };
}
