import type { Db } from "../../../db/client.js";
import { withTransaction } from "../../../db/transaction.js";
import type { JobQueue } from "../../../jobs/queue.js";
import { newId } from "../../../lib/ids.js";
import type { Logger } from "../../../lib/logger.js";
import { type BlobStorage, blobKey } from "../../../providers/storage/index.js";
import type { DocumentRow } from "../../../repositories/document.repository.js";
import type { Repositories } from "../../../repositories/index.js";
import type { WebSourceRow } from "../../../repositories/web-source.repository.js";
import type { StoredPage } from "../ingestion/index.js";
import { enqueueIngest } from "../sources/index.js";
import { crawl } from "./crawler.js";
import type { CrawledPage, CrawlSummary, FetchLike } from "./types.js";

export interface CrawlDeps {
  db: Db;
  repositories: Pick<Repositories, "webSources" | "documents">;
  queue: JobQueue;
  storage: BlobStorage;
  /** CRAWL_ALLOW_PRIVATE_NETWORKS: intranet crawling; off by default (SSRF protection). */
  allowPrivateNetworks: boolean;
  fetch?: FetchLike | undefined;
}

export type CrawlOutcome =
  | { status: "skipped"; reason: "gone" | "disabled" }
  | {
      status: "done" | "failed";
      pages: number;
      changed: number;
      unchanged: number;
      failures: number;
      skipped: number;
    };

/**
 * The `web_source.crawl` job: crawls the source with the crawler (same origin, robots.txt, sitemaps,
 * limits) and keeps one document per canonical URL. A page whose content hash is unchanged is left
 * alone; a new or changed page gets its text stored and an ingest job queued, each page in its own
 * transaction so progress survives a crash mid-crawl.
 */
export function createWebSourceCrawler(deps: CrawlDeps) {
  const r = deps.repositories;

  async function savePage(source: WebSourceRow, page: CrawledPage, existing: DocumentRow | undefined) {
    const id = existing?.id ?? newId();
    const stored: StoredPage = { url: page.url, title: page.title, text: page.text, sections: page.sections };
    const storageKey = blobKey(
      "orgs",
      source.orgId,
      "documents",
      id,
      `page-${page.contentHash.slice(0, 16)}.json`,
    );
    await deps.storage.put(storageKey, Buffer.from(JSON.stringify(stored)), {
      contentType: "application/json",
    });
    await withTransaction(deps.db, async (tx) => {
      const revision = (existing?.revision ?? 0) + 1;
      const values = {
        title: page.title?.trim() || page.canonicalUrl,
        type: "url" as const,
        sourceKind: "web" as const,
        status: "pending" as const,
        error: null,
        originalUrl: page.canonicalUrl,
        storageKey,
        mimeType: page.contentType,
        sizeBytes: Buffer.byteLength(page.text),
        content: page.text,
        revision,
        progress: { stage: "queued" as const },
        metadata: {
          ...existing?.metadata,
          crawlHash: page.contentHash,
          url: page.url,
          depth: page.depth,
          crawledAt: new Date().toISOString(),
        },
      };
      const doc = existing
        ? (await r.documents.update(id, values, tx))!
        : await r.documents.create(
            {
              id,
              orgId: source.orgId,
              departmentId: source.departmentId,
              knowledgeBaseId: source.knowledgeBaseId,
              webSourceId: source.id,
              ...values,
            },
            tx,
          );
      await enqueueIngest(deps.queue, tx, doc, revision);
    });
    if (existing?.storageKey && existing.storageKey !== storageKey) {
      await deps.storage.delete(existing.storageKey).catch(() => undefined);
    }
  }

  return {
    async crawlSource(
      webSourceId: string,
      run: { signal: AbortSignal; logger: Logger },
    ): Promise<CrawlOutcome> {
      const source = await r.webSources.findById(webSourceId);
      if (!source) return { status: "skipped", reason: "gone" };
      if (!source.enabled) return { status: "skipped", reason: "disabled" };
      await r.webSources.update(source.id, { lastCrawlStatus: "running", lastCrawlError: null });
      let changed = 0;
      let unchanged = 0;
      let summary: CrawlSummary;
      try {
        summary = await crawl(
          {
            rootUrl: source.rootUrl,
            maxDepth: source.maxDepth,
            maxPages: source.maxPages,
            respectRobots: source.respectRobotsTxt,
            includeSitemap: source.maxDepth > 0,
            allowPrivateNetworks: deps.allowPrivateNetworks,
            signal: run.signal,
            ...(deps.fetch ? { fetch: deps.fetch } : {}),
          },
          async (page) => {
            const existing = await r.documents.findByOriginalUrl(source.id, page.canonicalUrl);
            if (
              existing &&
              existing.metadata.crawlHash === page.contentHash &&
              existing.status !== "failed"
            ) {
              unchanged++;
              return;
            }
            await savePage(source, page, existing);
            changed++;
          },
        );
      } catch (error) {
        await r.webSources.update(source.id, {
          lastCrawlStatus: "failed",
          lastCrawlError: (error as Error).message.slice(0, 2000),
          lastCrawledAt: new Date(),
        });
        throw error;
      }
      const failed = summary.pages === 0;
      const firstFailure = summary.failures[0];
      const outcome = {
        status: failed ? ("failed" as const) : ("done" as const),
        pages: summary.pages,
        changed,
        unchanged,
        failures: summary.failures.length,
        skipped: summary.skipped.length,
      };
      await r.webSources.update(source.id, {
        lastCrawledAt: new Date(),
        lastCrawlStatus: failed ? "failed" : "done",
        lastCrawlError: failed
          ? (firstFailure?.message ?? "No readable page was found")
          : firstFailure
            ? `${summary.failures.length} URL(s) failed, e.g. ${firstFailure.url}: ${firstFailure.message}`
            : null,
        pagesCrawled: summary.pages,
        config: {
          ...source.config,
          lastCrawl: { ...outcome, stoppedBy: summary.stoppedBy, requests: summary.requests },
        },
      });
      run.logger.info({ webSourceId, ...outcome }, "web source crawled");
      return outcome;
    },

    /** Marks the source failed when its crawl job gave up for good. */
    async recordFailure(webSourceId: string, message: string): Promise<void> {
      const source = await r.webSources.findById(webSourceId);
      if (source)
        await r.webSources.update(source.id, { lastCrawlStatus: "failed", lastCrawlError: message });
    },
  };
}

export type WebSourceCrawler = ReturnType<typeof createWebSourceCrawler>;
