import type { Repositories } from "../../repositories/index.js";
import { type AgentRef, createAgentLoader } from "../assistants/agent-loader.js";
import type { ServiceContext } from "../context.js";

export type ResolveAgentRepositories = Pick<
  Repositories,
  "agentVersions" | "agents" | "namespaces" | "personas"
>;

export type { AgentRef };

/** What a new conversation is pinned to. */
export interface ConversationTarget {
  agentId: string;
  agentVersionId: string;
  /** The agent's department (else the namespace's); null for an org-wide agent. */
  departmentId: string | null;
  namespaceId: string | null;
}

/**
 * The agent a new conversation talks to and its current published version, through the assistants
 * service's rules (invisible → NOT_FOUND; disabled, archived or unpublished → PRECONDITION_FAILED).
 */
export async function resolveConversationTarget(
  r: ResolveAgentRepositories,
  ctx: ServiceContext,
  ref: AgentRef,
): Promise<ConversationTarget> {
  const { agent, version, resolved } = await createAgentLoader(r).resolveAgentForChat(ctx, ref);
  const namespace = resolved.namespaceId
    ? await r.namespaces.findById(resolved.namespaceId, ctx.db)
    : undefined;
  return {
    agentId: agent.id,
    agentVersionId: version.id,
    // Talking to a department's namespace keeps the conversation in that department.
    departmentId: agent.departmentId ?? namespace?.departmentId ?? null,
    namespaceId: resolved.namespaceId,
  };
}
