/**
 * The structure of a rendered document, read from the Markdown a template renders: headings,
 * paragraphs, bullet and numbered lists, and pipe tables. Every output format is built from it, so
 * a template is written once whatever file it becomes.
 */
export type Block =
  | { kind: "heading"; level: 1 | 2 | 3 | 4 | 5 | 6; text: string }
  | { kind: "paragraph"; text: string }
  | { kind: "list"; ordered: boolean; items: string[] }
  | { kind: "table"; header: string[]; rows: string[][] };

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d+[.)]\s+(.*)$/;
const TABLE_ROW = /^\s*\|.*\|\s*$/;
const SEPARATOR = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;

const cells = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, "")
    .split("|")
    .map((cell) => cell.trim());

/** Inline Markdown emphasis and code marks removed (PDF, DOCX and text show the words). */
export function plainInline(text: string): string {
  return text.replace(/\*\*(.+?)\*\*|__(.+?)__|`([^`]+)`/g, (_, a, b, c) => a ?? b ?? c);
}

export function parseBlocks(markdown: string): Block[] {
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) blocks.push({ kind: "paragraph", text: paragraph.join(" ") });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heading = HEADING.exec(line);
    if (line.trim() === "") {
      flush();
    } else if (heading) {
      flush();
      blocks.push({ kind: "heading", level: heading[1]!.length as 1, text: heading[2]! });
    } else if (TABLE_ROW.test(line) && SEPARATOR.test(lines[i + 1] ?? "")) {
      flush();
      const header = cells(line);
      const rows: string[][] = [];
      i += 2;
      while (i < lines.length && TABLE_ROW.test(lines[i]!)) rows.push(cells(lines[i++]!));
      i--;
      blocks.push({ kind: "table", header, rows: rows.map((r) => header.map((_, c) => r[c] ?? "")) });
    } else if (BULLET.test(line) || NUMBERED.test(line)) {
      flush();
      const ordered = !BULLET.test(line);
      const pattern = ordered ? NUMBERED : BULLET;
      const items: string[] = [];
      while (i < lines.length && pattern.test(lines[i]!)) items.push(pattern.exec(lines[i++]!)![1]!);
      i--;
      blocks.push({ kind: "list", ordered, items });
    } else {
      paragraph.push(line.trim());
    }
  }
  flush();
  return blocks;
}

/** The document as plain text: headings underlined by nothing, lists with markers, tables tab-separated. */
function textOf(block: Block): string {
  if (block.kind === "list") {
    return block.items
      .map((item, n) => `${block.ordered ? `${n + 1}.` : "-"} ${plainInline(item)}`)
      .join("\n");
  }
  if (block.kind === "table") {
    return [block.header, ...block.rows].map((row) => row.map(plainInline).join("\t")).join("\n");
  }
  return plainInline(block.text);
}

/** The document as plain text: lists with markers, tables tab-separated. */
export function blocksToText(blocks: Block[]): string {
  return `${blocks.map(textOf).join("\n\n")}\n`;
}
