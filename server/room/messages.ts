// Validation of what clients send (zod, by hand: a bad payload gets an `error`, never a disconnect).
import { z } from "zod";
import { checkDisplayName, CPU_PROFILES, LIMITS, rulesPatchSchema, type Command } from "../../shared/golf/index.ts";

const rid = z.union([z.string().max(32), z.number().finite()]).optional();
const position = z.number().int().min(0).max(5);

/** Every client message type and its payload. `rid` rides along on any of them. */
export const messageSchemas = {
  configure: z.object({ rid, rules: rulesPatchSchema.optional(), holes: z.number().int().optional(), decks: z.number().int().nullable().optional(), turnSeconds: z.number().int().optional() }).strict(),
  addCpu: z.object({ rid, profile: z.string().max(20).optional() }).strict(),
  removeCpu: z.object({ rid, seat: z.number().int().min(0).max(5) }).strict(),
  start: z.object({ rid }).strict(),
  flipInitial: z.object({ rid, positions: z.array(position).max(6) }).strict(),
  draw: z.object({ rid, source: z.enum(["deck", "discard"]) }).strict(),
  swap: z.object({ rid, position }).strict(),
  discard: z.object({ rid }).strict(),
  cancelDraw: z.object({ rid }).strict(),
  flip: z.object({ rid, position }).strict(),
  skipFlip: z.object({ rid }).strict(),
  knock: z.object({ rid }).strict(),
  nextHole: z.object({ rid }).strict(),
  concede: z.object({ rid }).strict(),
  playAgain: z.object({ rid }).strict(),
} as const;
export type MessageType = keyof typeof messageSchemas;
export const MESSAGE_TYPES = Object.keys(messageSchemas) as MessageType[];

/** The engine command a validated message asks for (playAgain is the room's own). */
export function commandFor(type: Exclude<MessageType, "playAgain">, payload: Record<string, unknown>): Command {
  const { rid: _rid, ...rest } = payload;
  return { type, ...rest } as Command;
}

export function ridOf(payload: unknown): string | number | undefined {
  if (payload && typeof payload === "object" && "rid" in payload) {
    const value = (payload as { rid: unknown }).rid;
    if ((typeof value === "string" && value.length <= 32) || (typeof value === "number" && Number.isFinite(value))) return value;
  }
  return undefined;
}

const profileName = z.string().refine((name) => CPU_PROFILES.some((profile) => profile.name.toLowerCase() === name.trim().toLowerCase()), "unknown CPU personality");

/** A display name, checked and normalized by the engine's own rule (shared/golf/names.ts). */
const displayName = z.string().transform((raw, ctx) => {
  const checked = checkDisplayName(raw);
  if (checked.ok) return checked.name;
  ctx.addIssue({ code: "custom", message: checked.reason });
  return z.NEVER;
});

/** Options of client.create / joinOrCreate (protocol.md, Rooms). */
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
export type CreateOptions = z.infer<typeof createOptionsSchema>;

/** Options of a join (joinById / joinOrCreate / create's own join). */
export const joinOptionsSchema = z.object({
  name: displayName.optional(),
  token: z.string().max(200).optional(),
  spectate: z.boolean().optional(),
  sinceSeq: z.number().int().min(0).optional(),
});
export type JoinOptions = z.infer<typeof joinOptionsSchema>;

export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "options"}: ${issue.message}`).join("; ");
}
