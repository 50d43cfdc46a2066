// Every message a client may send (`room.send(type, payload)`), as zod schemas. A payload that does
// not parse is answered with an `error` (BAD_MESSAGE), never with a disconnect. Adding a message is
// one schema here, one engine command (shared/golf) and one handler in the room.
import { z } from "zod";
import type { Command } from "../golf/index.ts";
import { rulesPatchSchema } from "./rules.ts";

/** A request id: echoed on the answers to the action that carried it. */
export type Rid = string | number;
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
/** The payload of one client message type, as a client writes it. */
export type MessagePayload<T extends MessageType> = z.input<(typeof messageSchemas)[T]>;

/** The engine command a validated message asks for (playAgain is the room's own). */
export function commandFor(type: Exclude<MessageType, "playAgain">, payload: Record<string, unknown>): Command {
  const { rid: _rid, ...rest } = payload;
  return { type, ...rest } as Command;
}

/** The rid of any payload, valid or not, so even a refusal can be matched to its action. */
export function ridOf(payload: unknown): Rid | undefined {
  if (payload && typeof payload === "object" && "rid" in payload) {
    const value = (payload as { rid: unknown }).rid;
    if ((typeof value === "string" && value.length <= 32) || (typeof value === "number" && Number.isFinite(value))) return value;
  }
  return undefined;
}

/** Zod's issues in one line, each prefixed by where it is. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "options"}: ${issue.message}`).join("; ");
}
