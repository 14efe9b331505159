import type { Queryable } from "../../db/client.js";
import type { Repositories } from "../../repositories/index.js";
import type { ServiceContext } from "../context.js";

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | null;
  departmentId?: string | null;
  changes?: Record<string, unknown>;
}

/** Keys whose values never enter the audit log, even when they are part of a change. */
const SECRET_KEYS = /password|secret|token|hash|key/i;

function scrub(changes: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!changes) return undefined;
  return Object.fromEntries(
    Object.entries(changes).map(([k, v]) => [k, SECRET_KEYS.test(k) ? "[redacted]" : v]),
  );
}

/** Old → new for the keys a patch touches, so the audit row says exactly what changed. */
export function diff(
  before: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const [key, next] of Object.entries(patch)) {
    if (next === undefined) continue;
    const previous = before[key];
    if (JSON.stringify(previous) !== JSON.stringify(next))
      changes[key] = { from: previous ?? null, to: next };
  }
  return changes;
}

type AuditActor = Pick<ServiceContext, "orgId" | "actor" | "meta">;

/** The audit row of `entry` by the context's actor (secrets scrubbed from the changes). */
export function auditRow(ctx: AuditActor, entry: AuditEntry) {
  return {
    orgId: ctx.orgId,
    userId: ctx.actor.userId ?? null,
    actorType: ctx.actor.kind,
    actorId: ctx.actor.id,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId ?? null,
    departmentId: entry.departmentId ?? null,
    changes: scrub(entry.changes) ?? null,
    ipAddress: ctx.meta.ip ?? null,
    userAgent: ctx.meta.userAgent ?? null,
    requestId: ctx.meta.requestId,
  };
}

/** Writes one audit row; pass the transaction of the change so both commit or neither. */
export async function recordAudit(
  repositories: Pick<Repositories, "auditLogs">,
  ctx: AuditActor,
  entry: AuditEntry,
  tx?: Queryable,
): Promise<void> {
  await repositories.auditLogs.create(auditRow(ctx, entry), tx);
}
