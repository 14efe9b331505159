import { assertDepartmentVisible, requirePermission } from "../../../core/access.js";
import { withTransaction } from "../../../db/transaction.js";
import type { JobQueue } from "../../../jobs/queue.js";
import { AppError } from "../../../lib/errors.js";
import type { PageQuery } from "../../../lib/pagination.js";
import type { BlobStorage } from "../../../providers/storage/index.js";
import type { Repositories } from "../../../repositories/index.js";
import type { WebSourceRow } from "../../../repositories/web-source.repository.js";
import { recordAudit } from "../../audit/record-audit.js";
import type { ServiceContext } from "../../context.js";
import { assertWritable, loadKnowledgeBase } from "../bases/index.js";
import { validateSchedule } from "./web-source-schedule.js";

export interface WebSourceInput {
  url: string;
  /** `single`: only this page; `crawl`: follow same-origin links up to maxDepth / maxPages. */
  mode: "single" | "crawl";
  maxDepth?: number | undefined;
  maxPages?: number | undefined;
  respectRobotsTxt?: boolean | undefined;
  /** Cron (UTC) for re-crawls; omitted = on demand only. */
  schedule?: string | null | undefined;
}

export type WebSourceView = WebSourceRow & { mode: "single" | "crawl" };

export const toWebSourceView = (row: WebSourceRow): WebSourceView => ({
  ...row,
  mode: row.config.mode === "single" ? "single" : "crawl",
});

export function createWebSourceService(deps: {
  repositories: Pick<Repositories, "webSources" | "documents" | "knowledgeBases" | "auditLogs">;
  queue: JobQueue;
  storage: BlobStorage;
}) {
  const r = deps.repositories;

  async function load(ctx: ServiceContext, id: string, write = false): Promise<WebSourceRow> {
    requirePermission(ctx, write ? "kb:write" : "kb:read");
    const source = await r.webSources.findInOrg(ctx.orgId, id, ctx.db);
    if (!source) throw AppError.notFound("Web source", id);
    assertDepartmentVisible(ctx, source.departmentId, "Web source", id);
    if (write) await assertWritable(r, ctx, source.departmentId);
    return source;
  }

  function enqueueCrawl(
    tx: Parameters<JobQueue["enqueue"]>[0],
    source: WebSourceRow,
    reason: "created" | "manual",
  ) {
    return deps.queue.enqueue(
      tx,
      "web_source.crawl",
      { webSourceId: source.id, orgId: source.orgId, reason },
      { dedupeKey: `web_source.crawl:${source.id}` },
    );
  }

  return {
    async create(
      ctx: ServiceContext,
      knowledgeBaseId: string,
      input: WebSourceInput,
    ): Promise<WebSourceView> {
      const kb = await loadKnowledgeBase(r, ctx, knowledgeBaseId, { write: true });
      let url: URL;
      try {
        url = new URL(input.url);
      } catch {
        throw new AppError("VALIDATION", "The URL is not an absolute http(s) URL");
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw new AppError("VALIDATION", "Only http and https URLs can be crawled");
      }
      const nextRunAt = input.schedule ? validateSchedule(input.schedule) : null;
      const single = input.mode === "single";
      return withTransaction(ctx.db, async (tx) => {
        const source = await r.webSources.create(
          {
            orgId: ctx.orgId,
            departmentId: kb.departmentId,
            knowledgeBaseId: kb.id,
            rootUrl: url.toString(),
            maxDepth: single ? 0 : (input.maxDepth ?? 2),
            maxPages: single ? 1 : (input.maxPages ?? 50),
            respectRobotsTxt: input.respectRobotsTxt ?? true,
            schedule: input.schedule ?? null,
            nextRunAt,
            config: { mode: input.mode },
            createdById: ctx.actor.userId ?? null,
          },
          tx,
        );
        await enqueueCrawl(tx, source, "created");
        await recordAudit(
          r,
          ctx,
          {
            action: "web_source.created",
            entityType: "web_source",
            entityId: source.id,
            departmentId: source.departmentId,
            changes: { url: source.rootUrl, mode: input.mode, schedule: source.schedule },
          },
          tx,
        );
        return toWebSourceView(source);
      });
    },

    async list(ctx: ServiceContext, knowledgeBaseId: string, page: PageQuery) {
      const kb = await loadKnowledgeBase(r, ctx, knowledgeBaseId);
      const result = await r.webSources.pageInKnowledgeBase(kb.id, page, ctx.db);
      return { ...result, items: result.items.map(toWebSourceView) };
    },

    async get(ctx: ServiceContext, id: string): Promise<WebSourceView> {
      return toWebSourceView(await load(ctx, id));
    },

    /** Queues a crawl now; while one is queued or running, returns that one instead. */
    async crawl(ctx: ServiceContext, id: string): Promise<{ jobId: string; created: boolean }> {
      const source = await load(ctx, id, true);
      return withTransaction(ctx.db, async (tx) => {
        const { job, created } = await enqueueCrawl(tx, source, "manual");
        await recordAudit(
          r,
          ctx,
          {
            action: "web_source.crawl_requested",
            entityType: "web_source",
            entityId: id,
            departmentId: source.departmentId,
          },
          tx,
        );
        return { jobId: job.id, created };
      });
    },

    /** Deletes the source and the documents its crawls created. */
    async delete(ctx: ServiceContext, id: string): Promise<void> {
      const source = await load(ctx, id, true);
      const keys: string[] = [];
      await withTransaction(ctx.db, async (tx) => {
        keys.push(...(await r.documents.storageKeys({ webSourceId: id }, tx)));
        await r.documents.deleteByWebSource(id, tx);
        await r.webSources.delete(id, tx);
        await recordAudit(
          r,
          ctx,
          {
            action: "web_source.deleted",
            entityType: "web_source",
            entityId: id,
            departmentId: source.departmentId,
            changes: { url: source.rootUrl },
          },
          tx,
        );
      });
      await Promise.allSettled(keys.map((key) => deps.storage.delete(key)));
    },
  };
}

export type WebSourceService = ReturnType<typeof createWebSourceService>;
