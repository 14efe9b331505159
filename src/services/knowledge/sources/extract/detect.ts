import { extname } from "node:path";
import { ExtractionError } from "./errors.js";
import { looksLikeText } from "./text.js";
import type { ExtractedType } from "./types.js";

/** What the bytes are, from their magic numbers. */
export type Sniffed =
  | { kind: "pdf" }
  | { kind: "zip" }
  | { kind: "image"; format: "png" | "jpeg" | "tiff" | "webp" }
  | { kind: "text" }
  | { kind: "binary"; description: string };

export interface DetectedType {
  type: ExtractedType;
  mediaType: string;
  /** Set for CSV and TSV. */
  delimiter?: string | undefined;
  sniffed: Sniffed;
}

const byExtension: Record<string, ExtractedType> = {
  ".pdf": "pdf",
  ".docx": "docx",
  ".txt": "txt",
  ".text": "txt",
  ".log": "txt",
  ".md": "md",
  ".markdown": "md",
  ".html": "html",
  ".htm": "html",
  ".xhtml": "html",
  ".csv": "csv",
  ".tsv": "csv",
  ".tab": "csv",
  ".png": "image",
  ".jpg": "image",
  ".jpeg": "image",
  ".tif": "image",
  ".tiff": "image",
  ".webp": "image",
};

const byMediaType: Record<string, ExtractedType> = {
  "application/pdf": "pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "text/plain": "txt",
  "text/markdown": "md",
  "text/x-markdown": "md",
  "text/html": "html",
  "application/xhtml+xml": "html",
  "text/csv": "csv",
  "text/tab-separated-values": "csv",
  "image/png": "image",
  "image/jpeg": "image",
  "image/tiff": "image",
  "image/webp": "image",
};

const textMediaTypes: Record<string, string> = {
  txt: "text/plain",
  md: "text/markdown",
  html: "text/html",
  csv: "text/csv",
};

const otherBinaries: Array<[number[], string]> = [
  [[0xd0, 0xcf, 0x11, 0xe0], "a legacy Office file (.doc/.xls) or a password-protected Office document"],
  [[0x47, 0x49, 0x46, 0x38], "a GIF image"],
  [[0x1f, 0x8b], "a gzip archive"],
  [[0x52, 0x61, 0x72, 0x21], "a RAR archive"],
  [[0x37, 0x7a, 0xbc, 0xaf], "a 7-Zip archive"],
  [[0x7f, 0x45, 0x4c, 0x46], "a program (ELF)"],
  [[0x4d, 0x5a], "a Windows program"],
  [[0x25, 0x21, 0x50, 0x53], "a PostScript file"],
];

// Office stores a password-protected DOCX inside an OLE container with this (UTF-16) stream name.
const ENCRYPTED_PACKAGE = Buffer.from("EncryptedPackage", "utf16le");

function startsWith(data: Uint8Array, bytes: number[], offset = 0): boolean {
  return bytes.every((byte, i) => data[offset + i] === byte);
}

