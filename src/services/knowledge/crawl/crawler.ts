import { setTimeout as sleep } from "node:timers/promises";
import { AppError } from "../../../lib/errors.js";
import { createPinnedFetch } from "../../../lib/outbound/pinned-fetch.js";
import { CrawlAborted, cancel, type Fetched, Fetcher, FetchFailure } from "./fetcher.js";
import { readPage } from "./page.js";
import { allowAll, type RobotsPolicy } from "./robots.js";
import { loadRobots, loadSitemapUrls } from "./site-files.js";
import type { CrawlFailure, CrawlOptions, CrawlSkip, CrawlSummary, OnPage } from "./types.js";
import { isSameOrigin, normaliseUrl, originOf } from "./url.js";

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const PAGE_ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1";
/** Bounds on work that does not produce pages (broken links, skips) and on the queue's memory. */
const ATTEMPTS_PER_PAGE = 4;
const QUEUE_PER_PAGE = 20;
const MAX_REPORTED = 1_000;

interface QueueItem {
  url: string;
  depth: number;
}

type Outcome = { fetched: Fetched; finalUrl: string } | { failure: CrawlFailure } | { skip: CrawlSkip };

/**
 * Crawls one site breadth-first, one request at a time (polite by construction), and hands each readable
 * page to `onPage` as it is found. Broken links, timeouts and refusals are recorded in the summary and
 * never stop the crawl; an error thrown by `onPage` does (the caller's storage failing is not a page
 * problem). Pages are identified by normalised URL and canonical URL, and de-duplicated by content hash.
 */
export async function crawl(options: CrawlOptions, onPage: OnPage): Promise<CrawlSummary> {
  const root = normaliseUrl(options.rootUrl);
  if (!root) throw new AppError("VALIDATION", "The crawl root must be an absolute http(s) URL");
  return new Crawl(options, root, onPage).run();
}

class Crawl {
  private readonly maxDepth: number;
  private readonly maxPages: number;
  private readonly maxBytes: number;
  private readonly userAgent: string;
  private readonly fetcher: Fetcher;
  private readonly robots = new Map<string, RobotsPolicy>();
  /** Origins whose host resolves to a refused address, with the reason. */
  private readonly blockedOrigins = new Map<string, string>();
  private readonly seen = new Set<string>();
  private readonly emittedCanonicals = new Set<string>();
  private readonly hashes = new Map<string, string>();
  private readonly failures: CrawlFailure[] = [];
  private readonly skipped: CrawlSkip[] = [];
  private readonly queue: QueueItem[] = [];
  private origin: string;
  private pages = 0;
  private attempts = 0;
  private lastRequestAt = 0;

  constructor(
    private readonly options: CrawlOptions,
    private readonly root: string,
    private readonly onPage: OnPage,
  ) {
    this.maxDepth = Math.max(0, options.maxDepth ?? 2);
    this.maxPages = Math.max(1, options.maxPages ?? 50);
    this.maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
    this.userAgent = options.userAgent ?? "AtriumBot/1.0";
    this.origin = originOf(root);
    const policy = options.allowPrivateNetworks ? "private" : "public";
    this.fetcher = new Fetcher({
      fetch: options.fetch ?? createPinnedFetch({ policy }),
      timeoutMs: options.timeoutMs ?? 15_000,
      userAgent: this.userAgent,
      policy,
      signal: options.signal,
    });
  }

  async run(): Promise<CrawlSummary> {
    let stoppedBy: CrawlSummary["stoppedBy"] = "done";
    try {
      this.seen.add(this.root);
      this.queue.push({ url: this.root, depth: 0 });
      while (this.queue.length > 0) {
        if (this.pages >= this.maxPages || this.attempts >= this.maxPages * ATTEMPTS_PER_PAGE) {
          stoppedBy = "maxPages";
          break;
        }
        const item = this.queue.shift()!;
        this.attempts++;
        await this.visit(item);
      }
    } catch (error) {
      if (!(error instanceof CrawlAborted)) throw error;
      stoppedBy = "aborted";
    }
    return {
      rootUrl: this.root,
      origin: this.origin,
      pages: this.pages,
      requests: this.fetcher.requests,
      failures: this.failures,
      skipped: this.skipped,
      stoppedBy,
    };
  }

  private async visit(item: QueueItem): Promise<void> {
    const isRoot = item.depth === 0;
    const outcome = await this.fetchFollowingRedirects(item, isRoot);
    if ("failure" in outcome) return this.fail(outcome.failure);
    if ("skip" in outcome) return this.skip(outcome.skip);
    const { fetched, finalUrl } = outcome;
    if (isRoot) {
      // The root may land elsewhere (http → https, example.com → www.example.com): that is the site.
      this.origin = originOf(finalUrl);
    }
    let page: Awaited<ReturnType<typeof readPage>> | undefined;
    let failure: FetchFailure | undefined;
    try {
      const at = { url: finalUrl, requestedUrl: item.url, depth: item.depth };
      page = await readPage(this.fetcher, fetched, at, this.maxBytes);
    } catch (error) {
      if (!(error instanceof FetchFailure)) throw error;
      failure = error;
    }
    // Sitemaps are read once the root's body is, so its timeout does not run while they load.
    if (isRoot && this.maxDepth > 0 && this.options.includeSitemap !== false) await this.seedFromSitemaps();
    if (!page) {
      const { code, status, message } = failure!;
      return this.fail({ url: finalUrl, depth: item.depth, code, status, message });
    }
    if ("skip" in page) return this.skip(page.skip);
    const { page: result, links, directives } = page;
    const canonical = normaliseUrl(result.canonicalUrl);
    result.canonicalUrl = canonical && isSameOrigin(canonical, this.origin) ? canonical : finalUrl;
    if (this.emittedCanonicals.has(result.canonicalUrl)) {
      return this.skip({
        url: finalUrl,
        depth: item.depth,
        reason: "DUPLICATE_URL",
        detail: result.canonicalUrl,
      });
    }
    this.seen.add(result.canonicalUrl);
    if (!directives.index) {
      this.skip({ url: finalUrl, depth: item.depth, reason: "NOINDEX" });
    } else if (!result.text) {
      this.skip({ url: finalUrl, depth: item.depth, reason: "EMPTY" });
    } else {
      const firstWithHash = this.hashes.get(result.contentHash);
      if (firstWithHash) {
        return this.skip({
          url: finalUrl,
          depth: item.depth,
          reason: "DUPLICATE_CONTENT",
          detail: firstWithHash,
        });
      }
      this.hashes.set(result.contentHash, finalUrl);
      this.emittedCanonicals.add(result.canonicalUrl);
      this.pages++;
      await this.onPage(result);
    }
    if (directives.follow && item.depth < this.maxDepth) {
      for (const link of links) this.enqueue(link, item.depth + 1, finalUrl);
    }
  }

