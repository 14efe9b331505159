import type { ExtractedSection } from "../sources/index.js";

/**
 * A WHATWG-style fetch. The crawler always calls it with `redirect: "manual"` and follows redirects
 * itself, so it can re-check origin, robots.txt and private addresses on every hop.
 */
export type FetchLike = (
  url: string,
  init: { method: "GET"; headers: Record<string, string>; redirect: "manual"; signal: AbortSignal },
) => Promise<Response>;

export interface CrawlOptions {
  rootUrl: string;
  /** 0 = single-page mode: only rootUrl (no links, no sitemap). Default 2. */
  maxDepth?: number | undefined;
  /** Most pages handed to onPage. Default 50. */
  maxPages?: number | undefined;
  /** Only same-origin crawling is supported (the origin the root URL lands on after its redirects). */
  sameOrigin?: true | undefined;
  /** Seed the crawl with the site's sitemaps (robots.txt Sitemap: lines and /sitemap.xml). Default true. */
  includeSitemap?: boolean | undefined;
  /** Obey robots.txt (RFC 9309). Default true. */
  respectRobots?: boolean | undefined;
  /** Per-request budget, headers and body included. Default 15 000 ms. */
  timeoutMs?: number | undefined;
  /** Largest response body read; larger ones are aborted mid-stream. Default 5 MiB. */
  maxBytes?: number | undefined;
  /** Default "AtriumBot/1.0"; its first token is matched against robots.txt User-agent groups. */
  userAgent?: string | undefined;
  /** Redirect hops followed per URL. Default 5. */
  maxRedirects?: number | undefined;
  /** Longest robots.txt Crawl-delay honoured, in ms (larger values are capped). Default 5 000. */
  maxCrawlDelayMs?: number | undefined;
  /** Allow loopback, private and link-local addresses (tests, intranet wikis). Default false. */
  allowPrivateNetworks?: boolean | undefined;
  /** Defaults to a node:http client that pins the checked address (see http-fetch.ts). */
  fetch?: FetchLike | undefined;
  /** Stops the crawl between requests and aborts the request in flight. */
  signal?: AbortSignal | undefined;
}

export interface CrawledPage {
  /** The URL the page was fetched from, after redirects, normalised. */
  url: string;
  /** <link rel="canonical"> when same-origin, else `url`: the identity to key a document on. */
  canonicalUrl: string;
  /** The URL as first discovered (link, sitemap or root), when redirects moved it. */
  requestedUrl: string;
  title?: string | undefined;
  text: string;
  sections: ExtractedSection[];
  /** Hex SHA-256 of the normalised text: equal hashes mean nothing to re-ingest. */
  contentHash: string;
  status: number;
  depth: number;
  contentType: string;
  language?: string | undefined;
  etag?: string | undefined;
  lastModified?: string | undefined;
}

export type CrawlFailureCode =
  | "HTTP_ERROR"
  | "TIMEOUT"
  | "TOO_LARGE"
  | "REDIRECT_LOOP"
  | "TOO_MANY_REDIRECTS"
  | "BLOCKED_ADDRESS"
  | "NETWORK"
  | "ROBOTS_UNAVAILABLE";

/** A URL that should have been a page and was not: broken links, timeouts, oversize bodies… */
export interface CrawlFailure {
  url: string;
  depth: number;
  code: CrawlFailureCode;
  status?: number | undefined;
  message: string;
}

export type CrawlSkipReason =
  | "ROBOTS"
  | "OFF_ORIGIN_REDIRECT"
  | "UNSUPPORTED_CONTENT_TYPE"
  | "DUPLICATE_URL"
  | "DUPLICATE_CONTENT"
  | "NOINDEX"
  | "EMPTY";

/** A URL deliberately not turned into a page. */
export interface CrawlSkip {
  url: string;
  depth: number;
  reason: CrawlSkipReason;
  detail?: string | undefined;
}

export interface CrawlSummary {
  rootUrl: string;
  /** The origin crawled (the root URL's, after its redirects). */
  origin: string;
  pages: number;
  /** HTTP requests made, robots.txt and sitemaps included. */
  requests: number;
  failures: CrawlFailure[];
  skipped: CrawlSkip[];
  stoppedBy: "done" | "maxPages" | "aborted";
}

export type OnPage = (page: CrawledPage) => void | Promise<void>;
