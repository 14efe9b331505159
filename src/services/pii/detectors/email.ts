import type { PiiSpan } from "../kinds.js";

// Local part: letters (any script), digits and the usual punctuation; domain: labels and a letter TLD.
const EMAIL =
  /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}](?:[\p{L}\p{N}._%+-]{0,63}[\p{L}\p{N}_%+-])?@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+\p{L}{2,24}(?![\p{L}\p{N}-])/gu;

/** E-mail addresses, including internationalised local parts and domains. */
export function detectEmails(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const m of text.matchAll(EMAIL)) {
    spans.push({ kind: "EMAIL", start: m.index, end: m.index + m[0].length, source: "email" });
  }
  return spans;
}
