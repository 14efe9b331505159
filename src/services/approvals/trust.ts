import { hasPermission } from "../../core/access.js";
import type { Queryable } from "../../db/client.js";
import type { IntentRoute } from "../../db/schema/index.js";
import { withTransaction } from "../../db/transaction.js";
import { AppError } from "../../lib/errors.js";
import type {
  ApprovalPolicyRow,
  ApprovalRow,
  IntentTrustRow,
} from "../../repositories/approval.repository.js";
import type { Repositories } from "../../repositories/index.js";
import type { NamespaceRow } from "../../repositories/namespace.repository.js";
import { assertScopeWritable, loadVisible } from "../assistants/assistant-access.js";
import { diff, recordAudit } from "../audit/record-audit.js";
import { DEFAULT_DUE_MINUTES } from "../chat/stages/approval-gate.js";
import type { ServiceContext } from "../context.js";
import { computeAccess } from "../identity/access.js";
import { intentNameProblem } from "../intents/example-input.js";
import { UNKNOWN_INTENT } from "../intents/index.js";
import { assertPolicyGroups } from "./approver-groups.js";

export type TrustRepositories = Pick<
  Repositories,
  | "agents"
  | "approvalPolicies"
  | "approvals"
  | "approverGroups"
  | "auditLogs"
  | "departments"
  | "intentExamples"
  | "intentTrust"
  | "namespaces"
>;

/**
 * Earned autonomy (ADR 0008). An approved, unedited held reply adds one to its intent's
 * `successfulCount`; at `threshold` the intent becomes autonomous (`promotedAt`, audited). A rejected
 * or edited reply counts against it: the count goes back to 0 and an autonomous intent is demoted.
 * Sampled replies of an autonomous intent only count against it: a rejected or edited sample demotes
 * (and resets); an approved sample changes nothing.
 */
export async function applyOutcome(
  r: TrustRepositories,
  ctx: ServiceContext,
  approval: ApprovalRow,
  decision: "approve" | "reject" | "edit",
  tx: Queryable,
): Promise<void> {
  const trust = await r.intentTrust.find(approval.namespaceId!, approval.intentName!, tx);
  if (!trust) return;
  if (decision === "approve") {
    if (approval.isSample) return;
    const result = await r.intentTrust.recordSuccess(trust.id, tx);
    if (result?.promoted) await auditTrust(r, ctx, result.row, "intent_trust.promoted", "earned", tx);
    return;
  }
  const result = await r.intentTrust.recordFailure(trust.id, tx);
  if (result?.demoted) {
    await auditTrust(r, ctx, result.row, "intent_trust.demoted", approval.isSample ? "sample" : decision, tx);
  }
}

async function auditTrust(
  r: TrustRepositories,
  ctx: ServiceContext,
  row: IntentTrustRow,
  action: string,
  reason: string,
  tx: Queryable,
) {
  const ns = await r.namespaces.findById(row.namespaceId, tx);
  await recordAudit(
    r,
    ctx,
    {
      action,
      entityType: "intent_trust",
      entityId: row.id,
      departmentId: ns?.departmentId ?? null,
      changes: {
        namespaceId: row.namespaceId,
        intent: row.intentName,
        reason,
        successfulCount: row.successfulCount,
      },
    },
    tx,
  );
}

export interface TrustView {
  intent: string;
  successfulCount: number;
  rejectedCount: number;
  threshold: number;
  samplingRate: number;
  isAutonomous: boolean;
  promotedAt: Date | null;
  route: IntentRoute;
  routeAgentId: string | null;
  /** Examples of the intent in the namespace (0: a trust row left from deleted examples). */
  examples: number;
}

export interface TrustPatch {
  threshold?: number | undefined;
  samplingRate?: number | undefined;
  route?: IntentRoute | undefined;
  agentId?: string | null | undefined;
}

export interface PolicyView {
  namespaceId: string;
  dueMinutes: number;
  onTimeout: ApprovalPolicyRow["onTimeout"];
  escalateToUserId: string | null;
  rejectionMessage: string | null;
  /** Only this group's members review the namespace's held replies (null: every approver). */
  approverGroupId: string | null;
  /** Per department (id → group id), overriding `approverGroupId` there. */
  departmentApproverGroups: Record<string, string>;
}

