// Display names: the one check used by create options, join options and the engine's join, and the
// rule that keeps names distinct at a table. Pure, and the same in the browser (replays) and the server.

export const MAX_NAME_LENGTH = 20;
/** Combining marks one base character may carry (NFC leaves at most two in living scripts). */
const MAX_MARKS_PER_CHARACTER = 3;

// Never in a name: controls, format characters (zero-width, bidirectional controls and overrides),
// line and paragraph separators, private use, lone surrogates, and other default-ignorable (invisible)
// code points such as the Hangul fillers.
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\p{Default_Ignorable_Code_Point}]/u;
// Allowed exceptions to FORBIDDEN: a variation selector right after a visible character ("❤️"), and a
// zero-width joiner between two pictographs (emoji sequences).
const VARIATION_AFTER_BASE = /(?<=[^\p{M}\p{Cf}\p{Default_Ignorable_Code_Point}\s])[\uFE00-\uFE0F]/gu;
const JOINER_IN_EMOJI = /(?<=\p{Extended_Pictographic}[\uFE0E\uFE0F]?)\u200D(?=\p{Extended_Pictographic})/gu;
const VISIBLE = /[^\p{M}\p{Cf}\p{Default_Ignorable_Code_Point}\s]/u;
const MARK_RUN = new RegExp(`\\p{M}{${MAX_MARKS_PER_CHARACTER + 1}}`, "u");

export type NameCheck = { ok: true; name: string } | { ok: false; reason: string };

/**
 * A name as shown at the table: NFC, trimmed, runs of spaces as one, 1-20 characters (code points),
 * at least one visible character, nothing invisible or direction-changing, no pile of combining marks.
 */
export function checkDisplayName(raw: unknown): NameCheck {
  if (typeof raw !== "string") return { ok: false, reason: "a name is a string" };
  // Bounded before any work: a 64 kB name costs no more than a 60-character one.
  if (raw.length > MAX_NAME_LENGTH * 3) return { ok: false, reason: `a name is at most ${MAX_NAME_LENGTH} characters` };
  const name = raw.normalize("NFC").trim().replace(/\s+/gu, " ");
  const length = [...name].length;
  if (length < 1 || length > MAX_NAME_LENGTH) return { ok: false, reason: `a name is 1-${MAX_NAME_LENGTH} characters` };
  if (FORBIDDEN.test(name.replace(VARIATION_AFTER_BASE, "").replace(JOINER_IN_EMOJI, ""))) {
    return { ok: false, reason: "a name may not hold control, invisible or direction-changing characters" };
  }
  if (!VISIBLE.test(name)) return { ok: false, reason: "a name needs a visible character, not only marks" };
  if (MARK_RUN.test(name)) return { ok: false, reason: `at most ${MAX_MARKS_PER_CHARACTER} combining marks on one character` };
  return { ok: true, name };
}

/** How two names compare at a table: letter case and compatibility forms (fullwidth, ligatures) aside. */
function sameNameKey(name: string): string {
  return name.normalize("NFKC").toLowerCase();
}

/**
 * `name` if nobody at the table goes by it (CPUs included), else `name (2)`, `name (3)`, ... (the
 * name shortened to keep 20 characters). `taken`: the names already seated.
 */
export function distinctName(name: string, taken: readonly string[]): string {
  const used = new Set(taken.map(sameNameKey));
  if (!used.has(sameNameKey(name))) return name;
  const chars = [...name];
  for (let n = 2; ; n++) {
    const suffix = ` (${n})`;
    const base = chars.slice(0, MAX_NAME_LENGTH - suffix.length).join("").trimEnd();
    const candidate = `${base}${suffix}`;
    if (!used.has(sameNameKey(candidate))) return candidate;
  }
}
