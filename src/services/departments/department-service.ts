import { assertDepartmentVisible, requirePermission } from "../../core/access.js";
import { withTransaction } from "../../db/transaction.js";
import { AppError } from "../../lib/errors.js";
import { normalizeName } from "../../lib/names.js";
import type { PageQuery } from "../../lib/pagination.js";
import type { DepartmentFilter, DepartmentRow } from "../../repositories/department.repository.js";
import type { Repositories } from "../../repositories/index.js";
import { diff, recordAudit } from "../audit/record-audit.js";
import type { ServiceContext } from "../context.js";

export interface DepartmentInput {
  name: string;
  slug: string;
  color?: string | null | undefined;
  description?: string | null | undefined;
  settings?: Record<string, unknown> | undefined;
}

/** The department's monthly budget, kept in its settings and owned by `PUT /departments/:id/budget`. */
const BUDGET_KEY = "monthlyBudgetUsd";

export function createDepartmentService(repositories: Pick<Repositories, "departments" | "auditLogs">) {
  const r = repositories;

  async function load(ctx: ServiceContext, id: string): Promise<DepartmentRow> {
    const department = await r.departments.findInOrg(ctx.orgId, id, ctx.db);
    if (!department) throw AppError.notFound("Department", id);
    assertDepartmentVisible(ctx, department.id, "Department", id);
    return department;
  }

  /** Names are unique per organisation once normalised, whatever their case or invisible characters. */
  async function freeName(ctx: ServiceContext, raw: string, self?: string): Promise<string> {
    const name = normalizeName(raw);
    const taken = await r.departments.findByName(ctx.orgId, name, ctx.db);
    if (taken && taken.id !== self) {
      throw new AppError("CONFLICT", `A department named "${name}" already exists`, { field: "name" });
    }
    return name;
  }

  async function setArchived(ctx: ServiceContext, id: string, isArchived: boolean): Promise<DepartmentRow> {
    requirePermission(ctx, "departments:manage");
    const department = await load(ctx, id);
    if (department.isArchived === isArchived) return department;
    return withTransaction(ctx.db, async (tx) => {
      const updated = await r.departments.update(
        id,
        { isArchived, archivedAt: isArchived ? new Date() : null },
        tx,
      );
      await recordAudit(
        r,
        ctx,
        {
          action: isArchived ? "department.archived" : "department.unarchived",
          entityType: "department",
          entityId: id,
          departmentId: id,
        },
        tx,
      );
      return updated!;
    });
  }

  return {
    list(ctx: ServiceContext, filter: DepartmentFilter, page: PageQuery) {
      return r.departments.pageVisible(ctx.orgId, ctx.access, filter, page, ctx.db);
    },

    get: load,

    async create(ctx: ServiceContext, input: DepartmentInput): Promise<DepartmentRow> {
      requirePermission(ctx, "departments:manage");
      if (!ctx.access.allDepartments) {
        throw new AppError("FORBIDDEN", "Creating departments needs a role that reaches all departments");
      }
      input = { ...input, name: await freeName(ctx, input.name) };
      return withTransaction(ctx.db, async (tx) => {
        const department = await r.departments.create({ orgId: ctx.orgId, ...input }, tx);
        await recordAudit(
          r,
          ctx,
          {
            action: "department.created",
            entityType: "department",
            entityId: department.id,
            departmentId: department.id,
            changes: { ...input },
          },
          tx,
        );
        return department;
      });
    },

    async update(ctx: ServiceContext, id: string, patch: Partial<DepartmentInput>): Promise<DepartmentRow> {
      requirePermission(ctx, "departments:manage");
      const department = await load(ctx, id);
      if (department.isArchived) {
        throw new AppError("PRECONDITION_FAILED", "The department is archived; unarchive it to change it");
      }
      if (patch.settings && BUDGET_KEY in patch.settings) {
        throw new AppError(
          "VALIDATION",
          `Set the department's budget with PUT /departments/${id}/budget, not in its settings`,
          { field: `settings.${BUDGET_KEY}` },
        );
      }
      if (patch.name !== undefined) patch = { ...patch, name: await freeName(ctx, patch.name, id) };
      // New settings replace the old ones, except the budget, which only the budget endpoint changes.
      if (patch.settings && department.settings[BUDGET_KEY] !== undefined) {
        patch = { ...patch, settings: { ...patch.settings, [BUDGET_KEY]: department.settings[BUDGET_KEY] } };
      }
      return withTransaction(ctx.db, async (tx) => {
        const updated = await r.departments.update(id, patch, tx);
        await recordAudit(
          r,
          ctx,
          {
            action: "department.updated",
            entityType: "department",
            entityId: id,
            departmentId: id,
            changes: diff(department, patch),
          },
          tx,
        );
        return updated!;
      });
    },

    archive: (ctx: ServiceContext, id: string) => setArchived(ctx, id, true),
    unarchive: (ctx: ServiceContext, id: string) => setArchived(ctx, id, false),
  };
}

export type DepartmentService = ReturnType<typeof createDepartmentService>;