/** The trust matrix and approval policy of a namespace: readable by whoever reads the namespace, written with agents:manage. */
export function createTrustService(deps: { repositories: TrustRepositories }) {
  const r = deps.repositories;
  const loadNamespace = (ctx: ServiceContext, id: string): Promise<NamespaceRow> =>
    loadVisible(ctx, "Namespace", id, () => r.namespaces.findInOrg(ctx.orgId, id, ctx.db));

  async function writable(ctx: ServiceContext, id: string): Promise<NamespaceRow> {
    const ns = await loadNamespace(ctx, id);
    await assertScopeWritable(r, ctx, ns.departmentId);
    return ns;
  }

  async function matrix(
    ctx: ServiceContext,
    ns: NamespaceRow,
  ): Promise<{ namespaceId: string; intents: TrustView[] }> {
    const [rows, summary] = await Promise.all([
      r.intentTrust.listForNamespace(ns.id, ctx.db),
      r.intentExamples.intentsOf(ns.id, ctx.db),
    ]);
    const examples = new Map(summary.map((s) => [s.intent, s.examples]));
    const byIntent = new Map(rows.map((row) => [row.intentName, row]));
    // Every intent with examples is listed, with the defaults until its first turn makes its row.
    const names = [...new Set([...examples.keys(), ...byIntent.keys()])].sort();
    return {
      namespaceId: ns.id,
      intents: names.map((intent) => {
        const row = byIntent.get(intent);
        return {
          intent,
          successfulCount: row?.successfulCount ?? 0,
          rejectedCount: row?.rejectedCount ?? 0,
          threshold: row?.threshold ?? 10,
          samplingRate: row?.samplingRate ?? 0.1,
          isAutonomous: row?.isAutonomous ?? false,
          promotedAt: row?.promotedAt ?? null,
          route: row?.route ?? "auto",
          routeAgentId: row?.routeAgentId ?? null,
          examples: examples.get(intent) ?? 0,
        };
      }),
    };
  }

  /**
   * The intent's row, made with the defaults when missing: an intent may be set up (routed to a
   * person, say) before its examples exist; it takes effect once turns are classified as it.
   */
  async function rowFor(ctx: ServiceContext, ns: NamespaceRow, intent: string, tx: Queryable) {
    const name = intent.trim();
    const problem = intentNameProblem(name);
    if (problem) throw new AppError("VALIDATION", problem, { field: "intent" });
    if (name === UNKNOWN_INTENT) {
      throw new AppError("VALIDATION", '"unknown" is not an intent: unclassified questions are never held', {
        field: "intent",
      });
    }
    return r.intentTrust.ensure({ orgId: ctx.orgId, namespaceId: ns.id, intentName: name }, tx);
  }

  async function change(
    ctx: ServiceContext,
    namespaceId: string,
    intent: string,
    action: string,
    patch: (row: IntentTrustRow) => Partial<IntentTrustRow>,
  ) {
    const ns = await writable(ctx, namespaceId);
    await withTransaction(ctx.db, async (tx) => {
      const row = await rowFor(ctx, ns, intent, tx);
      const next = patch(row);
      await r.intentTrust.update(row.id, next, tx);
      await recordAudit(
        r,
        ctx,
        {
          action,
          entityType: "intent_trust",
          entityId: row.id,
          departmentId: ns.departmentId,
          changes: { namespaceId: ns.id, intent, ...diff(row as never, next as never) },
        },
        tx,
      );
    });
    return matrix(ctx, ns);
  }

  return {
    async trust(ctx: ServiceContext, namespaceId: string) {
      return matrix(ctx, await loadNamespace(ctx, namespaceId));
    },

    async setTrust(ctx: ServiceContext, namespaceId: string, intent: string, input: TrustPatch) {
      if (input.route === "assistant" && !input.agentId) {
        throw new AppError("VALIDATION", "Routing to an assistant needs its agentId", { field: "agentId" });
      }
      if (input.agentId && input.route !== "assistant") {
        throw new AppError("VALIDATION", 'agentId goes with route "assistant"', { field: "agentId" });
      }
      if (input.agentId) {
        const ns = await loadNamespace(ctx, namespaceId);
        const agent = await r.agents.findById(input.agentId, ctx.db);
        // The routed assistant must answer in the namespace's department (or be organisation-wide).
        if (
          agent?.orgId !== ctx.orgId ||
          agent.archived ||
          (agent.departmentId !== null && agent.departmentId !== ns.departmentId)
        ) {
          throw new AppError("VALIDATION", "agentId must name an assistant of the namespace's department", {
            field: "agentId",
          });
        }
      }
      return change(ctx, namespaceId, intent, "intent_trust.updated", () => ({
        ...(input.threshold === undefined ? {} : { threshold: input.threshold }),
        ...(input.samplingRate === undefined ? {} : { samplingRate: input.samplingRate }),
        ...(input.route === undefined ? {} : { route: input.route, routeAgentId: input.agentId ?? null }),
      }));
    },

    promote: (ctx: ServiceContext, namespaceId: string, intent: string) =>
      change(ctx, namespaceId, intent, "intent_trust.promoted", (row) =>
        row.isAutonomous ? {} : { isAutonomous: true, promotedAt: new Date() },
      ),

    demote: (ctx: ServiceContext, namespaceId: string, intent: string) =>
      change(ctx, namespaceId, intent, "intent_trust.demoted", () => ({
        isAutonomous: false,
        promotedAt: null,
        successfulCount: 0,
      })),

    async policy(ctx: ServiceContext, namespaceId: string): Promise<PolicyView> {
      const ns = await loadNamespace(ctx, namespaceId);
      return policyView(ns.id, await r.approvalPolicies.forNamespace(ns.id, ctx.db));
    },

    async setPolicy(
      ctx: ServiceContext,
      namespaceId: string,
      input: Partial<Omit<PolicyView, "namespaceId">>,
    ): Promise<PolicyView> {
      const ns = await writable(ctx, namespaceId);
      await assertPolicyGroups(r, ctx, input);
      if (input.escalateToUserId) {
        const person = (await r.approvals.activeMembers(ctx.orgId, ctx.db)).find(
          (p) => p.id === input.escalateToUserId,
        );
        const mayDecide =
          person !== undefined &&
          hasPermission(computeAccess(person, person.role ?? undefined), "approvals:decide");
        if (!mayDecide) {
          throw new AppError(
            "VALIDATION",
            "escalateToUserId must name an active member of the organisation who may decide approvals",
            {
              field: "escalateToUserId",
            },
          );
        }
      }
      return withTransaction(ctx.db, async (tx) => {
        const before = await r.approvalPolicies.forNamespace(ns.id, tx);
        const merged = { ...policyView(ns.id, before), ...stripUndefined(input) };
        const grouped = merged.approverGroupId || Object.keys(merged.departmentApproverGroups).length > 0;
        if (merged.onTimeout === "escalate" && !merged.escalateToUserId && !grouped) {
          throw new AppError(
            "VALIDATION",
            "Escalating on timeout needs escalateToUserId or an approver group",
            {
              field: "escalateToUserId",
            },
          );
        }
        const saved = await r.approvalPolicies.upsert(
          {
            orgId: ctx.orgId,
            namespaceId: ns.id,
            dueMinutes: merged.dueMinutes,
            onTimeout: merged.onTimeout,
            escalateToUserId: merged.escalateToUserId,
            rejectionMessage: merged.rejectionMessage,
            approverGroupId: merged.approverGroupId,
            departmentApproverGroups: merged.departmentApproverGroups,
          },
          tx,
        );
        await recordAudit(
          r,
          ctx,
          {
            action: "approval_policy.updated",
            entityType: "namespace",
            entityId: ns.id,
            departmentId: ns.departmentId,
            changes: diff(policyView(ns.id, before) as never, stripUndefined(input)),
          },
          tx,
        );
        return policyView(ns.id, saved);
      });
    },
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function policyView(namespaceId: string, row: ApprovalPolicyRow | undefined): PolicyView {
  return {
    namespaceId,
    dueMinutes: row?.dueMinutes ?? DEFAULT_DUE_MINUTES,
    onTimeout: row?.onTimeout ?? "none",
    escalateToUserId: row?.escalateToUserId ?? null,
    rejectionMessage: row?.rejectionMessage ?? null,
    approverGroupId: row?.approverGroupId ?? null,
    departmentApproverGroups: row?.departmentApproverGroups ?? {},
  };
}

export type TrustService = ReturnType<typeof createTrustService>;
