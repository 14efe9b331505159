import { isLlmProvider, type LlmProviderName } from "../../config/llm-providers.js";
import { AppError } from "../../lib/errors.js";
import type { AgentRow, AgentVersionRow } from "../../repositories/agent.repository.js";
import type { Repositories } from "../../repositories/index.js";
import type { NamespaceRow } from "../../repositories/namespace.repository.js";
import type { ServiceContext } from "../context.js";
import { snapshotOfVersion } from "./agent-snapshot.js";
import { canSeeScope, loadVisible, requireAssistantRead } from "./assistant-access.js";
import { personaText } from "./persona-service.js";

/** Everything the chat runtime needs to run one turn with a published agent version. */
export interface ResolvedAgent {
  agentId: string;
  versionId: string;
  version: number;
  departmentId: string | null;
  name: string;
  prompt: string;
  /** The version's pinned persona text, else the namespace's persona; null when neither has one. */
  persona: string | null;
  /** Set when the conversation was addressed to a namespace. */
  namespaceId: string | null;
  namespaceSystemPrompt: string | null;
  /** Null: the configured default provider. */
  provider: LlmProviderName | null;
  model: string | null;
  temperature: number | null;
  toolsEnabled: string[];
  ragEnabled: string[];
  maxSteps: number;
}

export interface AgentForChat {
  agent: AgentRow;
  version: AgentVersionRow;
  resolved: ResolvedAgent;
}

export interface AgentRef {
  agentId?: string | undefined;
  agentName?: string | undefined;
  namespaceId?: string | undefined;
}

function resolve(
  agent: AgentRow,
  version: AgentVersionRow,
  namespace?: { row: NamespaceRow; persona: string | null },
): ResolvedAgent {
  const snapshot = snapshotOfVersion(version);
  const provider = version.primaryModelProvider;
  return {
    agentId: agent.id,
    versionId: version.id,
    version: version.version,
    departmentId: agent.departmentId,
    name: version.name,
    prompt: version.prompt ?? "",
    persona: snapshot.persona ?? namespace?.persona ?? null,
    namespaceId: namespace?.row.id ?? null,
    namespaceSystemPrompt: namespace ? namespace.row.systemPrompt : null,
    provider: provider && isLlmProvider(provider) ? provider : null,
    model: version.primaryModel,
    temperature: version.primaryModelTemperature,
    toolsEnabled: version.toolsEnabled,
    ragEnabled: version.ragEnabled,
    maxSteps: version.maxSteps,
  };
}

/** Finds the agent a conversation talks to and its current published version. */
export function createAgentResolver(r: Repositories) {
  const unusable = (agent: AgentRow) =>
    new AppError(
      "PRECONDITION_FAILED",
      agent.archived ? `Agent ${agent.name} is archived` : `Agent ${agent.name} is disabled`,
    );

  async function usable(
    ctx: ServiceContext,
    agent: AgentRow | undefined,
    ref: string,
  ): Promise<AgentForChat> {
    if (!agent || !canSeeScope(ctx.access, agent.departmentId)) throw AppError.notFound("Agent", ref);
    if (agent.archived || !agent.enabled) throw unusable(agent);
    const version = agent.currentVersionId
      ? await r.agentVersions.findById(agent.currentVersionId, ctx.db)
      : undefined;
    if (!version) throw new AppError("PRECONDITION_FAILED", `Agent ${agent.name} has no published version`);
    return { agent, version, resolved: resolve(agent, version) };
  }

  async function namespacePersona(ctx: ServiceContext, ns: NamespaceRow): Promise<string | null> {
    const persona = ns.personaId ? await r.personas.findInOrg(ctx.orgId, ns.personaId, ctx.db) : undefined;
    return persona ? personaText(persona) : (ns.persona ?? null);
  }

  async function activeNamespace(ctx: ServiceContext, namespaceId: string): Promise<NamespaceRow> {
    const ns = await loadVisible(ctx, "Namespace", namespaceId, () =>
      r.namespaces.findInOrg(ctx.orgId, namespaceId, ctx.db),
    );
    if (!ns.isActive) throw new AppError("PRECONDITION_FAILED", `Namespace ${ns.name} is not active`);
    return ns;
  }

  async function withNamespace(ctx: ServiceContext, found: AgentForChat, ns: NamespaceRow) {
    if (found.agent.departmentId !== null && found.agent.departmentId !== ns.departmentId) {
      throw new AppError("VALIDATION", "The agent does not belong to the namespace's department");
    }
    const persona = await namespacePersona(ctx, ns);
    return { ...found, resolved: resolve(found.agent, found.version, { row: ns, persona }) };
  }

  async function byRef(ctx: ServiceContext, ref: AgentRef): Promise<AgentForChat | undefined> {
    if (ref.agentId)
      return usable(ctx, await r.agents.findInOrg(ctx.orgId, ref.agentId, ctx.db), ref.agentId);
    if (ref.agentName) {
      return usable(ctx, await r.agents.findLiveByName(ctx.orgId, ref.agentName, ctx.db), ref.agentName);
    }
    return undefined;
  }

  return {
    /**
     * By id, by name (case-insensitive, live agents) or through a namespace (its `config.defaultAgentId`,
     * else the department's oldest enabled agent); an agent named together with a namespace must be
     * of its department or org-wide, and gets the namespace's system prompt and persona. Invisible → NOT_FOUND; disabled, archived or
     * unpublished → PRECONDITION_FAILED.
     */
    async resolveAgentForChat(ctx: ServiceContext, ref: AgentRef): Promise<AgentForChat> {
      requireAssistantRead(ctx);
      const named = await byRef(ctx, ref);
      if (!ref.namespaceId) {
        if (named) return named;
        throw new AppError("VALIDATION", "Name an agent (id or name) or a namespace");
      }
      const ns = await activeNamespace(ctx, ref.namespaceId);
      if (named) return withNamespace(ctx, named, ns);
      const defaultId = ns.config.defaultAgentId;
      const agent =
        typeof defaultId === "string"
          ? await r.agents.findInOrg(ctx.orgId, defaultId, ctx.db)
          : await r.agents.firstEnabledInDepartment(ns.departmentId, ctx.db);
      if (!agent) throw new AppError("PRECONDITION_FAILED", `Namespace ${ns.name} has no agent to answer`);
      return withNamespace(ctx, await usable(ctx, agent, agent.id), ns);
    },

    /** A pinned version (a conversation continues with the version it started with), if visible. */
    async loadAgentVersion(ctx: ServiceContext, versionId: string): Promise<AgentForChat> {
      requireAssistantRead(ctx);
      const version = await r.agentVersions.findInOrg(ctx.orgId, versionId, ctx.db);
      const agent = version ? await r.agents.findInOrg(ctx.orgId, version.agentId, ctx.db) : undefined;
      if (!version || !agent || !canSeeScope(ctx.access, agent.departmentId)) {
        throw AppError.notFound("Agent version", versionId);
      }
      return { agent, version, resolved: resolve(agent, version) };
    },
  };
}
