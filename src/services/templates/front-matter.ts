import type { TemplateVariable } from "../../db/schema/templates.js";

/**
 * The front matter of a file-backed template (`atrium templates import`), a small documented subset
 * of YAML between two `---` lines at the top of the file:
 *
 * ```
 * ---
 * name: Offer letter            # optional; else the file name
 * description: Sent to new hires
 * category: HR
 * outputFormat: pdf             # markdown (default for .md.hbs / .hbs), html (default for .html.hbs), pdf, docx, txt
 * variables:
 *   - name: candidate
 *     type: string              # string, number, boolean, date, list, object
 *     required: true
 *     description: Full name
 *     example: Ada Lovelace
 *   - name: grade
 *     enum: [junior, senior]
 *     default: junior
 * ---
 * ```
 *
 * Scalars are plain or quoted text, numbers, `true`/`false`, `null`, or a flow list `[a, "b c", 3]`;
 * `#` starts a comment outside quotes. Anything else (nested maps, block scalars, anchors) is refused
 * with its line, so a file never means something other than what it reads as.
 */
export interface FrontMatter {
  name?: string;
  description?: string;
  category?: string;
  outputFormat?: string;
  variables: TemplateVariable[];
}

export interface ParsedTemplateFile {
  frontMatter: FrontMatter;
  body: string;
  /** Lines before the body (front matter and its fences): body line N is file line N + offset. */
  bodyLineOffset: number;
  /** The file line where each declared variable starts (same order as `variables`). */
  variableLines: number[];
}

export class FrontMatterError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const TOP_KEYS = new Set(["name", "description", "category", "outputFormat", "variables"]);
const VARIABLE_KEYS = new Set(["name", "type", "required", "default", "enum", "description", "example"]);

function stripComment(text: string): string {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(text[i - 1]!))) return text.slice(0, i);
  }
  return text;
}

function splitFlow(inner: string, line: number): string[] {
  const items: string[] = [];
  let quote: string | null = null;
  let current = "";
  for (const c of inner) {
    if (quote) {
      if (c === quote) quote = null;
      current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      current += c;
    } else if (c === ",") {
      items.push(current);
      current = "";
    } else if (c === "[" || c === "]" || c === "{" || c === "}") {
      throw new FrontMatterError("Nested lists and maps are not supported in front matter", line);
    } else current += c;
  }
  if (quote) throw new FrontMatterError("A quoted value is not closed", line);
  if (current.trim() !== "" || items.length > 0) items.push(current);
  return items;
}

export function parseScalar(raw: string, line: number): unknown {
  const text = raw.trim();
  if (text === "" || text === "null" || text === "~") return null;
  if (text.startsWith("[")) {
    if (!text.endsWith("]")) throw new FrontMatterError("A list is not closed with ]", line);
    return splitFlow(text.slice(1, -1), line).map((item) => parseScalar(item, line));
  }
  if (text.startsWith("{") || text.startsWith("|") || text.startsWith(">") || /^[&*!]/.test(text)) {
    throw new FrontMatterError(`Unsupported YAML: ${text.slice(0, 20)}`, line);
  }
  const quote = text[0];
  if (quote === '"' || quote === "'") {
    if (text.length < 2 || text[text.length - 1] !== quote) {
      throw new FrontMatterError("A quoted value is not closed", line);
    }
    const inner = text.slice(1, -1);
    return quote === '"' ? inner.replace(/\\"/g, '"').replace(/\\n/g, "\n") : inner.replace(/''/g, "'");
  }
  if (text === "true") return true;
  if (text === "false") return false;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

function keyValue(text: string, line: number): [string, string] {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)\s*:(?:\s+(.*)|\s*)$/.exec(text);
  if (!match) throw new FrontMatterError(`Expected "key: value", got "${text.slice(0, 40)}"`, line);
  return [match[1]!, match[2] ?? ""];
}

/** Splits a file into its front matter (parsed) and body; a file without `---` has no declaration. */
export function parseTemplateFile(source: string): ParsedTemplateFile {
  const text = source.replace(/^\uFEFF/, "").replace(/\r\n/g, "\n");
  const lines = text.split("\n");
  if (lines[0]?.trim() !== "---")
    return { frontMatter: { variables: [] }, body: text, bodyLineOffset: 0, variableLines: [] };
  const end = lines.findIndex((l, i) => i > 0 && l.trim() === "---");
  if (end < 0) throw new FrontMatterError("The front matter is not closed by a --- line", 1);

  const front: Record<string, unknown> = {};
  const variables: Record<string, unknown>[] = [];
  const variableLines: number[] = [];
  let inVariables = false;
  let current: Record<string, unknown> | null = null;
  let itemIndent = -1;
  for (let i = 1; i < end; i++) {
    const lineNo = i + 1;
    const raw = stripComment(lines[i]!).replace(/\s+$/, "");
    if (raw.trim() === "") continue;
    if (raw.includes("\t")) throw new FrontMatterError("Indent with spaces, not tabs", lineNo);
    const indent = raw.length - raw.trimStart().length;
    const content = raw.trim();
    if (indent === 0) {
      const [key, value] = keyValue(content, lineNo);
      if (!TOP_KEYS.has(key)) throw new FrontMatterError(`Unknown front matter key "${key}"`, lineNo);
      if (key in front || (key === "variables" && inVariables)) {
        throw new FrontMatterError(`"${key}" is given twice`, lineNo);
      }
      inVariables = key === "variables";
      current = null;
      if (inVariables) {
        if (value.trim() !== "" && value.trim() !== "[]") {
          throw new FrontMatterError("variables: is followed by a list of - name: … items", lineNo);
        }
        front.variables = variables;
      } else {
        const parsed = parseScalar(value, lineNo);
        if (parsed !== null && typeof parsed !== "string") {
          throw new FrontMatterError(`"${key}" must be text`, lineNo);
        }
        if (parsed !== null) front[key] = parsed;
      }
      continue;
    }
    if (!inVariables) throw new FrontMatterError("Unexpected indented line", lineNo);
    let entry = content;
    if (content.startsWith("- ") || content === "-") {
      current = {};
      variables.push(current);
      variableLines.push(lineNo);
      itemIndent = indent + 2;
      entry = content.slice(1).trim();
      if (entry === "") continue;
    } else if (!current || indent !== itemIndent) {
      throw new FrontMatterError(
        "Each variable starts with '- name: …' and its keys line up under it",
        lineNo,
      );
    }
    const [key, value] = keyValue(entry, lineNo);
    if (!VARIABLE_KEYS.has(key)) throw new FrontMatterError(`Unknown variable key "${key}"`, lineNo);
    if (key in current!) throw new FrontMatterError(`"${key}" is given twice`, lineNo);
    const parsed = parseScalar(value, lineNo);
    if (parsed !== null) current![key] = parsed;
  }
  variables.forEach((v, i) => {
    if (typeof v.name !== "string")
      throw new FrontMatterError("Each variable needs a name", variableLines[i]!);
  });
  return {
    frontMatter: {
      ...(front as Omit<FrontMatter, "variables">),
      variables: variables as unknown as TemplateVariable[],
    },
    body: lines.slice(end + 1).join("\n"),
    bodyLineOffset: end + 1,
    variableLines,
  };
}