export function sniff(data: Buffer): Sniffed {
  // PDF readers accept the header anywhere in the first KiB (some files carry a preamble).
  if (data.subarray(0, 1024).includes("%PDF-")) return { kind: "pdf" };
  if (startsWith(data, [0x50, 0x4b, 0x03, 0x04]) || startsWith(data, [0x50, 0x4b, 0x05, 0x06])) {
    return { kind: "zip" };
  }
  if (startsWith(data, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { kind: "image", format: "png" };
  if (startsWith(data, [0xff, 0xd8, 0xff])) return { kind: "image", format: "jpeg" };
  if (startsWith(data, [0x49, 0x49, 0x2a, 0x00]) || startsWith(data, [0x4d, 0x4d, 0x00, 0x2a])) {
    return { kind: "image", format: "tiff" };
  }
  if (startsWith(data, [0x52, 0x49, 0x46, 0x46]) && startsWith(data, [0x57, 0x45, 0x42, 0x50], 8)) {
    return { kind: "image", format: "webp" };
  }
  for (const [magic, description] of otherBinaries) {
    if (startsWith(data, magic)) return { kind: "binary", description };
  }
  return looksLikeText(data) ? { kind: "text" } : { kind: "binary", description: "binary data" };
}

function describe(sniffed: Sniffed): string {
  switch (sniffed.kind) {
    case "pdf":
      return "a PDF";
    case "zip":
      return "a ZIP archive";
    case "image":
      return `a ${sniffed.format.toUpperCase()} image`;
    case "text":
      return "text";
    case "binary":
      return sniffed.description;
  }
}

function declaredType(
  filename: string,
  mediaType: string | undefined,
): ExtractedType | "unknown" | undefined {
  const extension = extname(filename).toLowerCase();
  if (extension) return byExtension[extension] ?? "unknown";
  const bare = mediaType?.split(";")[0]?.trim().toLowerCase();
  return bare ? byMediaType[bare] : undefined;
}

function fromContent(sniffed: Sniffed, data: Buffer): ExtractedType | undefined {
  switch (sniffed.kind) {
    case "pdf":
      return "pdf";
    case "zip":
      return "docx";
    case "image":
      return "image";
    case "text":
      return /^\s*<(!doctype html|html[\s>])/i.test(data.subarray(0, 512).toString("latin1"))
        ? "html"
        : "txt";
    default:
      return undefined;
  }
}

function fits(type: ExtractedType, sniffed: Sniffed): boolean {
  if (type === "pdf") return sniffed.kind === "pdf";
  if (type === "docx") return sniffed.kind === "zip";
  if (type === "image") return sniffed.kind === "image";
  return sniffed.kind === "text";
}

/**
 * Decides what to read the file as. The extension (or, without one, the client's media type) says what
 * the uploader meant; the magic bytes say what the file is. Both must agree: a ".pdf" that is a ZIP is
 * refused rather than guessed at, because a renamed file is either a mistake or an attack.
 */
export function detectType(filename: string, mediaType: string | undefined, data: Buffer): DetectedType {
  const sniffed = sniff(data);
  const declared = declaredType(filename, mediaType);
  const extension = extname(filename).toLowerCase();
  if (declared === "unknown") {
    throw new ExtractionError(
      "UNSUPPORTED_TYPE",
      `Files of type "${extension}" are not supported. Upload PDF, DOCX, TXT, Markdown, HTML, CSV/TSV or an image (PNG, JPEG, TIFF, WebP).`,
    );
  }
  const type = declared ?? fromContent(sniffed, data);
  if (!type) {
    throw new ExtractionError(
      "UNSUPPORTED_TYPE",
      `The file looks like ${describe(sniffed)}, which is not supported.`,
    );
  }
  if (type === "docx" && startsWith(data, [0xd0, 0xcf, 0x11, 0xe0]) && data.includes(ENCRYPTED_PACKAGE)) {
    throw new ExtractionError(
      "ENCRYPTED",
      "Password-protected Word documents are not supported: remove the password and upload the file again.",
    );
  }
  if (!fits(type, sniffed)) {
    const named = extension ? `named "${extension}"` : `sent as ${mediaType}`;
    throw new ExtractionError(
      "TYPE_MISMATCH",
      `The file is ${named} but its content is ${describe(sniffed)}. Check that it was saved in the right format.`,
    );
  }
  const tsv = extension === ".tsv" || extension === ".tab" || /tab-separated/i.test(mediaType ?? "");
  return {
    type,
    sniffed,
    delimiter: type === "csv" ? (tsv ? "\t" : ",") : undefined,
    mediaType:
      sniffed.kind === "image"
        ? `image/${sniffed.format}`
        : type === "pdf"
          ? "application/pdf"
          : type === "docx"
            ? "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            : tsv
              ? "text/tab-separated-values"
              : (textMediaTypes[type] ?? "text/plain"),
  };
}
