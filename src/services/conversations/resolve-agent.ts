import { AppError } from "../../lib/errors.js";
import type { Repositories } from "../../repositories/index.js";
import { canSeeDepartment } from "../access.js";
import type { ServiceContext } from "../context.js";

export interface AgentRef {
  agentId?: string | undefined;
  agentName?: string | undefined;
  namespaceId?: string | undefined;
}

/** What a new conversation is pinned to. */
export interface ConversationTarget {
  agentId: string;
  agentVersionId: string;
  /** The agent's department (else the namespace's); null for an org-wide agent. */
  departmentId: string | null;
  namespaceId: string | null;
}

const visible = (ctx: ServiceContext, departmentId: string | null) =>
  departmentId === null || canSeeDepartment(ctx.access, departmentId);

/**
 * The agent a new conversation talks to, and its current published version. Interim resolution over
 * the repositories, kept behind this one function so it can delegate to the assistants service's
 * `resolveAgentForChat` (same rules: invisible → NOT_FOUND, disabled → PRECONDITION_FAILED).
 */
export async function resolveConversationTarget(
  r: Repositories,
  ctx: ServiceContext,
  ref: AgentRef,
): Promise<ConversationTarget> {
  const namespace = ref.namespaceId ? await loadNamespace(r, ctx, ref.namespaceId) : undefined;
  let agentId = ref.agentId;
  if (!agentId && ref.agentName) {
    const byName = await r.agents.findLiveByName(ctx.orgId, ref.agentName, ctx.db);
    if (!byName || !visible(ctx, byName.departmentId)) throw AppError.notFound("Agent", ref.agentName);
    agentId = byName.id;
  }
  if (!agentId && namespace) {
    const configured = namespace.config.defaultAgentId;
    agentId =
      typeof configured === "string"
        ? configured
        : (await r.agents.firstEnabledInDepartment(namespace.departmentId, ctx.db))?.id;
    if (!agentId) {
      throw new AppError("PRECONDITION_FAILED", "The namespace has no enabled agent to talk to");
    }
  }
  if (!agentId) throw new AppError("VALIDATION", "Name an agent (agentId or agentName) or a namespace");
  const agent = await r.agents.findById(agentId, ctx.db);
  if (agent?.orgId !== ctx.orgId || agent.archived || !visible(ctx, agent.departmentId)) {
    throw AppError.notFound("Agent", ref.agentName ?? agentId);
  }
  if (namespace && agent.departmentId !== null && agent.departmentId !== namespace.departmentId) {
    throw new AppError("VALIDATION", "The agent does not belong to the namespace's department");
  }
  if (!agent.enabled) throw new AppError("PRECONDITION_FAILED", "The agent is disabled");
  if (!agent.currentVersionId) {
    throw new AppError("PRECONDITION_FAILED", "The agent has no published version yet");
  }
  return {
    agentId: agent.id,
    agentVersionId: agent.currentVersionId,
    // Talking to a department's namespace keeps the conversation in that department.
    departmentId: agent.departmentId ?? namespace?.departmentId ?? null,
    namespaceId: namespace?.id ?? null,
  };
}

async function loadNamespace(r: Repositories, ctx: ServiceContext, id: string) {
  const namespace = await r.namespaces.findById(id, ctx.db);
  if (namespace?.orgId !== ctx.orgId || !visible(ctx, namespace.departmentId)) {
    throw AppError.notFound("Namespace", id);
  }
  return namespace;
}
