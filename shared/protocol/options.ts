// The options of the `golf` room: what client.create / joinOrCreate / joinById may pass. A join
// with options that do not parse fails with BAD_OPTIONS.
import { z } from "zod";
import { checkDisplayName, CPU_PROFILES, LIMITS } from "../golf/index.ts";
import { rulesPatchSchema } from "./rules.ts";

const profileName = z.string().refine((name) => CPU_PROFILES.some((profile) => profile.name.toLowerCase() === name.trim().toLowerCase()), "unknown CPU personality");

/** A display name, checked and normalized by the engine's own rule (shared/golf/names.ts). */
const displayName = z.string().transform((raw, ctx) => {
  const checked = checkDisplayName(raw);
  if (checked.ok) return checked.name;
  ctx.addIssue({ code: "custom", message: checked.reason });
  return z.NEVER;
});

/** Options of client.create / joinOrCreate (docs/protocol.md, Rooms). */
export const createOptionsSchema = z.object({
  name: displayName,
  seats: z.number().int().min(LIMITS.minSeats).max(LIMITS.maxSeats).optional(),
  cpus: z.union([z.number().int().min(0).max(5), z.array(profileName).max(5)]).optional(),
  rules: rulesPatchSchema.optional(),
  holes: z.number().int().min(LIMITS.minHoles).max(LIMITS.maxHoles).optional(),
  decks: z.number().int().min(LIMITS.minDecks).max(LIMITS.maxDecks).optional(),
  turnSeconds: z.number().int().min(0).max(LIMITS.maxTurnSeconds).optional(),
  cpuDelayMs: z.number().int().min(0).max(10_000).optional(),
  private: z.boolean().optional(),
});
/** Create options as the room reads them (the name normalized). */
export type CreateOptions = z.infer<typeof createOptionsSchema>;
/** Create options as a client writes them. */
export type CreateOptionsInput = z.input<typeof createOptionsSchema>;

/** Options of a join (joinById / joinOrCreate / create's own join). */
export const joinOptionsSchema = z.object({
  name: displayName.optional(),
  token: z.string().max(200).optional(),
  spectate: z.boolean().optional(),
  sinceSeq: z.number().int().min(0).optional(),
});
export type JoinOptions = z.infer<typeof joinOptionsSchema>;
export type JoinOptionsInput = z.input<typeof joinOptionsSchema>;
