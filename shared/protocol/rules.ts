// The house rules as a client may send them (create options, `configure`, an import's first event).
import { z } from "zod";
import { BOOLEAN_RULES, FLIP_MODES } from "../golf/index.ts";

/** A partial set of house rules: unknown names are refused, not ignored (docs/rules.md names them). */
export const rulesPatchSchema = z
  .object({
    flipMode: z.enum(FLIP_MODES),
    initialFlips: z.union([z.literal(0), z.literal(1), z.literal(2)]),
    ...Object.fromEntries(BOOLEAN_RULES.map((name) => [name, z.boolean()])),
  } as Record<string, z.ZodType>)
  .partial()
  .strict();
