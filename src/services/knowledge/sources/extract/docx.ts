import mammoth from "mammoth";
import { ExtractionError, throwIfAborted } from "./errors.js";
import { readHtml } from "./html.js";
import { assertWithinChars, collapseWhitespace } from "./text.js";
import type { ExtractedDocument, ReaderContext } from "./types.js";
import { inspectZip, readEntry } from "./zip.js";

/** Images are not inlined as data: URIs (only their alt text is read), which keeps the HTML small. */
const skipImages = mammoth.images.imgElement(async () => ({ src: "" }));

/**
 * DOCX through mammoth's semantic HTML (Word heading styles become <h1>…<h6>), then the HTML reader,
 * so headings become sections exactly as for web pages. The archive is inspected first (see zip.ts):
 * mammoth inflates with JSZip, which trusts the archive, so nothing reaches it unchecked.
 */
export async function readDocx(data: Buffer, context: ReaderContext): Promise<ExtractedDocument> {
  const entries = inspectZip(data, context.limits.zip);
  const body = entries.get("word/document.xml");
  if (!body) {
    throw new ExtractionError(
      "TYPE_MISMATCH",
      "The file is named .docx but is not a Word document (it is another kind of ZIP archive).",
    );
  }
  throwIfAborted(context.signal);
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: data },
      { convertImage: skipImages, externalFileAccess: false, ignoreEmptyParagraphs: true },
    );
    html = result.value;
  } catch (error) {
    throw new ExtractionError("CORRUPT", "The Word document could not be read: the file is damaged.", {
      cause: error,
    });
  }
  throwIfAborted(context.signal);
  assertWithinChars(html.length / 2, context.limits.maxChars);
  const content = readHtml(html);
  const core = entries.get("docProps/core.xml");
  const properties = core ? coreProperties(readEntry(data, core).toString("utf8")) : {};
  return {
    type: "docx",
    mediaType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    title: properties.title ?? content.title,
    text: content.text,
    sections: content.sections,
    metadata: {
      author: properties.creator,
      subject: properties.subject,
      description: properties.description,
      created: properties.created,
      modified: properties.modified,
    },
  };
}

/** Dublin Core properties from docProps/core.xml (title, creator…), entity-decoded. */
function coreProperties(xml: string): Record<string, string | undefined> {
  const read = (tag: string) => {
    const match = new RegExp(`<(?:\\w+:)?${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:\\w+:)?${tag}>`).exec(xml);
    const value = match?.[1] ? collapseWhitespace(decodeXml(match[1])) : "";
    return value || undefined;
  };
  return {
    title: read("title"),
    creator: read("creator"),
    subject: read("subject"),
    description: read("description"),
    created: read("created"),
    modified: read("modified"),
  };
}

function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCodePoint(Number.parseInt(code, 16)))
    .replace(/&amp;/g, "&");
}
