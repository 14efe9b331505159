import { createHash } from "node:crypto";
import { collapseWhitespace, decodeText, metaCharset, normaliseText, readHtml } from "../sources/index.js";
import { cancel, type Fetched, type Fetcher, FetchFailure } from "./fetcher.js";
import type { CrawledPage, CrawlSkip } from "./types.js";

const HTML_TYPES = new Set(["text/html", "application/xhtml+xml"]);

export type PageRead =
  | {
      page: CrawledPage;
      links: string[];
      /** <meta name="robots">: whether the page may be indexed and its links followed. */
      directives: { index: boolean; follow: boolean };
    }
  | { skip: CrawlSkip };

/**
 * Hash of the text as a reader sees it (whitespace runs collapsed), so markup or spacing changes alone do
 * not make a page "changed" for re-ingestion.
 */
export function contentHash(text: string): string {
  return createHash("sha256").update(collapseWhitespace(text)).digest("hex");
}

/**
 * Turns a final (non-redirect) response into a page: refuses error statuses and content types other than
 * HTML and plain text before reading the body, reads at most `maxBytes`, decodes by the declared charset,
 * and reduces HTML to readable text with the same reader as uploaded HTML files.
 */
export async function readPage(
  fetcher: Fetcher,
  fetched: Fetched,
  at: { url: string; requestedUrl: string; depth: number },
  maxBytes: number,
): Promise<PageRead> {
  const { response } = fetched;
  const { status } = response;
  if (status < 200 || status >= 300) {
    await cancel(response);
    throw new FetchFailure("HTTP_ERROR", `HTTP ${status}`, status);
  }
  const contentType = response.headers.get("content-type") ?? "";
  const mime = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  if (mime && !HTML_TYPES.has(mime) && mime !== "text/plain") {
    await cancel(response);
    return { skip: { url: at.url, depth: at.depth, reason: "UNSUPPORTED_CONTENT_TYPE", detail: mime } };
  }
  const body = await fetcher.readBody(fetched, maxBytes);
  const html =
    HTML_TYPES.has(mime) ||
    (!mime && /^\s*<(!doctype html|html[\s>])/i.test(body.subarray(0, 512).toString("latin1")));
  if (!mime && !html && body.includes(0)) {
    return {
      skip: { url: at.url, depth: at.depth, reason: "UNSUPPORTED_CONTENT_TYPE", detail: "unknown binary" },
    };
  }
  const charset =
    /charset\s*=\s*"?([\w-]+)/i.exec(contentType)?.[1] ?? (html ? metaCharset(body) : undefined);
  const source = decodeText(body, charset);
  const headers = {
    contentType: mime || (html ? "text/html" : "text/plain"),
    etag: response.headers.get("etag") ?? undefined,
    lastModified: response.headers.get("last-modified") ?? undefined,
  };
  const base = { url: at.url, requestedUrl: at.requestedUrl, status, depth: at.depth, ...headers };
  if (!html) {
    const text = normaliseText(source);
    return {
      page: { ...base, canonicalUrl: at.url, text, sections: [], contentHash: contentHash(text) },
      links: [],
      directives: { index: true, follow: false },
    };
  }
  const content = readHtml(source, at.url);
  return {
    page: {
      ...base,
      canonicalUrl: content.canonicalUrl ?? at.url,
      title: content.title,
      text: content.text,
      sections: content.sections,
      contentHash: contentHash(content.text),
      language: content.language,
    },
    links: content.links,
    directives: { index: !content.robots.noindex, follow: !content.robots.nofollow },
  };
}
