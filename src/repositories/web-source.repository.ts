import { and, eq, sql } from "drizzle-orm";
import type { Queryable } from "../db/client.js";
import { guarded } from "../db/errors.js";
import { webSources } from "../db/schema/index.js";
import type { Page, PageQuery } from "../lib/pagination.js";
import { TableRepository } from "./table-repository.js";

export type WebSourceRow = typeof webSources.$inferSelect;

export class WebSourceRepository extends TableRepository<typeof webSources> {
  pageInKnowledgeBase(
    knowledgeBaseId: string,
    query: PageQuery,
    tx?: Queryable,
  ): Promise<Page<WebSourceRow>> {
    return this.page(eq(webSources.knowledgeBaseId, knowledgeBaseId), query, tx);
  }

  findInOrg(orgId: string, id: string, tx?: Queryable): Promise<WebSourceRow | undefined> {
    return this.findOne(and(eq(webSources.orgId, orgId), eq(webSources.id, id)), tx);
  }

  /**
   * Scheduled sources whose next run has come, locked (SKIP LOCKED, so two schedulers split them)
   * until the caller's transaction moves their `next_run_at` on.
   */
  async lockDue(limit: number, tx: Queryable): Promise<WebSourceRow[]> {
    return guarded(() =>
      tx
        .select()
        .from(webSources)
        .where(
          and(
            eq(webSources.enabled, true),
            sql`${webSources.schedule} is not null`,
            sql`${webSources.nextRunAt} <= now()`,
          ),
        )
        .orderBy(webSources.nextRunAt)
        .limit(limit)
        .for("update", { skipLocked: true }),
    );
  }
}
