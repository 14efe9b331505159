import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CrawledPage, type CrawlOptions, crawl } from "../../src/services/knowledge/crawl/index.js";
import { FakeWebSite, startIntranet } from "../fakes/web-site.js";

let site: FakeWebSite;
let other: FakeWebSite;

beforeAll(async () => {
  other = await new FakeWebSite().html("/external", "External", "<p>Another origin.</p>").start();
  site = await startIntranet(other);
});
afterAll(async () => {
  await site.stop();
  await other.stop();
});

async function crawlSite(options: Partial<CrawlOptions> = {}) {
  const pages: CrawledPage[] = [];
  site.requests.length = 0;
  other.requests.length = 0;
  const summary = await crawl(
    {
      rootUrl: site.url("/"),
      maxDepth: 3,
      maxPages: 50,
      timeoutMs: 1_500,
      maxBytes: 256 * 1024,
      allowPrivateNetworks: true,
      ...options,
    },
    (page) => {
      pages.push(page);
    },
  );
  const byPath = new Map(pages.map((page) => [new URL(page.url).pathname, page]));
  return { summary, pages, byPath };
}

describe("crawl over a local intranet", () => {
  it("crawls same-origin pages within the limits and records every refusal and failure", async () => {
    const { summary, pages, byPath } = await crawlSite();
    expect([...byPath.keys()].sort()).toEqual(
      [
        "/",
        "/deep/1",
        "/deep/2",
        "/final",
        "/from-sitemap",
        "/notes.txt",
        "/page-a",
        "/page-b",
        "/private/open",
      ].sort(),
    );
    expect(summary).toMatchObject({ pages: 9, stoppedBy: "done", origin: site.origin });

    const home = byPath.get("/")!;
    expect(home).toMatchObject({
      title: "Welcome",
      status: 200,
      depth: 0,
      contentType: "text/html",
      language: "en",
    });
    expect(home.text).toContain("Intranet home.");
    expect(home.text).not.toContain("Footer text");
    expect(home.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(byPath.get("/page-a")).toMatchObject({ canonicalUrl: site.url("/page-a"), depth: 1 });
    expect(byPath.get("/final")).toMatchObject({ requestedUrl: site.url("/r1"), depth: 1, title: "Final" });
    expect(byPath.get("/from-sitemap")).toMatchObject({ depth: 1 });
    expect(byPath.get("/deep/1")).toMatchObject({ depth: 2 });
    expect(byPath.get("/notes.txt")).toMatchObject({
      text: "Plain notes\nsecond line",
      contentType: "text/plain",
    });
    expect(byPath.get("/page-a")?.sections).toEqual([
      { headingPath: ["Page A"], text: "Alpha content.\n\nBhome" },
    ]);
    expect(new Set(pages.map((page) => page.contentHash)).size).toBe(pages.length);

    const failures = Object.fromEntries(summary.failures.map((f) => [new URL(f.url).pathname, f.code]));
    expect(failures).toEqual({
      "/loop-a": "REDIRECT_LOOP",
      "/missing": "HTTP_ERROR",
      "/big": "TOO_LARGE",
      "/slow": "TIMEOUT",
    });
    expect(summary.failures.find((f) => f.code === "HTTP_ERROR")?.status).toBe(404);

    const skips = Object.fromEntries(summary.skipped.map((s) => [new URL(s.url).pathname, s.reason]));
    expect(skips).toEqual({
      "/private/hidden": "ROBOTS",
      "/private/secret": "ROBOTS",
      "/dup": "DUPLICATE_URL",
      "/mirror": "DUPLICATE_CONTENT",
      "/files/report.bin": "UNSUPPORTED_CONTENT_TYPE",
      "/redirect-away": "OFF_ORIGIN_REDIRECT",
      "/quiet": "NOINDEX",
    });

    // Disallowed, nofollow and off-origin URLs were never requested; each page was fetched once.
    for (const path of ["/private/secret", "/private/hidden", "/paid"])
      expect(site.requested(path)).toBe(false);
    expect(other.requests).toEqual([]);
    const pageRequests = site.requests.filter((path) => path !== "/robots.txt" && path !== "/sitemap.xml");
    expect(pageRequests.length).toBe(new Set(pageRequests).size);
    expect(site.requests.filter((path) => path === "/robots.txt")).toHaveLength(1);
  });

  it("single-page mode fetches only the root (and robots.txt): no links, no sitemap", async () => {
    const { summary, pages } = await crawlSite({ maxDepth: 0 });
    expect(pages.map((page) => page.url)).toEqual([site.url("/")]);
    expect(summary.failures).toEqual([]);
    expect(site.requests).toEqual(["/robots.txt", "/"]);
  });

  it("stops at maxPages and at maxDepth", async () => {
    const limited = await crawlSite({ maxPages: 3 });
    expect(limited.pages).toHaveLength(3);
    expect(limited.summary.stoppedBy).toBe("maxPages");
    const shallow = await crawlSite({ maxDepth: 1 });
    expect(shallow.byPath.has("/page-b")).toBe(true);
    expect(shallow.byPath.has("/deep/1")).toBe(false);
    expect(site.requested("/deep/1")).toBe(false);
  });

  it("obeys the robots.txt group naming its own user agent, and can be told to ignore robots.txt", async () => {
    const blocked = await crawlSite({ userAgent: "OtherBot/2.0" });
    expect(blocked.pages).toEqual([]);
    expect(blocked.summary.skipped).toEqual([{ url: site.url("/"), depth: 0, reason: "ROBOTS" }]);
    const ignoring = await crawlSite({ respectRobots: false, maxDepth: 1 });
    expect(ignoring.byPath.has("/private/secret")).toBe(true);
    expect(site.requested("/robots.txt")).toBe(false);
  });

  it("refuses loopback and private addresses unless allowed, before connecting", async () => {
    for (const rootUrl of [site.url("/"), site.url("/").replace("127.0.0.1", "localhost")]) {
      const { summary, pages } = await crawlSite({ rootUrl, allowPrivateNetworks: false });
      expect(pages).toEqual([]);
      expect(summary.failures.map((failure) => failure.code)).toContain("BLOCKED_ADDRESS");
      expect(summary.failures[0]?.message).toMatch(/private or reserved address/);
      expect(site.requests).toEqual([]);
    }
  });

  it("gives unchanged pages the same content hash and changed pages a new one (re-crawl diffing)", async () => {
    const first = await crawlSite({ maxDepth: 1 });
    const original = site.routes.get("/page-a")!;
    const originalB = site.routes.get("/page-b")!;
    site.html(
      "/page-a",
      "Page A",
      '<p>Alpha content, revised.</p><a href="/page-b">B</a><a href="/">home</a>',
    );
    // Markup and whitespace changes alone do not change the text a reader sees.
    site.html(
      "/page-b",
      "Page B",
      '<div>Bravo   content.</div>\n<a href="/page-a">A</a><a href="/deep/1">deeper</a>',
    );
    try {
      const second = await crawlSite({ maxDepth: 1 });
      const hash = (run: typeof first, path: string) => run.byPath.get(path)?.contentHash;
      expect(hash(second, "/page-a")).not.toBe(hash(first, "/page-a"));
      expect(hash(second, "/page-b")).toBe(hash(first, "/page-b"));
      expect(hash(second, "/")).toBe(hash(first, "/"));
    } finally {
      site.routes.set("/page-a", original);
      site.routes.set("/page-b", originalB);
    }
  });

  it("treats an unreachable robots.txt (HTTP 5xx) as 'crawl nothing', per RFC 9309", async () => {
    const original = site.routes.get("/robots.txt")!;
    site.respond("/robots.txt", 503, "text/plain", "busy");
    try {
      const { summary, pages } = await crawlSite();
      expect(pages).toEqual([]);
      expect(summary.failures[0]).toMatchObject({ code: "ROBOTS_UNAVAILABLE" });
      expect(site.requests).toEqual(["/robots.txt"]);
    } finally {
      site.routes.set("/robots.txt", original);
    }
  });

  it("stops when its signal is aborted and reports it", async () => {
    const controller = new AbortController();
    const pages: string[] = [];
    const summary = await crawl(
      { rootUrl: site.url("/"), allowPrivateNetworks: true, timeoutMs: 1_500, signal: controller.signal },
      (page) => {
        pages.push(page.url);
        if (pages.length === 2) controller.abort();
      },
    );
    expect(summary.stoppedBy).toBe("aborted");
    expect(pages).toHaveLength(2);
  });
});
