import { approximateTokens, type TokenCounter } from "../../../lib/text/tokens.js";
import { type ChunkSource, type Section, toSections } from "./chunking-sections.js";

export type { ChunkSource, Section } from "./chunking-sections.js";

export interface ChunkOptions {
  /** Largest chunk in tokens (heading context included). */
  chunkSize: number;
  /** Tokens of the previous chunk repeated at the start of the next one within a section. */
  overlap: number;
  countTokens?: TokenCounter;
  /** Start every chunk that does not begin with its heading with the heading path ("A › B"). */
  headingContext?: boolean;
}

export interface ChunkMetadata {
  headingPath: string[];
  page?: number;
  [key: string]: unknown;
}

export interface TextChunk {
  content: string;
  tokenCount: number;
  metadata: ChunkMetadata;
}

export const DEFAULT_CHUNK_OPTIONS: ChunkOptions = { chunkSize: 512, overlap: 64, headingContext: true };

/** Separators from coarsest to finest: paragraphs, lines, sentences, words. */
const SEPARATORS: readonly RegExp[] = [/\n[ \t]*\n+/, /\n/, /(?<=[.!?;:])\s+(?=\S)/, /\s+/];
const JOINERS = ["\n\n", "\n", " ", " "];

interface Piece {
  text: string;
  tokens: number;
  joiner: string;
}

/**
 * Cuts `text` into pieces of at most `limit` tokens, trying each separator in turn and only going finer
 * for pieces that are still too long; a single over-long word is cut by characters.
 */
export function splitRecursive(text: string, limit: number, count: TokenCounter, level = 0): Piece[] {
  const tokens = count(text);
  if (tokens <= limit) return [{ text, tokens, joiner: JOINERS[Math.max(0, level - 1)] ?? " " }];
  if (level >= SEPARATORS.length) {
    const pieces: Piece[] = [];
    const step = Math.max(1, Math.floor((text.length * limit) / tokens));
    for (let i = 0; i < text.length; i += step) {
      const part = text.slice(i, i + step);
      pieces.push({ text: part, tokens: count(part), joiner: "" });
    }
    return pieces;
  }
  const parts = text.split(SEPARATORS[level]!).filter((p) => p.trim().length > 0);
  if (parts.length <= 1) return splitRecursive(text, limit, count, level + 1);
  return parts.flatMap((part) =>
    splitRecursive(part.trim(), limit, count, level + 1).map((piece, i) =>
      i === 0 ? { ...piece, joiner: JOINERS[level]! } : piece,
    ),
  );
}

function join(pieces: Piece[]): string {
  return pieces.map((p, i) => (i === 0 ? p.text : p.joiner + p.text)).join("");
}

/** Greedy packing of pieces into windows of at most `limit` tokens, repeating up to `overlap` tokens. */
function pack(pieces: Piece[], limit: number, overlap: number): Piece[][] {
  const windows: Piece[][] = [];
  let current: Piece[] = [];
  let size = 0;
  for (const piece of pieces) {
    if (current.length > 0 && size + piece.tokens > limit) {
      windows.push(current);
      const carried: Piece[] = [];
      let carriedSize = 0;
      for (let i = current.length - 1; i >= 0; i--) {
        const candidate = current[i]!;
        if (carriedSize + candidate.tokens > overlap || carriedSize + candidate.tokens + piece.tokens > limit)
          break;
        carried.unshift(candidate);
        carriedSize += candidate.tokens;
      }
      current = carried;
      size = carriedSize;
    }
    current.push(piece);
    size += piece.tokens;
  }
  if (current.length > 0) windows.push(current);
  return windows;
}

function chunkSection(section: Section, options: Required<ChunkOptions>): TextChunk[] {
  const count = options.countTokens;
  const context =
    options.headingContext && section.headingPath.length > 0 ? section.headingPath.join(" › ") : "";
  const contextTokens = context ? count(context) + 1 : 0;
  const limit = Math.max(16, options.chunkSize - contextTokens);
  const overlap = Math.min(options.overlap, Math.floor(limit / 2));
  const windows = pack(splitRecursive(section.text, limit, count), limit, overlap);
  const lastHeading = section.headingPath.at(-1) ?? "";
  return windows.map((window) => {
    const body = join(window);
    const startsWithHeading = lastHeading !== "" && body.replace(/^#+\s*/, "").startsWith(lastHeading);
    const content = context && !startsWithHeading ? `${context}\n${body}` : body;
    const metadata: ChunkMetadata = { headingPath: section.headingPath };
    if (section.page !== undefined) metadata.page = section.page;
    return { content, tokenCount: count(content), metadata };
  });
}

/**
 * Token-aware recursive chunking: sections by heading (or page), then paragraphs, lines, sentences and
 * words, packed up to `chunkSize` tokens with `overlap` tokens repeated between neighbours. Chunks never
 * cross a section or page boundary, so each has one heading path and one page.
 */
export function chunkDocument(source: ChunkSource, options: Partial<ChunkOptions> = {}): TextChunk[] {
  const resolved: Required<ChunkOptions> = {
    ...DEFAULT_CHUNK_OPTIONS,
    countTokens: approximateTokens,
    headingContext: true,
    ...options,
  } as Required<ChunkOptions>;
  if (resolved.chunkSize < 16) throw new RangeError("chunkSize must be at least 16 tokens");
  return toSections(source).flatMap((section) => chunkSection(section, resolved));
}
