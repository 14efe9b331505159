/**
 * How retrieved passages travel inside a prompt. The turn pipeline writes them with `formatPassages`
 * into the system message; models cite them as `[n]`; the offline extractive model reads them back
 * with `parsePassages`. One format, defined once.
 */
export interface PromptPassage {
  /** The number cited as `[label]`. */
  label: number;
  title: string;
  text: string;
}

export const PASSAGES_OPEN = "<passages>";
export const PASSAGES_CLOSE = "</passages>";

/** A citation marker in model output: `[3]`. */
export const CITATION_MARKER = /\[(\d{1,3})\]/g;

export function formatPassages(passages: readonly PromptPassage[]): string {
  const body = passages.map((p) => `[${p.label}] ${oneLine(p.title)}\n${p.text.trim()}`).join("\n\n");
  return `${PASSAGES_OPEN}\n${body}\n${PASSAGES_CLOSE}`;
}

/** Every passage block in `text` (a prompt may carry several, e.g. from tool results), in order. */
export function parsePassages(text: string): PromptPassage[] {
  const found: PromptPassage[] = [];
  let from = 0;
  for (;;) {
    const open = text.indexOf(PASSAGES_OPEN, from);
    if (open < 0) break;
    const close = text.indexOf(PASSAGES_CLOSE, open);
    const end = close < 0 ? text.length : close;
    found.push(...parseBlock(text.slice(open + PASSAGES_OPEN.length, end)));
    from = end + PASSAGES_CLOSE.length;
  }
  return found;
}

function parseBlock(block: string): PromptPassage[] {
  const passages: PromptPassage[] = [];
  for (const piece of block.split(/\n(?=\[\d{1,3}\] )/)) {
    const match = /^\s*\[(\d{1,3})\] ([^\n]*)\n?([\s\S]*)$/.exec(piece);
    if (!match) continue;
    passages.push({ label: Number(match[1]), title: match[2] ?? "", text: (match[3] ?? "").trim() });
  }
  return passages;
}

function oneLine(value: string): string {
  return value.replace(/\s+/g, " ").trim();
}
