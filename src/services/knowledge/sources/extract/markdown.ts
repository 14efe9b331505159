import { SectionBuilder } from "./sections.js";
import { collapseWhitespace } from "./text.js";
import type { ExtractedSection } from "./types.js";

export interface MarkdownContent {
  title?: string | undefined;
  text: string;
  sections: ExtractedSection[];
  frontMatter: Record<string, string>;
}

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;

/**
 * Splits Markdown into sections by its ATX (`# Title`) and setext (underlined) headings, ignoring
 * `#` lines inside fenced code. The body text stays Markdown (it reads well and keeps lists and
 * code); a YAML front matter block is removed and its simple `key: value` pairs kept as metadata.
 */
export function readMarkdown(source: string): MarkdownContent {
  const { body, frontMatter } = splitFrontMatter(source.replace(/\r\n?/g, "\n"));
  const lines = body.split("\n");
  const builder = new SectionBuilder("keep");
  let fence: string | undefined;
  let firstH1: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fenceMatch = FENCE.exec(line);
    if (fenceMatch) {
      const marker = fenceMatch[1]!;
      if (!fence) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
    }
    if (!fence && !fenceMatch) {
      const atx = ATX.exec(line);
      if (atx) {
        const text = cleanHeading(atx[2] ?? "");
        if (atx[1]!.length === 1) firstH1 ??= text;
        builder.heading(atx[1]!.length, text);
        continue;
      }
      const next = lines[i + 1];
      if (line.trim() && next !== undefined && SETEXT.exec(next) && !/^\s*[-*+>]|^\s*\d+\./.test(line)) {
        const level = next.trim().startsWith("=") ? 1 : 2;
        const text = cleanHeading(line);
        if (level === 1) firstH1 ??= text;
        builder.heading(level, text);
        i++;
        continue;
      }
    }
    builder.inline(line);
    builder.lineBreak();
  }
  const { text, sections } = builder.finish();
  return { title: frontMatter.title ?? firstH1, text, sections, frontMatter };
}

/** Heading text without inline emphasis, code ticks or link targets. */
function cleanHeading(text: string): string {
  return collapseWhitespace(
    text
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/[*_`]+/g, "")
      .replace(/\\([\\`*_{}[\]()#+\-.!])/g, "$1"),
  );
}

function splitFrontMatter(source: string): { body: string; frontMatter: Record<string, string> } {
  const match = /^---\n([\s\S]*?)\n(?:---|\.\.\.)\n/.exec(source);
  if (!match) return { body: source, frontMatter: {} };
  const frontMatter: Record<string, string> = {};
  for (const line of match[1]!.split("\n")) {
    const pair = /^([A-Za-z0-9_-]+):\s*(.*)$/.exec(line);
    if (pair?.[2]) frontMatter[pair[1]!.toLowerCase()] = pair[2].replace(/^(["'])(.*)\1$/, "$2").trim();
  }
  return { body: source.slice(match[0].length), frontMatter };
}
