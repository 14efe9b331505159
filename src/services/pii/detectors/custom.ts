import type { PiiSpan } from "../kinds.js";

export interface CustomPattern {
  /** The kind its findings get (`EMPLOYEE_ID`); placeholders read `<EMPLOYEE_ID_1>`. */
  kind: string;
  /** A JavaScript regular expression (without slashes). */
  pattern: string;
  /** Match regardless of case. */
  ignoreCase?: boolean | undefined;
}

/**
 * Why a pattern is refused, or undefined when it is usable: it must compile, stay short, match no
 * empty string, and avoid the constructions that make backtracking explode (a quantified group
 * holding a quantifier, back-references).
 */
export function patternProblem(pattern: string): string | undefined {
  if (pattern.length === 0 || pattern.length > 200) return "must be 1 to 200 characters";
  if (/\\[1-9]|\\k</.test(pattern)) return "must not use back-references";
  if (/\([^()]*[+*}][^()]*\)\s*[+*{]/.test(pattern))
    return "must not repeat a group that itself repeats (catastrophic backtracking)";
  let compiled: RegExp;
  try {
    compiled = new RegExp(pattern, "u");
  } catch (error) {
    return `is not a valid regular expression (${(error as Error).message.replace(/^Invalid regular expression: /, "")})`;
  }
  if (compiled.test("")) return "must not match an empty string";
  return undefined;
}

/** A namespace's own patterns, compiled once. */
export function customMatcher(patterns: readonly CustomPattern[]): (text: string) => PiiSpan[] {
  const compiled = patterns
    .filter((p) => patternProblem(p.pattern) === undefined)
    .map((p) => ({ kind: p.kind, re: new RegExp(p.pattern, p.ignoreCase ? "giu" : "gu") }));
  return (text) => {
    const spans: PiiSpan[] = [];
    for (const { kind, re } of compiled) {
      for (const m of text.matchAll(re)) {
        if (m[0].length === 0) continue;
        spans.push({ kind, start: m.index, end: m.index + m[0].length, source: `pattern:${kind}` });
      }
    }
    return spans;
  };
}
