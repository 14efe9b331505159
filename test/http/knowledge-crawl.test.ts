import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeWebSite } from "../fakes/web-site.js";
import { call, createKnowledgeBase, drain, search, signUp, useKnowledgeApp } from "./knowledge-helpers.js";

/** Web sources over HTTP: a crawl of a local site, re-crawls that re-ingest only changed pages, schedules. */
describe("web sources", () => {
  const t = useKnowledgeApp();
  const site = new FakeWebSite();
  const other = new FakeWebSite();

  beforeAll(async () => {
    await other.start();
    other.html("/", "Elsewhere", "<p>Never crawled.</p>");
    await site.start();
    site
      .respond("/robots.txt", 200, "text/plain", "User-agent: *\nDisallow: /private\n")
      .html(
        "/",
        "Intranet",
        `<p>Welcome to the intranet.</p><a href="/holidays">holidays</a> <a href="/kitchen">kitchen</a>
         <a href="/old">moved</a> <a href="/loop-a">loop</a> <a href="/missing">broken</a>
         <a href="/private/salaries">salaries</a> <a href="${other.url("/")}">elsewhere</a>`,
      )
      .html(
        "/holidays",
        "Holidays",
        "<h2>Public holidays</h2><p>The office closes on the national holidays.</p>",
      )
      .html(
        "/kitchen",
        "Kitchen",
        "<h2>Dishes</h2><p>Load the dishwasher before you leave.</p><a href='/'>home</a>",
      )
      .redirect("/old", "/archive", 301)
      .html("/archive", "Archive", "<p>Old announcements live in the archive.</p>")
      .redirect("/loop-a", "/loop-b")
      .redirect("/loop-b", "/loop-a")
      .html("/private/salaries", "Salaries", "<p>Confidential salary bands.</p>");
  });

  afterAll(async () => {
    await site.stop();
    await other.stop();
  });

  it("crawls a site into documents, then re-ingests only the pages whose content changed", async () => {
    const tenant = await signUp(t);
    const kb = await createKnowledgeBase(t, tenant.token, tenant.generalId);
    const created = await call(t, "POST", `/knowledge-bases/${kb}/web-sources`, {
      token: tenant.token,
      body: { url: site.url("/"), mode: "crawl", maxDepth: 2, maxPages: 20 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const sourceId = created.body.id;
    await drain(t);

    const source = await call(t, "GET", `/web-sources/${sourceId}`, { token: tenant.token });
    expect(source.body).toMatchObject({ lastCrawlStatus: "done", pagesCrawled: 4 });
    expect(source.body.lastCrawlError).toMatch(/failed/);
    const docs = await call(t, "GET", `/knowledge-bases/${kb}/documents?pageSize=100`, {
      token: tenant.token,
    });
    const byUrl = new Map<string, { id: string; status: string; revision: number }>(
      docs.body.items.map((d: { originalUrl: string }) => [new URL(d.originalUrl).pathname, d]),
    );
    expect([...byUrl.keys()].sort()).toEqual(["/", "/archive", "/holidays", "/kitchen"]);
    expect([...byUrl.values()].every((d) => d.status === "ready")).toBe(true);
    expect(site.requested("/private/salaries")).toBe(false);
    expect(other.requests).toEqual([]);
    const hit = await search(t, tenant.token, kb, "national holidays office closes");
    expect(hit.results[0]).toMatchObject({ documentId: byUrl.get("/holidays")!.id, citation: "[1]" });
    expect(hit.results[0]!.metadata.headingPath).toContain("Public holidays");

    site.html("/kitchen", "Kitchen", "<h2>Dishes</h2><p>Run the dishwasher on eco mode every evening.</p>");
    const again = await call(t, "POST", `/web-sources/${sourceId}/crawl`, { token: tenant.token });
    expect(again.status).toBe(202);
    const duplicate = await call(t, "POST", `/web-sources/${sourceId}/crawl`, { token: tenant.token });
    expect(duplicate.body).toEqual({ jobId: again.body.jobId, created: false });
    await drain(t);

    const after = await call(t, "GET", `/knowledge-bases/${kb}/documents?pageSize=100`, {
      token: tenant.token,
    });
    const revisions = Object.fromEntries(
      after.body.items.map((d: { originalUrl: string; revision: number }) => [
        new URL(d.originalUrl).pathname,
        d.revision,
      ]),
    );
    expect(revisions).toEqual({ "/": 1, "/archive": 1, "/holidays": 1, "/kitchen": 2 });
    const lastCrawl = (await call(t, "GET", `/web-sources/${sourceId}`, { token: tenant.token })).body.config
      .lastCrawl;
    expect(lastCrawl).toMatchObject({ pages: 4, changed: 1, unchanged: 3 });
    const eco = await search(t, tenant.token, kb, "dishwasher eco mode", { mode: "fulltext" });
    expect(eco.results[0]?.documentId).toBe(byUrl.get("/kitchen")!.id);
    const stale = await search(t, tenant.token, kb, "before you leave", { mode: "fulltext" });
    expect(stale.results.map((r) => r.content).join(" ")).not.toContain("before you leave");
  });

  it("crawls a single page, and re-crawls on schedule once the next run is due", async () => {
    const tenant = await signUp(t);
    const kb = await createKnowledgeBase(t, tenant.token, tenant.generalId);
    const bad = await call(t, "POST", `/knowledge-bases/${kb}/web-sources`, {
      token: tenant.token,
      body: { url: site.url("/kitchen"), mode: "single", schedule: "* * * * *" },
    });
    expect(bad.status).toBe(400);
    const created = await call(t, "POST", `/knowledge-bases/${kb}/web-sources`, {
      token: tenant.token,
      body: { url: site.url("/holidays"), mode: "single", schedule: "0 3 * * *" },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(new Date(created.body.nextRunAt).getTime()).toBeGreaterThan(Date.now());
    await drain(t);
    const docs = await call(t, "GET", `/knowledge-bases/${kb}/documents`, { token: tenant.token });
    expect(docs.body.items.map((d: { title: string }) => d.title)).toEqual(["Holidays"]);

    const { repositories } = t.context.container;
    await repositories.webSources.update(created.body.id, { nextRunAt: new Date(Date.now() - 1000) });
    site.html("/holidays", "Holidays", "<p>The office also closes between Christmas and New Year.</p>");
    await drain(t);
    const source = (await call(t, "GET", `/web-sources/${created.body.id}`, { token: tenant.token })).body;
    expect(new Date(source.nextRunAt).getTime()).toBeGreaterThan(Date.now());
    expect(source.config.lastCrawl).toMatchObject({ pages: 1, changed: 1 });
    const christmas = await search(t, tenant.token, kb, "Christmas New Year", { mode: "fulltext" });
    expect(christmas.results).toHaveLength(1);
    expect((await call(t, "DELETE", `/web-sources/${created.body.id}`, { token: tenant.token })).status).toBe(
      204,
    );
    expect(
      (await call(t, "GET", `/knowledge-bases/${kb}/documents`, { token: tenant.token })).body.total,
    ).toBe(0);
  });
});