  private async fetchFollowingRedirects(item: QueueItem, isRoot: boolean): Promise<Outcome> {
    const chain = [item.url];
    let url = item.url;
    const maxRedirects = this.options.maxRedirects ?? 5;
    for (;;) {
      const robots = await this.robotsFor(url, item.depth);
      const blocked = this.blockedOrigins.get(originOf(url));
      if (blocked) return { failure: { url, depth: item.depth, code: "BLOCKED_ADDRESS", message: blocked } };
      if (!robots.isAllowed(url)) return { skip: { url, depth: item.depth, reason: "ROBOTS" } };
      await this.politeDelay(robots);
      let fetched: Fetched;
      try {
        fetched = await this.fetcher.get(url, PAGE_ACCEPT);
      } catch (error) {
        if (!(error instanceof FetchFailure)) throw error;
        return { failure: { url, depth: item.depth, code: error.code, message: error.message } };
      }
      const { status } = fetched.response;
      const location = fetched.response.headers.get("location");
      if (!REDIRECTS.has(status) || !location) return { fetched, finalUrl: url };
      await cancel(fetched.response);
      const next = normaliseUrl(location, url);
      const failure = (code: CrawlFailure["code"], message: string): Outcome => ({
        failure: { url: item.url, depth: item.depth, code, status, message },
      });
      if (!next) return failure("HTTP_ERROR", `redirect to an unusable location: ${location.slice(0, 200)}`);
      if (chain.includes(next))
        return failure("REDIRECT_LOOP", `redirect loop: ${[...chain, next].join(" → ")}`);
      if (chain.length > maxRedirects)
        return failure("TOO_MANY_REDIRECTS", `more than ${maxRedirects} redirects`);
      if (!isRoot && !isSameOrigin(next, this.origin)) {
        return { skip: { url: item.url, depth: item.depth, reason: "OFF_ORIGIN_REDIRECT", detail: next } };
      }
      if (!isRoot && this.seen.has(next)) {
        return { skip: { url: item.url, depth: item.depth, reason: "DUPLICATE_URL", detail: next } };
      }
      this.seen.add(next);
      chain.push(next);
      url = next;
    }
  }

  private async robotsFor(url: string, depth: number): Promise<RobotsPolicy> {
    if (this.options.respectRobots === false) return allowAll;
    const origin = originOf(url);
    let policy = this.robots.get(origin);
    if (!policy) {
      const loaded = await loadRobots(this.fetcher, origin, this.userAgent);
      policy = loaded.policy;
      this.robots.set(origin, policy);
      if (loaded.blocked) this.blockedOrigins.set(origin, loaded.blocked);
      if (loaded.unavailable) {
        this.fail({
          url: `${origin}/robots.txt`,
          depth,
          code: "ROBOTS_UNAVAILABLE",
          message: loaded.unavailable,
        });
      }
    }
    return policy;
  }

  private async seedFromSitemaps(): Promise<void> {
    const robots = await this.robotsFor(this.origin, 0);
    const urls = await loadSitemapUrls(this.fetcher, this.origin, robots.sitemaps, {
      maxUrls: this.maxPages * QUEUE_PER_PAGE,
      maxBytes: Math.max(this.maxBytes, 10 * 1024 * 1024),
    });
    for (const url of urls) this.enqueue(url, 1, this.origin);
  }

  private enqueue(link: string, depth: number, from: string): void {
    const url = normaliseUrl(link, from);
    if (!url || this.seen.has(url) || !isSameOrigin(url, this.origin)) return;
    if (this.queue.length >= this.maxPages * QUEUE_PER_PAGE) return;
    this.seen.add(url);
    const robots = this.robots.get(this.origin) ?? allowAll;
    if (robots.isAllowed(url)) this.queue.push({ url, depth });
    else this.skip({ url, depth, reason: "ROBOTS" });
  }

  /** Honours robots.txt Crawl-delay, capped so a hostile value cannot stall a job for hours. */
  private async politeDelay(robots: RobotsPolicy): Promise<void> {
    const seconds = robots.crawlDelaySeconds;
    if (!seconds) return;
    const wait =
      Math.min(seconds * 1000, this.options.maxCrawlDelayMs ?? 5_000) - (Date.now() - this.lastRequestAt);
    if (wait > 0) await sleep(wait, undefined, { signal: this.options.signal }).catch(() => undefined);
    this.lastRequestAt = Date.now();
  }

  private fail(failure: CrawlFailure): void {
    if (this.failures.length < MAX_REPORTED) this.failures.push(failure);
  }

  private skip(skip: CrawlSkip): void {
    if (this.skipped.length < MAX_REPORTED) this.skipped.push(skip);
  }
}
