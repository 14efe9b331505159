import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { isBlockedAddress } from "../../src/lib/outbound/ssrf.js";
import {
  type CrawledPage,
  crawl,
  type FetchLike,
  normaliseUrl,
  parseRobots,
  parseSitemap,
} from "../../src/services/knowledge/crawl/index.js";

describe("robots.txt (RFC 9309)", () => {
  const robots = parseRobots(
    [
      "# comment",
      "User-agent: *",
      "Disallow: /private",
      "Allow: /private/open",
      "Disallow: /*.pdf$",
      "Disallow: /search?",
      "Crawl-delay: 2",
      "",
      "User-agent: AtriumBot",
      "User-agent: SomethingElse",
      "Disallow: /drafts/",
      "Allow: /drafts/public",
      "Disallow: /tmp",
      "Allow: /tmp",
      "Sitemap: https://intranet.example/sitemap-pages.xml",
    ].join("\n"),
    "AtriumBot/1.0 (+https://atrium.example)",
  );
  const star = parseRobots(
    "User-agent: *\nDisallow: /private\nAllow: /private/open\nDisallow: /*.pdf$\nCrawl-delay: 2",
    "Other",
  );

  it("picks the group naming the crawler's product token over *, and merges none of *'s rules into it", () => {
    expect(robots.isAllowed("https://intranet.example/private/x")).toBe(true);
    expect(robots.isAllowed("https://intranet.example/drafts/plan")).toBe(false);
    expect(robots.isAllowed("https://intranet.example/drafts/public/plan")).toBe(true);
    expect(robots.crawlDelaySeconds).toBeUndefined();
    expect(robots.sitemaps).toEqual(["https://intranet.example/sitemap-pages.xml"]);
  });

  it("uses the longest matching rule, Allow on a tie, * wildcards and $ anchors", () => {
    expect(star.isAllowed("https://x.example/private")).toBe(false);
    expect(star.isAllowed("https://x.example/private/open/page")).toBe(true);
    expect(star.isAllowed("https://x.example/files/a.pdf")).toBe(false);
    expect(star.isAllowed("https://x.example/files/a.pdf?v=2")).toBe(true);
    expect(star.isAllowed("https://x.example/public")).toBe(true);
    expect(robots.isAllowed("https://intranet.example/tmp/a")).toBe(true);
    expect(star.crawlDelaySeconds).toBe(2);
  });

  it("always allows /robots.txt itself and treats an empty Disallow as no rule", () => {
    expect(parseRobots("User-agent: *\nDisallow: /", "a").isAllowed("https://x.example/robots.txt")).toBe(
      true,
    );
    expect(parseRobots("User-agent: *\nDisallow:", "a").isAllowed("https://x.example/anything")).toBe(true);
  });
});

describe("URL normalisation", () => {
  it.each([
    ["HTTP://Intranet.EXAMPLE:80/a/../b/?q=1#frag", "http://intranet.example/b/?q=1"],
    ["https://intranet.example:443", "https://intranet.example/"],
    ["https://user:pw@intranet.example/x?", "https://intranet.example/x"],
    ["https://intranet.example/x?b=2&a=1", "https://intranet.example/x?b=2&a=1"],
  ])("%s → %s", (input, expected) => {
    expect(normaliseUrl(input)).toBe(expected);
  });

  it("resolves relative links and drops non-http schemes", () => {
    expect(normaliseUrl("../c", "https://x.example/a/b/")).toBe("https://x.example/a/c");
    expect(normaliseUrl("mailto:it@x.example")).toBeUndefined();
    expect(normaliseUrl("javascript:alert(1)", "https://x.example/")).toBeUndefined();
    expect(normaliseUrl("http://[::1")).toBeUndefined();
  });
});

describe("private address detection", () => {
  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "172.20.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "fd00::1",
    "fe80::1",
    "::ffff:127.0.0.1",
    "[::1]",
    "not-an-ip",
  ])("%s is blocked", (address) => expect(isBlockedAddress(address)).toBe(true));
  it.each(["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])("%s is public", (address) =>
    expect(isBlockedAddress(address)).toBe(false),
  );
});

