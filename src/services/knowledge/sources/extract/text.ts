import { ExtractionError } from "./errors.js";

/**
 * Decodes bytes to a string: a BOM decides (UTF-8, UTF-16 LE/BE); otherwise strict UTF-8, then the
 * charset the caller knows (HTTP header or <meta charset>), then windows-1252, which never fails and is
 * what "not UTF-8" means for most legacy office text.
 */
export function decodeText(data: Uint8Array, charsetHint?: string): string {
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) return utf8(data.subarray(3), false);
  if (data[0] === 0xff && data[1] === 0xfe) return new TextDecoder("utf-16le").decode(data.subarray(2));
  if (data[0] === 0xfe && data[1] === 0xff) return new TextDecoder("utf-16be").decode(data.subarray(2));
  const hint = charsetHint?.trim().toLowerCase();
  if (hint && hint !== "utf-8" && hint !== "utf8") {
    const decoder = tryDecoder(hint);
    if (decoder) return decoder.decode(data);
  }
  try {
    return utf8(data, true);
  } catch {
    return new TextDecoder("windows-1252").decode(data);
  }
}

function utf8(data: Uint8Array, fatal: boolean): string {
  return new TextDecoder("utf-8", { fatal, ignoreBOM: true }).decode(data);
}

function tryDecoder(label: string) {
  try {
    return new TextDecoder(label);
  } catch {
    return undefined;
  }
}

/** True when the bytes look like text: no NUL bytes and few control characters in the first 8 KiB. */
export function looksLikeText(data: Uint8Array): boolean {
  if (data[0] === 0xff && data[1] === 0xfe) return true;
  if (data[0] === 0xfe && data[1] === 0xff) return true;
  const sample = data.subarray(0, 8192);
  let control = 0;
  for (const byte of sample) {
    if (byte === 0) return false;
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) control++;
  }
  return control <= sample.length * 0.02;
}

// Control characters other than tab and newline (CR is folded into newline first).
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** Unicode NFC, \n line endings, no control characters, trailing spaces trimmed, at most one blank line. */
export function normaliseText(text: string): string {
  return text
    .normalize("NFC")
    .replace(/\r\n?/g, "\n")
    .replace(/\f/g, "\n")
    .replace(CONTROL, "")
    .replace(/\u00a0/g, " ")
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** Collapses all whitespace to single spaces: headings, titles and table cells. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

export function assertWithinChars(length: number, maxChars: number): void {
  if (length > maxChars) {
    throw new ExtractionError(
      "TOO_LARGE",
      `The file contains more text than allowed (over ${maxChars.toLocaleString("en")} characters).`,
    );
  }
}

/** The charset an HTML file declares for itself in its first KiB, used when it is not valid UTF-8. */
export function metaCharset(data: Uint8Array): string | undefined {
  const head = Buffer.from(data.subarray(0, 1024)).toString("latin1");
  return /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head)?.[1];
}
