/** Characters that print as nothing: zero-width space, non-joiner and joiner, word joiner, BOM. */
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF]/g;
/** Runs of whitespace, including the look-alikes (no-break, en/em/thin, narrow, ideographic spaces). */
const SPACES = /[\s\u00A0\u2000-\u200A\u202F\u205F\u3000]+/g;

/**
 * The one form every resource name is stored and compared in: Unicode NFKC, invisible characters
 * removed, whitespace runs (look-alikes included) turned into one space, trimmed. So "Sales", "Sales​"
 * (zero-width space) and "Sales " (no-break space) are one name, and cannot pose as one another.
 */
export function normalizeName(name: string): string {
  return name.normalize("NFKC").replace(INVISIBLE, "").replace(SPACES, " ").trim();
}

/** The key two names are compared by for uniqueness: normalised and case-insensitive. */
export function nameKey(name: string): string {
  return normalizeName(name).toLowerCase();
}
