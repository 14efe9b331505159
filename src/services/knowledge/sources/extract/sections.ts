import { normaliseText } from "./text.js";
import type { ExtractedSection } from "./types.js";

interface OpenSection {
  headingPath: string[];
  parts: string[];
}

/**
 * Collects text into sections as a document is walked: each heading closes the current section and
 * opens one whose path is the chain of enclosing headings (an h2 under an h1 gets [h1, h2]).
 */
export class SectionBuilder {
  private readonly sections: OpenSection[] = [{ headingPath: [], parts: [] }];
  private readonly stack: Array<{ level: number; text: string }> = [];

  /** `collapse` tidies spacing as HTML renders it; `keep` leaves lines as written (Markdown). */
  constructor(private readonly spacing: "collapse" | "keep" = "collapse") {}

  private get current(): OpenSection {
    return this.sections[this.sections.length - 1]!;
  }

  inline(text: string): void {
    if (text) this.current.parts.push(text);
  }

  /** Ends the line unless it is already ended (consecutive list items or rows are one line apart). */
  lineBreak(): void {
    const { parts } = this.current;
    for (let i = parts.length - 1; i >= 0; i--) {
      const part = parts[i]!;
      if (part.includes("\n") && !part.slice(part.lastIndexOf("\n")).trim()) return;
      if (part.trim()) break;
    }
    parts.push("\n");
  }

  block(): void {
    this.current.parts.push("\n\n");
  }

  heading(level: number, text: string): void {
    if (!text) return;
    while (this.stack.length > 0 && this.stack[this.stack.length - 1]!.level >= level) this.stack.pop();
    this.stack.push({ level, text });
    this.sections.push({ headingPath: this.stack.map((entry) => entry.text), parts: [] });
  }

  /** The whole text (headings on their own lines) and the non-empty sections. */
  finish(): { text: string; sections: ExtractedSection[] } {
    const sections: ExtractedSection[] = [];
    const pieces: string[] = [];
    for (const section of this.sections) {
      const joined = section.parts.join("");
      const body = this.spacing === "collapse" ? tidy(joined) : normaliseText(joined);
      const heading = section.headingPath[section.headingPath.length - 1];
      if (heading) pieces.push(heading);
      if (body) {
        pieces.push(body);
        sections.push({ headingPath: section.headingPath, text: body });
      }
    }
    return { text: normaliseText(pieces.join("\n\n")), sections };
  }
}

/** One space between words, no table-cell separator at a line's start, at most one blank line. */
function tidy(text: string): string {
  const lines = text.split("\n").map((line) =>
    line
      .replace(/^[\s|]*\|\s*/, "")
      .replace(/[ \t]+/g, " ")
      .trim(),
  );
  return normaliseText(lines.join("\n"));
}
