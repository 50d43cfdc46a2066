// The bodies of the HTTP API (docs/protocol.md, HTTP). Every /api answer is JSON; an error is
// `{ error }` (an import refused for an event also names its `seq`).
import { z } from "zod";
import type { CpuTraits } from "../golf/index.ts";
import type { GolfExport } from "./export.ts";

/** A game id: a UUID (any letter case). */
export const GAME_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGameId(value: unknown): value is string {
  return typeof value === "string" && GAME_ID_PATTERN.test(value);
}

/** GET /health: 200 with status "ok", or 503 with status "unavailable" and what is `down`. */
export interface HealthBody {
  status: "ok" | "unavailable";
  db: "ok" | "down";
  presence: "ok" | "down";
  /** This node. */
  node: string;
  /** The other nodes this node sees. */
  nodes: string[];
  down?: ("db" | "presence")[];
}

/** GET /api/cpu-profiles: one per CPU personality. */
export interface CpuProfileInfo {
  name: string;
  style: string;
  traits: CpuTraits;
}

/** GET /api/games/live: one per running public game, on any node. */
export interface LiveGame {
  code: string;
  gameId: string;
  phase: string;
  hole: number;
  holes: number;
  players: number;
  spectators: number;
  /** The node that hosts it. */
  node: string;
}

/** POST /api/games/import: 201 with the new game, or 200 with `existing` when it was imported before. */
export interface ImportAnswer {
  gameId: string;
  existing?: true;
}

/** The body of POST /api/games/:gameId/share. */
export const shareRequestSchema = z.strictObject({
  title: z
    .string({ error: "title must be a string" })
    .trim()
    .min(1, "title must be 1-80 characters")
    .max(80, "title must be 1-80 characters")
    // eslint-disable-next-line no-control-regex
    .refine((title) => !/[\u0000-\u001f\u007f-\u009f]/.test(title), "title must not contain control characters")
    .optional(),
  expiresDays: z
    .number({ error: "expiresDays must be a number" })
    .int("expiresDays must be a whole number of days")
    .min(1, "expiresDays must be 1-365")
    .max(365, "expiresDays must be 1-365")
    .optional(),
});
export type ShareRequest = z.input<typeof shareRequestSchema>;

/** 201 from POST /api/games/:gameId/share; `url` is `/r/<code>`. */
export interface ShareAnswer {
  code: string;
  url: string;
}

/** GET /api/shares/:code (the view is counted). */
export interface SharedGame {
  title: string;
  views: number;
  export: GolfExport;
}

/** Any /api error. */
export interface ApiErrorBody {
  error: string;
  seq?: number;
}
