import type { Queryable } from "../../db/client.js";
import type { TemplateVariable } from "../../db/schema/templates.js";
import { withTransaction } from "../../db/transaction.js";
import { AppError } from "../../lib/errors.js";
import type { PageQuery } from "../../lib/pagination.js";
import type {
  DocumentTemplateFilter,
  DocumentTemplateRow,
} from "../../repositories/document-template.repository.js";
import type { Repositories } from "../../repositories/index.js";
import { diff, recordAudit } from "../audit/record-audit.js";
import type { ServiceContext } from "../context.js";
import { loadKnowledgeBase } from "../knowledge/bases/index.js";
import { checkTemplate } from "./engine/check-template.js";
import { renderTemplate } from "./engine/render.js";
import type { OutputFormat } from "./output/index.js";
import {
  assertTemplateScopeWritable,
  declaredNames,
  loadTemplate,
  orgFormatOf,
  requireTemplateRead,
} from "./template-access.js";
import { assertValidDeclarations, exampleInput, resolveInput } from "./variables.js";

export type TemplateServiceRepositories = Pick<
  Repositories,
  | "auditLogs"
  | "departments"
  | "documentTemplateVersions"
  | "documentTemplates"
  | "knowledgeBases"
  | "namespaces"
  | "organizations"
>;

export interface TemplateInput {
  departmentId?: string | null | undefined;
  namespaceId?: string | null | undefined;
  name: string;
  description?: string | null | undefined;
  category?: string | null | undefined;
  templateBody: string;
  variables?: TemplateVariable[] | undefined;
  outputFormat?: OutputFormat | undefined;
  requiresApproval?: boolean | undefined;
  defaultKnowledgeBaseId?: string | null | undefined;
  isActive?: boolean | undefined;
}

export type TemplatePatch = Partial<Omit<TemplateInput, "departmentId" | "namespaceId">>;

/** Refuses a body (every problem, with line and column) or declaration that cannot be saved. */
export function assertSavable(body: string, variables: TemplateVariable[]): void {
  assertValidDeclarations(variables);
  const problems = checkTemplate(body, declaredNames(variables));
  if (problems.length > 0) {
    const first = problems[0]!;
    throw new AppError(
      "VALIDATION",
      `The template has ${problems.length} problem(s); the first, on line ${first.line} column ${first.column}: ${first.message}`,
      { reason: "TEMPLATE_INVALID", problems },
    );
  }
}

