/** The kinds of source file Atrium reads. TSV files are `csv` with `metadata.delimiter = "\t"`. */
export type ExtractedType = "pdf" | "docx" | "txt" | "md" | "html" | "csv" | "image";

export interface ExtractedPage {
  /** 1-based page number, as printed by PDF readers. */
  number: number;
  text: string;
}

export interface ExtractedSection {
  /** Headings from the outermost to the one that opens this section; empty before the first heading. */
  headingPath: string[];
  /** The section's body text, without its heading line. */
  text: string;
}

export interface ExtractedTable {
  header: string[];
  rows: string[][];
}

/**
 * What the chunker receives. `text` is always the whole readable text (headings included); `pages`,
 * `sections` and `table` add structure where the format has it, so chunks can carry a page number or a
 * heading path, and tables can be chunked by row groups with the header repeated.
 */
export interface ExtractedDocument {
  type: ExtractedType;
  /** The media type Atrium detected from the content (not the one the client claimed). */
  mediaType: string;
  title?: string | undefined;
  text: string;
  pages?: ExtractedPage[] | undefined;
  sections?: ExtractedSection[] | undefined;
  table?: ExtractedTable | undefined;
  /** Format-specific facts (author, page count, delimiter, canonical URL, OCR language…). JSON-safe. */
  metadata: Record<string, unknown>;
}

export interface ZipLimits {
  /** Most entries an archive (DOCX) may list. */
  maxEntries: number;
  /** Most bytes all entries may inflate to, as declared and as actually inflated. */
  maxUncompressedBytes: number;
  /** Highest inflated/compressed ratio for the archive and for any entry over 1 MiB. */
  maxRatio: number;
}

export interface ExtractionLimits {
  /** Largest input accepted, in bytes. */
  maxBytes: number;
  /** Most PDF pages read; a longer PDF fails with TOO_LARGE rather than being silently cut. */
  maxPages: number;
  /** Most characters of extracted text (after normalisation). */
  maxChars: number;
  /** Most pixels (width × height) of an image handed to OCR. */
  maxImagePixels: number;
  /** Wall-clock budget for one document (OCR process included). */
  timeoutMs: number;
  zip: ZipLimits;
}

export const defaultExtractionLimits: ExtractionLimits = {
  maxBytes: 50 * 1024 * 1024,
  maxPages: 2_000,
  maxChars: 10_000_000,
  maxImagePixels: 50_000_000,
  timeoutMs: 120_000,
  zip: { maxEntries: 5_000, maxUncompressedBytes: 300 * 1024 * 1024, maxRatio: 200 },
};

export interface OcrOptions {
  /** The tesseract executable (looked up on PATH). */
  command?: string | undefined;
  /** Tesseract language codes joined by "+", e.g. "eng+deu". */
  languages?: string | undefined;
  /** Environment of the OCR process; defaults to this process's environment. */
  env?: NodeJS.ProcessEnv | undefined;
}

export interface ExtractInput {
  /** The name the file was uploaded with; its extension is the declared type. */
  filename: string;
  /** The media type the client sent, used only when the filename has no known extension. */
  mediaType?: string | undefined;
  data: Buffer;
  limits?: Partial<Omit<ExtractionLimits, "zip">> & { zip?: Partial<ZipLimits> | undefined };
  ocr?: OcrOptions | undefined;
  /** Cancels the extraction (e.g. when the job's lease is lost). */
  signal?: AbortSignal | undefined;
}

/** What each format reader receives once the type has been decided. */
export interface ReaderContext {
  filename: string;
  limits: ExtractionLimits;
  ocr: OcrOptions;
  signal: AbortSignal;
}

export function resolveLimits(partial: ExtractInput["limits"]): ExtractionLimits {
  return {
    ...defaultExtractionLimits,
    ...stripUndefined(partial ?? {}),
    zip: { ...defaultExtractionLimits.zip, ...stripUndefined(partial?.zip ?? {}) },
  } as ExtractionLimits;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
