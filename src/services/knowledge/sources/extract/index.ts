import { readCsv } from "./csv.js";
import { type DetectedType, detectType } from "./detect.js";
import { readDocx } from "./docx.js";
import { ExtractionError, isExtractionError } from "./errors.js";
import { readHtml } from "./html.js";
import { readImage } from "./image.js";
import { readMarkdown } from "./markdown.js";
import { readPdf } from "./pdf.js";
import { assertWithinChars, decodeText, metaCharset, normaliseText } from "./text.js";
import { type ExtractedDocument, type ExtractInput, type ReaderContext, resolveLimits } from "./types.js";

export { type DetectedType, detectType, sniff } from "./detect.js";
export {
  ExtractionError,
  type ExtractionErrorCode,
  extractionErrorCodes,
  isExtractionError,
} from "./errors.js";
export { type HtmlContent, readHtml } from "./html.js";
export { decodeText, metaCharset, normaliseText } from "./text.js";
export * from "./types.js";

const labels: Record<string, string> = {
  pdf: "PDF",
  docx: "Word document",
  txt: "text file",
  md: "Markdown file",
  html: "HTML file",
  csv: "table file",
  image: "image",
};

/**
 * Reads an uploaded file into text and structure. Never throws anything but an ExtractionError: library
 * failures become CORRUPT, the time budget becomes TIMEOUT, and the size, page and character limits
 * become TOO_LARGE, so a pipeline can store `error.code` and `error.message` on the document as they are.
 */
export async function extractDocument(input: ExtractInput): Promise<ExtractedDocument> {
  const limits = resolveLimits(input.limits);
  if (input.data.length > limits.maxBytes) {
    throw new ExtractionError(
      "TOO_LARGE",
      `The file is ${formatMiB(input.data.length)}; the limit is ${formatMiB(limits.maxBytes)}.`,
    );
  }
  if (input.data.length === 0) throw new ExtractionError("EMPTY", "The file is empty.");
  const detected = detectType(input.filename, input.mediaType, input.data);

  const budget = new AbortController();
  const timer = setTimeout(
    () => budget.abort(new ExtractionError("TIMEOUT", `Reading the ${labels[detected.type]} took too long.`)),
    limits.timeoutMs,
  );
  const signal = input.signal ? AbortSignal.any([budget.signal, input.signal]) : budget.signal;
  const context: ReaderContext = { filename: input.filename, limits, ocr: input.ocr ?? {}, signal };
  const aborted = new Promise<never>((_, reject) => {
    const fail = () => reject(timeoutOrCancel(signal));
    if (signal.aborted) fail();
    else signal.addEventListener("abort", fail, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    const document = await Promise.race([read(detected, input.data, context), aborted]);
    assertWithinChars(document.text.length, limits.maxChars);
    if (!document.text.trim())
      throw new ExtractionError("EMPTY", `The ${labels[detected.type]} contains no text.`);
    document.metadata = withoutUndefined({ ...document.metadata, characters: document.text.length });
    return document;
  } catch (error) {
    if (isExtractionError(error)) throw error;
    throw new ExtractionError(
      "CORRUPT",
      `The ${labels[detected.type]} could not be read: the file is damaged or uses an unsupported feature.`,
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
}

async function read(
  detected: DetectedType,
  data: Buffer,
  context: ReaderContext,
): Promise<ExtractedDocument> {
  const { mediaType } = detected;
  switch (detected.type) {
    case "pdf":
      return readPdf(data, context);
    case "docx":
      return readDocx(data, context);
    case "image":
      return readImage(data, detected.sniffed.kind === "image" ? detected.sniffed.format : "png", context);
    case "csv": {
      const csv = readCsv(decodeText(data), detected.delimiter ?? ",", context.limits.maxChars);
      return { type: "csv", mediaType, text: csv.text, table: csv.table, metadata: tableMetadata(csv) };
    }
    case "md": {
      const markdown = readMarkdown(decodeText(data));
      const { title, text, sections, frontMatter } = markdown;
      return { type: "md", mediaType, title, text, sections, metadata: { frontMatter } };
    }
    case "html": {
      const source = decodeText(data, metaCharset(data));
      const html = readHtml(source);
      const { title, text, sections } = html;
      const metadata = {
        canonicalUrl: html.canonicalUrl,
        language: html.language,
        description: html.description,
      };
      return { type: "html", mediaType, title, text, sections, metadata };
    }
    case "txt":
      return { type: "txt", mediaType, text: normaliseText(decodeText(data)), metadata: {} };
  }
}

function tableMetadata(csv: ReturnType<typeof readCsv>): Record<string, unknown> {
  return { delimiter: csv.delimiter, columns: csv.table.header.length, rows: csv.table.rows.length };
}

function timeoutOrCancel(signal: AbortSignal): ExtractionError {
  const reason: unknown = signal.reason;
  return isExtractionError(reason)
    ? reason
    : new ExtractionError("TIMEOUT", "Reading the file was cancelled.");
}

function withoutUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

function formatMiB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
