import { canSeeDepartment, hasPermission, requirePermission } from "../../core/access.js";
import type { TemplateVariable } from "../../db/schema/templates.js";
import { AppError } from "../../lib/errors.js";
import type { DocumentTemplateRow } from "../../repositories/document-template.repository.js";
import type { Repositories } from "../../repositories/index.js";
import { canSeeScope, hasAllDepartments } from "../assistants/assistant-access.js";
import type { ServiceContext } from "../context.js";
import type { OrgFormat } from "./engine/helpers.js";

export type TemplateAccessRepositories = Pick<
  Repositories,
  "departments" | "documentTemplates" | "organizations"
>;

/**
 * Who may do what with document templates: reading, previewing and generating need `templates:manage`
 * or `chat:use` (people fill templates in; assistants do it for them); writing needs
 * `templates:manage`, and organisation-wide templates a role that reaches every department.
 */
export function requireTemplateRead(ctx: ServiceContext): void {
  if (hasPermission(ctx.access, "templates:manage") || hasPermission(ctx.access, "chat:use")) return;
  throw new AppError("FORBIDDEN", "This needs the templates:manage or chat:use permission", {
    permission: "templates:manage",
  });
}

export const managesTemplates = (ctx: ServiceContext) => hasPermission(ctx.access, "templates:manage");

export async function loadTemplate(
  r: TemplateAccessRepositories,
  ctx: ServiceContext,
  id: string,
): Promise<DocumentTemplateRow> {
  requireTemplateRead(ctx);
  const row = await r.documentTemplates.findInOrg(ctx.orgId, id, ctx.db);
  if (!row || !canSeeScope(ctx.access, row.departmentId)) throw AppError.notFound("Document template", id);
  return row;
}

/** Checks a template scope the caller may write; a hidden department is NOT_FOUND like a missing one. */
export async function assertTemplateScopeWritable(
  r: TemplateAccessRepositories,
  ctx: ServiceContext,
  departmentId: string | null,
): Promise<void> {
  requirePermission(ctx, "templates:manage");
  if (departmentId === null) {
    if (!hasAllDepartments(ctx.access)) {
      throw new AppError(
        "FORBIDDEN",
        "Organisation-wide templates can only be changed by a role that reaches every department",
      );
    }
    return;
  }
  const department = await r.departments.findInOrg(ctx.orgId, departmentId, ctx.db);
  if (!department || !canSeeDepartment(ctx.access, department.id)) {
    throw AppError.notFound("Department", departmentId);
  }
}

/** The names a body may use at its top level. */
export const declaredNames = (variables: TemplateVariable[]) => new Set(variables.map((v) => v.name));

const valid = (test: () => unknown) => {
  try {
    test();
    return true;
  } catch {
    return false;
  }
};

/**
 * How the organisation formats dates, numbers and money (`settings.locale`, `settings.timeZone`,
 * `settings.currency`); anything missing or unknown falls back to en-US, UTC and USD.
 */
export async function orgFormatOf(
  r: TemplateAccessRepositories,
  ctx: Pick<ServiceContext, "orgId" | "db">,
): Promise<OrgFormat> {
  const org = await r.organizations.findById(ctx.orgId, ctx.db);
  const settings = org?.settings ?? {};
  const pick = (key: string, check: (v: string) => unknown, fallback: string) => {
    const value = settings[key];
    return typeof value === "string" && valid(() => check(value)) ? value : fallback;
  };
  return {
    name: org?.name ?? "",
    locale: pick("locale", (v) => new Intl.NumberFormat(v), "en-US"),
    timeZone: pick("timeZone", (v) => new Intl.DateTimeFormat("en", { timeZone: v }), "UTC"),
    currency: pick("currency", (v) => new Intl.NumberFormat("en", { style: "currency", currency: v }), "USD"),
  };
}
