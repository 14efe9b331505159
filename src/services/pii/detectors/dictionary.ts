import type { PiiSpan } from "../kinds.js";

function escapeTerm(term: string): string {
  return term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\s+/g, "\\s+");
}

/**
 * Finds listed terms (directory names, a namespace's dictionaries) case-insensitively on word
 * boundaries, longest first. Built once per term list.
 */
export function dictionaryMatcher(
  entries: ReadonlyArray<{ kind: string; term: string }>,
  source: string,
): (text: string) => PiiSpan[] {
  const usable = entries.filter((e) => e.term.trim().length >= 2);
  if (usable.length === 0) return () => [];
  const kindOf = new Map<string, string>();
  for (const e of usable) kindOf.set(e.term.trim().toLowerCase().replace(/\s+/g, " "), e.kind);
  const terms = [...kindOf.keys()].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(
    `(?<![\\p{L}\\p{N}])(?:${terms.map(escapeTerm).join("|")})(?![\\p{L}\\p{N}])`,
    "giu",
  );
  return (text) =>
    [...text.matchAll(pattern)].map((m) => ({
      kind: kindOf.get(m[0].toLowerCase().replace(/\s+/g, " ")) ?? "PERSON",
      start: m.index,
      end: m.index + m[0].length,
      source,
    }));
}
