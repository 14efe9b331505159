import { and, asc, eq, ilike, isNull, type SQL } from "drizzle-orm";
import type { Access } from "../core/access.js";
import type { Queryable } from "../db/client.js";
import {
  documentGenerations,
  documentTemplates,
  documentTemplateVersions,
  templates,
} from "../db/schema/index.js";
import type { Page, PageQuery } from "../lib/pagination.js";
import { likePattern } from "./persona.repository.js";
import { departmentOrOrgWideScope } from "./scope.js";
import { TableRepository } from "./table-repository.js";

export type DocumentTemplateRow = typeof documentTemplates.$inferSelect;
export type DocumentTemplateVersionRow = typeof documentTemplateVersions.$inferSelect;
export type DocumentGenerationRow = typeof documentGenerations.$inferSelect;
export type LegacyTemplateRow = typeof templates.$inferSelect;

export interface DocumentTemplateFilter {
  departmentId?: string | undefined;
  namespaceId?: string | undefined;
  category?: string | undefined;
  q?: string | undefined;
}

export interface DocumentGenerationFilter {
  templateId?: string | undefined;
  status?: DocumentGenerationRow["status"] | undefined;
  /** Only this person's generations (callers without templates:manage see their own only). */
  userId?: string | undefined;
}

/** Organisation-wide templates (no department) are visible to every member; the rest follow reach. */
export class DocumentTemplateRepository extends TableRepository<typeof documentTemplates> {
  pageVisible(
    orgId: string,
    access: Access,
    filter: DocumentTemplateFilter,
    query: PageQuery,
    tx?: Queryable,
  ): Promise<Page<DocumentTemplateRow>> {
    const where = and(
      eq(documentTemplates.orgId, orgId),
      departmentOrOrgWideScope(documentTemplates.departmentId, access),
      filter.departmentId ? eq(documentTemplates.departmentId, filter.departmentId) : undefined,
      filter.namespaceId ? eq(documentTemplates.namespaceId, filter.namespaceId) : undefined,
      filter.category ? eq(documentTemplates.category, filter.category) : undefined,
      filter.q ? ilike(documentTemplates.name, likePattern(filter.q)) : undefined,
    );
    return this.page(where, query, tx);
  }

  findInOrg(orgId: string, id: string, tx?: Queryable): Promise<DocumentTemplateRow | undefined> {
    return this.findOne(and(eq(documentTemplates.orgId, orgId), eq(documentTemplates.id, id)), tx);
  }

  /** Templates of this name the caller can see (org-wide and their departments'), oldest first. */
  findVisibleByName(orgId: string, access: Access, name: string, tx?: Queryable) {
    return this.findMany(
      and(
        eq(documentTemplates.orgId, orgId),
        departmentOrOrgWideScope(documentTemplates.departmentId, access),
        ilike(documentTemplates.name, name.replace(/[\\%_]/g, "\\$&")),
      ),
      tx,
      10,
    );
  }

  /** The template of this exact name in one scope (a department, or org-wide when null). */
  findInScope(orgId: string, departmentId: string | null, name: string, tx?: Queryable) {
    return this.findOne(
      and(
        eq(documentTemplates.orgId, orgId),
        departmentId
          ? eq(documentTemplates.departmentId, departmentId)
          : isNull(documentTemplates.departmentId),
        eq(documentTemplates.name, name),
      ),
      tx,
    );
  }
}

/** Legacy file-backed templates (seed 000 `Template`), recorded by `atrium templates import`. */
export class LegacyTemplateRepository extends TableRepository<typeof templates> {
  findInScope(orgId: string, departmentId: string | null, name: string, tx?: Queryable) {
    return this.findOne(
      and(
        eq(templates.orgId, orgId),
        departmentId ? eq(templates.departmentId, departmentId) : isNull(templates.departmentId),
        eq(templates.name, name),
      ),
      tx,
    );
  }
}

export class DocumentTemplateVersionRepository extends TableRepository<typeof documentTemplateVersions> {
  async listOf(templateId: string, tx?: Queryable): Promise<DocumentTemplateVersionRow[]> {
    return this.q(tx)
      .select()
      .from(documentTemplateVersions)
      .where(eq(documentTemplateVersions.templateId, templateId))
      .orderBy(asc(documentTemplateVersions.version));
  }
}

export class DocumentGenerationRepository extends TableRepository<typeof documentGenerations> {
  pageVisible(
    orgId: string,
    access: Access,
    filter: DocumentGenerationFilter,
    query: PageQuery,
    tx?: Queryable,
  ): Promise<Page<DocumentGenerationRow>> {
    const where: SQL | undefined = and(
      eq(documentGenerations.orgId, orgId),
      departmentOrOrgWideScope(documentGenerations.departmentId, access),
      filter.templateId ? eq(documentGenerations.templateId, filter.templateId) : undefined,
      filter.status ? eq(documentGenerations.status, filter.status) : undefined,
      filter.userId ? eq(documentGenerations.userId, filter.userId) : undefined,
    );
    return this.page(where, query, tx);
  }

  findInOrg(orgId: string, id: string, tx?: Queryable): Promise<DocumentGenerationRow | undefined> {
    return this.findOne(and(eq(documentGenerations.orgId, orgId), eq(documentGenerations.id, id)), tx);
  }
}
