import { randomInt } from "node:crypto";
import type { Access } from "../../core/access.js";
import { canSeeDepartment, hasPermission, requirePermission } from "../../core/access.js";
import type { Permission } from "../../core/permissions.js";
import { withTransaction } from "../../db/transaction.js";
import { AppError } from "../../lib/errors.js";
import type { Page, PageQuery } from "../../lib/pagination.js";
import { hashToken, randomToken } from "../../lib/secrets.js";
import type { ApiKeyRow } from "../../repositories/identity.repositories.js";
import type { Repositories } from "../../repositories/index.js";
import { recordAudit } from "../audit/record-audit.js";
import type { ServiceContext } from "../context.js";

export interface ApiKeyInput {
  name: string;
  permissions: Permission[];
  departmentIds?: string[] | undefined;
  allDepartments?: boolean | undefined;
  expiresAt?: Date | undefined;
}

export type ApiKeyStatus = "active" | "revoked" | "expired";
export type ApiKeyView = Omit<ApiKeyRow, "keyHash"> & { status: ApiKeyStatus };

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** The public part of a key (`atr_<prefix>_…`): 12 alphanumerics, enough to find the row. */
function randomPrefix(): string {
  let out = "";
  for (let i = 0; i < 12; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}

export function viewOf(key: ApiKeyRow, now = Date.now()): ApiKeyView {
  const { keyHash: _hash, ...rest } = key;
  const status: ApiKeyStatus = key.revokedAt
    ? "revoked"
    : key.expiresAt && key.expiresAt.getTime() <= now
      ? "expired"
      : "active";
  return { ...rest, status };
}

/** A key is visible when the caller reaches every department it reaches (same rule as the list). */
function keyVisible(access: Access, key: ApiKeyRow): boolean {
  if (access.allDepartments) return !key.departmentIds.some((id) => access.excludedDepartmentIds.has(id));
  if (key.allDepartments) return false;
  return key.departmentIds.every((id) => canSeeDepartment(access, id));
}

/**
 * API keys for integrations (org:admin). A key holds a subset of its creator's permissions and
 * departments, is shown once, stored as prefix + SHA-256 hash, and can be revoked.
 */
export function createApiKeyService(
  repositories: Pick<Repositories, "apiKeys" | "departments" | "auditLogs">,
) {
  const r = repositories;

  async function load(ctx: ServiceContext, id: string): Promise<ApiKeyRow> {
    const key = await r.apiKeys.findInOrg(ctx.orgId, id, ctx.db);
    if (!key || !keyVisible(ctx.access, key)) throw AppError.notFound("API key", id);
    return key;
  }

  async function checkScope(ctx: ServiceContext, input: ApiKeyInput): Promise<string[]> {
    const beyond = input.permissions.filter((p) => !hasPermission(ctx.access, p));
    if (beyond.length > 0) {
      throw new AppError("FORBIDDEN", "A key cannot hold permissions its creator does not have", {
        permissions: beyond,
      });
    }
    const departmentIds = [...new Set(input.departmentIds ?? [])];
    if (input.allDepartments) {
      if (departmentIds.length > 0) {
        throw new AppError("VALIDATION", "Give either departmentIds or allDepartments, not both", {
          field: "departmentIds",
        });
      }
      if (!ctx.access.allDepartments || ctx.access.excludedDepartmentIds.size > 0) {
        throw new AppError(
          "FORBIDDEN",
          "Only a creator who reaches every department can make an all-department key",
        );
      }
      return [];
    }
    const found = await r.departments.findByIds(departmentIds, ctx.db);
    for (const id of departmentIds) {
      const department = found.find((d) => d.id === id);
      if (!department || department.orgId !== ctx.orgId || !canSeeDepartment(ctx.access, id)) {
        throw AppError.notFound("Department", id);
      }
    }
    return departmentIds;
  }

  return {
    list(
      ctx: ServiceContext,
      filter: { includeRevoked: boolean },
      page: PageQuery,
    ): Promise<Page<ApiKeyView>> {
      requirePermission(ctx, "org:admin");
      return r.apiKeys
        .pageVisible(ctx.orgId, ctx.access, filter, page, ctx.db)
        .then((result) => ({ ...result, items: result.items.map((key) => viewOf(key)) }));
    },

    async get(ctx: ServiceContext, id: string): Promise<ApiKeyView> {
      requirePermission(ctx, "org:admin");
      return viewOf(await load(ctx, id));
    },

    /** Returns the full key; it is never shown again. */
    async create(ctx: ServiceContext, input: ApiKeyInput): Promise<ApiKeyView & { key: string }> {
      requirePermission(ctx, "org:admin");
      if (ctx.actor.kind !== "user" || !ctx.actor.userId) {
        throw new AppError("FORBIDDEN", "API keys are created by people, not by other keys");
      }
      if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
        throw new AppError("VALIDATION", "expiresAt must be in the future", { field: "expiresAt" });
      }
      const departmentIds = await checkScope(ctx, input);
      const prefix = randomPrefix();
      const key = `atr_${prefix}_${randomToken(32)}`;
      const permissions = [...new Set(input.permissions)];
      const allDepartments = input.allDepartments ?? false;
      return withTransaction(ctx.db, async (tx) => {
        const row = await r.apiKeys.create(
          {
            orgId: ctx.orgId,
            userId: ctx.actor.userId!,
            name: input.name,
            prefix,
            keyHash: hashToken(key),
            permissions,
            departmentIds,
            allDepartments,
            expiresAt: input.expiresAt ?? null,
          },
          tx,
        );
        await recordAudit(
          r,
          ctx,
          {
            action: "api_key.created",
            entityType: "api_key",
            entityId: row.id,
            changes: {
              name: input.name,
              prefix,
              permissions,
              departmentIds,
              allDepartments,
              expiresAt: input.expiresAt?.toISOString() ?? null,
            },
          },
          tx,
        );
        return { ...viewOf(row), key };
      });
    },

    /** Revokes at once; revoking twice is harmless and audited once. */
    async revoke(ctx: ServiceContext, id: string): Promise<ApiKeyView> {
      requirePermission(ctx, "org:admin");
      const key = await load(ctx, id);
      if (key.revokedAt) return viewOf(key);
      return withTransaction(ctx.db, async (tx) => {
        const updated = await r.apiKeys.update(id, { revokedAt: new Date() }, tx);
        await recordAudit(
          r,
          ctx,
          { action: "api_key.revoked", entityType: "api_key", entityId: id, changes: { name: key.name } },
          tx,
        );
        return viewOf(updated!);
      });
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
