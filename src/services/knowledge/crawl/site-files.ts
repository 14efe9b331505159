import { cancel, type Fetcher, FetchFailure } from "./fetcher.js";
import { allowAll, disallowAll, parseRobots, ROBOTS_MAX_BYTES, type RobotsPolicy } from "./robots.js";
import { parseSitemap } from "./sitemap.js";
import { isSameOrigin, normaliseUrl } from "./url.js";

const MAX_SITEMAP_FILES = 10;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export interface RobotsResult {
  policy: RobotsPolicy;
  /** Why robots.txt could not be read when that means "crawl nothing" (RFC 9309 §2.3.1.4). */
  unavailable?: string | undefined;
  /** Set when the host itself is refused (private address): nothing on it can be fetched. */
  blocked?: string | undefined;
}

/**
 * Loads robots.txt for an origin per RFC 9309: 2xx → its rules; 4xx (no file) → everything allowed;
 * 5xx or unreachable → nothing allowed, since the site may be overloaded. Redirects are followed (up to
 * five hops), as the RFC asks.
 */
export async function loadRobots(fetcher: Fetcher, origin: string, userAgent: string): Promise<RobotsResult> {
  let url = `${origin}/robots.txt`;
  try {
    for (let hop = 0; hop <= 5; hop++) {
      const fetched = await fetcher.get(url, "text/plain,*/*;q=0.1");
      const { status } = fetched.response;
      const location = fetched.response.headers.get("location");
      if (REDIRECTS.has(status) && location) {
        await cancel(fetched.response);
        const next = normaliseUrl(location, url);
        if (!next) return { policy: allowAll };
        url = next;
        continue;
      }
      if (status >= 200 && status < 300) {
        const body = await fetcher.readBody(fetched, ROBOTS_MAX_BYTES * 4).catch((error: unknown) => {
          if (error instanceof FetchFailure && error.code === "TOO_LARGE") return Buffer.alloc(0);
          throw error;
        });
        return { policy: parseRobots(body.toString("utf8"), userAgent) };
      }
      await cancel(fetched.response);
      if (status >= 400 && status < 500) return { policy: allowAll };
      return { policy: disallowAll, unavailable: `robots.txt answered HTTP ${status}` };
    }
    return { policy: allowAll };
  } catch (error) {
    if (!(error instanceof FetchFailure)) throw error;
    if (error.code === "BLOCKED_ADDRESS") return { policy: disallowAll, blocked: error.message };
    return { policy: disallowAll, unavailable: `robots.txt could not be fetched (${error.message})` };
  }
}

/**
 * Page URLs from the origin's sitemaps: those named in robots.txt and /sitemap.xml, following sitemap
 * indexes, same-origin only, at most `maxUrls`. A missing or broken sitemap is simply not a source.
 */
export async function loadSitemapUrls(
  fetcher: Fetcher,
  origin: string,
  declared: string[],
  options: { maxUrls: number; maxBytes: number },
): Promise<string[]> {
  const queue = [...declared, `${origin}/sitemap.xml`]
    .map((url) => normaliseUrl(url))
    .filter((url): url is string => Boolean(url && isSameOrigin(url, origin)));
  const fetchedFiles = new Set<string>();
  const urls: string[] = [];
  while (queue.length > 0 && fetchedFiles.size < MAX_SITEMAP_FILES && urls.length < options.maxUrls) {
    const sitemapUrl = queue.shift()!;
    if (fetchedFiles.has(sitemapUrl)) continue;
    fetchedFiles.add(sitemapUrl);
    try {
      const fetched = await fetcher.get(sitemapUrl, "application/xml,text/xml,*/*;q=0.1");
      if (fetched.response.status !== 200) {
        await cancel(fetched.response);
        continue;
      }
      const parsed = parseSitemap(await fetcher.readBody(fetched, options.maxBytes), options.maxBytes);
      for (const nested of parsed.sitemaps) {
        const url = normaliseUrl(nested);
        if (url && isSameOrigin(url, origin)) queue.push(url);
      }
      for (const loc of parsed.urls) {
        const url = normaliseUrl(loc);
        if (url && isSameOrigin(url, origin) && urls.length < options.maxUrls) urls.push(url);
      }
    } catch (error) {
      if (!(error instanceof FetchFailure)) throw error;
    }
  }
  return urls;
}