describe("sitemaps", () => {
  it("reads urlsets, sitemap indexes and gzipped sitemaps, decoding entities", () => {
    const urlset = `<urlset><url><loc> https://x.example/a?b=1&amp;c=2 </loc></url><url><loc><![CDATA[https://x.example/c]]></loc></url></urlset>`;
    expect(parseSitemap(Buffer.from(urlset), 1e6)).toEqual({
      urls: ["https://x.example/a?b=1&c=2", "https://x.example/c"],
      sitemaps: [],
    });
    const index = `<sitemapindex><sitemap><loc>https://x.example/s1.xml</loc></sitemap></sitemapindex>`;
    expect(parseSitemap(gzipSync(index), 1e6)).toEqual({ urls: [], sitemaps: ["https://x.example/s1.xml"] });
    expect(parseSitemap(gzipSync(Buffer.alloc(2e6)), 1e6)).toEqual({ urls: [], sitemaps: [] });
  });
});

/** A site served by an injected fetch: no sockets, full control over headers and body timing. */
function fakeFetch(routes: Record<string, () => Response>): { fetch: FetchLike; calls: string[] } {
  const calls: string[] = [];
  const fetch: FetchLike = async (url) => {
    calls.push(new URL(url).pathname);
    const route = routes[new URL(url).pathname];
    return route ? route() : new Response("not found", { status: 404 });
  };
  return { fetch, calls };
}

const html = (body: string, headers: Record<string, string> = {}) =>
  new Response(`<html><body>${body}</body></html>`, { headers: { "content-type": "text/html", ...headers } });

describe("crawl with an injected fetch", () => {
  it("follows at most maxRedirects hops, refuses declared-oversize bodies unread, and times out slow bodies", async () => {
    let bodyCancelled = false;
    const { fetch, calls } = fakeFetch({
      "/": () =>
        html('<a href="/hop0">r</a><a href="/huge">h</a><a href="/trickle">t</a><a href="/binary">b</a>'),
      ...Object.fromEntries(
        Array.from({ length: 4 }, (_, i) => [
          `/hop${i}`,
          () => new Response(null, { status: 301, headers: { location: `/hop${i + 1}` } }),
        ]),
      ),
      "/huge": () =>
        new Response(
          new ReadableStream({
            cancel: () => {
              bodyCancelled = true;
            },
          }),
          {
            headers: { "content-type": "text/html", "content-length": "999999999" },
          },
        ),
      "/trickle": () =>
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode("<p>first bytes"));
            },
          }),
          { headers: { "content-type": "text/html" } },
        ),
      // No content type and NUL bytes: not text, whatever the extension-less URL suggests.
      "/binary": () => new Response(new Uint8Array([0, 1, 2, 0])),
    });
    const pages: CrawledPage[] = [];
    const summary = await crawl(
      {
        rootUrl: "https://docs.example.test/",
        fetch,
        maxRedirects: 2,
        timeoutMs: 300,
        maxBytes: 1000,
        allowPrivateNetworks: true,
        includeSitemap: false,
      },
      (page) => void pages.push(page),
    );
    expect(pages.map((page) => page.url)).toEqual(["https://docs.example.test/"]);
    const codes = Object.fromEntries(
      summary.failures.map((failure) => [new URL(failure.url).pathname, failure.code]),
    );
    expect(codes).toEqual({ "/hop0": "TOO_MANY_REDIRECTS", "/huge": "TOO_LARGE", "/trickle": "TIMEOUT" });
    expect(bodyCancelled).toBe(true);
    expect(calls.filter((path) => path.startsWith("/hop"))).toEqual(["/hop0", "/hop1", "/hop2"]);
    expect(summary.skipped).toEqual([
      {
        url: "https://docs.example.test/binary",
        depth: 1,
        reason: "UNSUPPORTED_CONTENT_TYPE",
        detail: "unknown binary",
      },
    ]);
  });

  it("honours Crawl-delay between requests, capped by maxCrawlDelayMs", async () => {
    const { fetch } = fakeFetch({
      "/robots.txt": () =>
        new Response("User-agent: *\nCrawl-delay: 30", { headers: { "content-type": "text/plain" } }),
      "/": () => html('<p>home</p><a href="/a">a</a>'),
      "/a": () => html("<p>a</p>"),
    });
    const started = Date.now();
    const summary = await crawl(
      {
        rootUrl: "https://docs.example.test/",
        fetch,
        maxCrawlDelayMs: 250,
        allowPrivateNetworks: true,
        includeSitemap: false,
      },
      () => undefined,
    );
    expect(summary.pages).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("rejects a root that is not an absolute http(s) URL", async () => {
    await expect(crawl({ rootUrl: "file:///etc/passwd" }, () => undefined)).rejects.toMatchObject({
      code: "VALIDATION",
    });
  });
});
