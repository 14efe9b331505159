/** Longest title a conversation gets from its first message (lists show it on one line). */
export const MAX_TITLE_LENGTH = 80;

export const UNTITLED = "New conversation";

const ELLIPSIS = "…";

/**
 * A sentence ends at `.`, `!` or `?` followed by whitespace and a capital, digit or quote, or by the
 * end of the line — so abbreviations such as "e.g. the form" do not cut the title short.
 */
const SENTENCE_END = /[.!?]+(?=\s+["'“(\p{Lu}\d]|\s*$)/u;

/** Markdown that reads badly in a title: heading marks, quotes, bullets. */
const LEADING_MARKUP = /^(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)+/;

/**
 * A conversation title from the first message: its first non-empty line, cut to the first sentence,
 * and if that is still longer than 80 characters, cut at a word boundary with an ellipsis.
 * Pure, so the turn pipeline can call it inside its transaction.
 */
export function titleFromFirstMessage(text: string): string {
  const line = text
    .split(/\r?\n/)
    .map((l) => l.replace(LEADING_MARKUP, "").replace(/\s+/g, " ").trim())
    .find((l) => l.length > 0);
  if (!line) return UNTITLED;
  const end = SENTENCE_END.exec(line);
  const sentence = end ? line.slice(0, end.index + end[0].length) : line;
  if ([...sentence].length <= MAX_TITLE_LENGTH) return sentence;
  return shorten(sentence, MAX_TITLE_LENGTH - ELLIPSIS.length) + ELLIPSIS;
}

/** At most `limit` characters (code points, so emoji are never split), ending at a word boundary. */
function shorten(text: string, limit: number): string {
  const chars = [...text];
  const head = chars.slice(0, limit).join("");
  // A word that runs past the limit is dropped, unless it is the only word (a long URL).
  const cutsWord = chars[limit] !== undefined && !/\s/.test(chars[limit]!);
  const space = head.lastIndexOf(" ");
  const kept = cutsWord && space > 0 ? head.slice(0, space) : head;
  return kept.replace(/[\s,;:.!?\-–—]+$/u, "");
}