export function createTemplateService(r: TemplateServiceRepositories) {
  async function audit(
    ctx: ServiceContext,
    action: string,
    row: DocumentTemplateRow,
    changes: object,
    tx: Queryable,
  ) {
    await recordAudit(
      r,
      ctx,
      {
        action: `document_template.${action}`,
        entityType: "document_template",
        entityId: row.id,
        departmentId: row.departmentId,
        changes: { ...changes },
      },
      tx,
    );
  }

  /** A namespace must be the organisation's and visible; the template takes its department. */
  async function scopeOf(ctx: ServiceContext, input: TemplateInput): Promise<string | null> {
    let departmentId = input.departmentId ?? null;
    if (input.namespaceId) {
      const ns = await r.namespaces.findInOrg(ctx.orgId, input.namespaceId, ctx.db);
      if (!ns) throw AppError.notFound("Namespace", input.namespaceId);
      if (departmentId && ns.departmentId !== departmentId) {
        throw new AppError("VALIDATION", "The namespace belongs to another department than the one given");
      }
      departmentId = ns.departmentId;
    }
    await assertTemplateScopeWritable(r, ctx, departmentId);
    return departmentId;
  }

  async function checkKnowledgeBase(ctx: ServiceContext, id: string | null | undefined) {
    if (id) await loadKnowledgeBase(r, ctx, id, { write: true });
  }

  return {
    list(ctx: ServiceContext, filter: DocumentTemplateFilter, page: PageQuery) {
      requireTemplateRead(ctx);
      return r.documentTemplates.pageVisible(ctx.orgId, ctx.access, filter, page, ctx.db);
    },

    get: (ctx: ServiceContext, id: string) => loadTemplate(r, ctx, id),

    async create(ctx: ServiceContext, input: TemplateInput): Promise<DocumentTemplateRow> {
      const departmentId = await scopeOf(ctx, input);
      const variables = input.variables ?? [];
      assertSavable(input.templateBody, variables);
      await checkKnowledgeBase(ctx, input.defaultKnowledgeBaseId);
      return withTransaction(ctx.db, async (tx) => {
        const row = await r.documentTemplates.create(
          {
            ...input,
            variables,
            orgId: ctx.orgId,
            departmentId,
            namespaceId: input.namespaceId ?? null,
            version: 1,
            createdById: ctx.actor.userId ?? null,
          },
          tx,
        );
        await r.documentTemplateVersions.create(
          {
            orgId: ctx.orgId,
            templateId: row.id,
            version: 1,
            templateBody: row.templateBody,
            variables: row.variables,
            outputFormat: row.outputFormat,
            createdById: ctx.actor.userId ?? null,
          },
          tx,
        );
        await audit(ctx, "created", row, { name: row.name, version: 1 }, tx);
        return row;
      });
    },

    /** A new version is kept when the body, the variables or the output format change. */
    async update(ctx: ServiceContext, id: string, patch: TemplatePatch): Promise<DocumentTemplateRow> {
      const current = await loadTemplate(r, ctx, id);
      await assertTemplateScopeWritable(r, ctx, current.departmentId);
      const body = patch.templateBody ?? current.templateBody;
      const variables = patch.variables ?? current.variables;
      const outputFormat = patch.outputFormat ?? current.outputFormat;
      assertSavable(body, variables);
      await checkKnowledgeBase(ctx, patch.defaultKnowledgeBaseId);
      const changed =
        body !== current.templateBody ||
        JSON.stringify(variables) !== JSON.stringify(current.variables) ||
        outputFormat !== current.outputFormat;
      return withTransaction(ctx.db, async (tx) => {
        const version = changed ? current.version + 1 : current.version;
        const updated = (await r.documentTemplates.update(id, { ...patch, version }, tx))!;
        if (changed) {
          await r.documentTemplateVersions.create(
            {
              orgId: ctx.orgId,
              templateId: id,
              version,
              templateBody: body,
              variables,
              outputFormat,
              createdById: ctx.actor.userId ?? null,
            },
            tx,
          );
        }
        const { templateBody: _body, ...rest } = patch;
        await audit(ctx, "updated", current, { ...diff(current, rest), version }, tx);
        return updated;
      });
    },

    async delete(ctx: ServiceContext, id: string): Promise<void> {
      const row = await loadTemplate(r, ctx, id);
      await assertTemplateScopeWritable(r, ctx, row.departmentId);
      await withTransaction(ctx.db, async (tx) => {
        await r.documentTemplates.delete(id, tx);
        await audit(ctx, "deleted", row, { name: row.name }, tx);
      });
    },

    async versions(ctx: ServiceContext, id: string) {
      const row = await loadTemplate(r, ctx, id);
      return { items: await r.documentTemplateVersions.listOf(row.id, ctx.db) };
    },

    /** Renders with the given input (else each variable's example) and writes nothing. */
    async preview(ctx: ServiceContext, id: string, input: Record<string, unknown> | undefined) {
      const row = await loadTemplate(r, ctx, id);
      const values = resolveInput(row.variables, input ?? exampleInput(row.variables));
      const output = renderTemplate(
        row.templateBody,
        declaredNames(row.variables),
        values,
        await orgFormatOf(r, ctx),
      );
      return { output, outputFormat: row.outputFormat, version: row.version, input: values };
    },
  };
}

export type TemplateService = ReturnType<typeof createTemplateService>;
