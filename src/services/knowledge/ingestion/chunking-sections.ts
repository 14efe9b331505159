/** A run of text under one heading path, on one page when the source has pages. */
export interface Section {
  headingPath: string[];
  text: string;
  page?: number | undefined;
}

/** What the chunker accepts: plain text / Markdown, pages (PDF) or pre-sectioned text (HTML). */
export type ChunkSource =
  | { kind: "text"; text: string; markdown?: boolean }
  | { kind: "pages"; pages: string[]; markdown?: boolean }
  | { kind: "sections"; sections: Section[] };

const ATX_HEADING = /^ {0,3}(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$/;
const FENCE = /^ {0,3}(```|~~~)/;

/**
 * Splits Markdown into sections at ATX headings (`#` … `######`), outside code fences. Each section's
 * text keeps its heading line so the first chunk reads naturally; `headingPath` is the stack of
 * heading texts above it. `stack` carries the path across pages.
 */
export function markdownSections(text: string, page?: number, stack: string[] = []): Section[] {
  const sections: Section[] = [];
  let lines: string[] = [];
  let inFence = false;
  const flush = () => {
    const body = lines.join("\n").trim();
    if (body) sections.push({ headingPath: [...stack], text: body, page });
    lines = [];
  };
  for (const line of text.split(/\r?\n/)) {
    if (FENCE.test(line)) inFence = !inFence;
    const heading = inFence ? null : ATX_HEADING.exec(line);
    if (heading) {
      flush();
      const level = heading[1]!.length;
      stack.splice(level - 1);
      while (stack.length < level - 1) stack.push("");
      stack.push(heading[2]!.trim());
    }
    lines.push(line);
  }
  flush();
  for (const section of sections) section.headingPath = section.headingPath.filter((h) => h.length > 0);
  return sections;
}

export function toSections(source: ChunkSource): Section[] {
  switch (source.kind) {
    case "sections":
      return source.sections.filter((s) => s.text.trim().length > 0);
    case "pages": {
      const stack: string[] = [];
      return source.pages.flatMap((text, i) =>
        source.markdown === false
          ? text.trim()
            ? [{ headingPath: [], text: text.trim(), page: i + 1 }]
            : []
          : markdownSections(text, i + 1, stack),
      );
    }
    default:
      return source.markdown === false
        ? source.text.trim()
          ? [{ headingPath: [], text: source.text.trim() }]
          : []
        : markdownSections(source.text);
  }
}
