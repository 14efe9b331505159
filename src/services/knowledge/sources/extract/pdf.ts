import { getResolvedPDFJS } from "unpdf";
import { ExtractionError, throwIfAborted } from "./errors.js";
import { assertWithinChars, collapseWhitespace, normaliseText } from "./text.js";
import type { ExtractedDocument, ExtractedPage, ReaderContext } from "./types.js";

interface TextItem {
  str?: string;
  hasEOL?: boolean;
}

/**
 * Text per page through PDF.js (the serverless build bundled by `unpdf`: pure JS, no worker thread, no
 * canvas). PDFs that need a password fail with ENCRYPTED; PDFs encrypted with an empty user password
 * (owner-password "protection" against printing or copying) open in every reader and are read, with
 * `metadata.encrypted = true`.
 */
export async function readPdf(data: Buffer, context: ReaderContext): Promise<ExtractedDocument> {
  const pdfjs = await getResolvedPDFJS();
  // PDF.js takes ownership of (and may detach) the array it is given, so it gets a copy.
  const task = pdfjs.getDocument({
    data: new Uint8Array(data),
    verbosity: 0,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
  });
  const cancel = () => void task.destroy().catch(() => undefined);
  context.signal.addEventListener("abort", cancel, { once: true });
  try {
    const pdf = await task.promise.catch((error: unknown) => {
      throw translateOpenError(error);
    });
    if (pdf.numPages > context.limits.maxPages) {
      throw new ExtractionError(
        "TOO_LARGE",
        `The PDF has ${pdf.numPages} pages; the limit is ${context.limits.maxPages}.`,
      );
    }
    const { info } = (await pdf.getMetadata().catch(() => ({ info: {} }))) as {
      info: Record<string, unknown>;
    };
    const pages: ExtractedPage[] = [];
    let chars = 0;
    for (let number = 1; number <= pdf.numPages; number++) {
      throwIfAborted(context.signal);
      const page = await pdf.getPage(number);
      const content = await page.getTextContent();
      const text = normaliseText(
        (content.items as TextItem[]).map((item) => (item.str ?? "") + (item.hasEOL ? "\n" : "")).join(""),
      );
      page.cleanup();
      chars += text.length + 2;
      assertWithinChars(chars, context.limits.maxChars);
      pages.push({ number, text });
    }
    const text = pages
      .map((page) => page.text)
      .filter(Boolean)
      .join("\n\n");
    if (!text) {
      throw new ExtractionError(
        "EMPTY",
        "The PDF contains no text layer (it is probably a scan). Upload the pages as images to have them read by OCR.",
      );
    }
    return {
      type: "pdf",
      mediaType: "application/pdf",
      title: stringInfo(info.Title),
      text,
      pages,
      metadata: {
        pageCount: pdf.numPages,
        author: stringInfo(info.Author),
        subject: stringInfo(info.Subject),
        producer: stringInfo(info.Producer),
        creationDate: stringInfo(info.CreationDate),
        language: stringInfo(info.Language),
        encrypted: Boolean(info.EncryptFilterName),
      },
    };
  } finally {
    context.signal.removeEventListener("abort", cancel);
    await task.destroy().catch(() => undefined);
  }
}

function stringInfo(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() ? collapseWhitespace(value) : undefined;
}

function translateOpenError(error: unknown): ExtractionError {
  const name = (error as { name?: string } | undefined)?.name;
  if (name === "PasswordException") {
    return new ExtractionError(
      "ENCRYPTED",
      "Encrypted PDF is not supported: this PDF needs a password. Remove the password and upload it again.",
      { cause: error },
    );
  }
  return new ExtractionError("CORRUPT", "The PDF could not be read: the file is damaged or not a PDF.", {
    cause: error,
  });
}
