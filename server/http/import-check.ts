// Everything an import costs in CPU, in one pure function that the import worker runs off the
// event loop: a scan for nesting depth before JSON.parse, the shape check, the engine's replay, the
// header checked against what the replay derived, and the hash that identifies the log.
import { createHash } from "node:crypto";
import { readExport, type GolfExport } from "../../shared/protocol/index.ts";
import { BadExportError } from "../store/errors.ts";
import { checkExport } from "./verify-import.ts";

/** Deeper than any export (its deepest values are cards in hands in an event's data: about 7). */
export const MAX_IMPORT_DEPTH = 32;

export type ImportCheck = { ok: true; doc: GolfExport; hash: string } | { ok: false; error: string; seq?: number };

/** Checks an import body (the raw bytes); on success the export to store, its header as derived from the log. */
export function checkImportBody(body: Uint8Array, now = Date.now()): ImportCheck {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    return { ok: false, error: "the body is not UTF-8 text" };
  }
  if (text.trim() === "") return { ok: false, error: "send the export as the request body (JSON)" };
  // JSON.parse recurses per level of nesting: refuse deep input before it gets a chance to.
  const depth = nestingDepth(text, MAX_IMPORT_DEPTH);
  if (depth > MAX_IMPORT_DEPTH) return { ok: false, error: `the body is nested deeper than ${MAX_IMPORT_DEPTH} levels: an export is not` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `the body is not valid JSON: ${(error as Error).message}` };
  }
  // The shape is checked here, once per import: the store trusts what this returns.
  const shape = readExport(json);
  if (!shape.ok) return { ok: false, error: new BadExportError(shape.error).message };
  const checked = checkExport(shape.doc, now);
  if ("error" in checked) return { ok: false, ...checked };
  return { ok: true, doc: checked.doc, hash: logHash(checked.doc) };
}

/**
 * The deepest nesting of arrays and objects in a JSON text, counting no further than `limit` + 1.
 * Brackets inside strings do not count. One pass, no allocation.
 */
export function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return deepest;
}

/**
 * What identifies an imported game: a SHA-256 of its log (every event's seq, type, seat, time and
 * data, object keys sorted) and its creation time. The header says nothing the log does not (it is
 * derived from it), so two imports with the same hash are the same game.
 */
export function logHash(doc: GolfExport): string {
  const hash = createHash("sha256");
  hash.update(canonical(doc.game.createdAt));
  for (const event of doc.events) hash.update(canonical([event.seq, event.type, event.seat, event.at, event.data]));
  return hash.digest("hex");
}

/** JSON with object keys in sorted order, so the same value always gives the same text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
