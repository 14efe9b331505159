import { isLlmProvider, type LlmProviderName } from "../../config/llm-providers.js";
import { AppError } from "../../lib/errors.js";
import type { AgentRow, AgentVersionRow } from "../../repositories/agent.repository.js";
import type { ConversationRow } from "../../repositories/conversation.repository.js";
import type { Repositories } from "../../repositories/index.js";
import type { NamespaceRow } from "../../repositories/namespace.repository.js";
import type { ServiceContext } from "../context.js";
import { snapshotOfVersion } from "./agent-snapshot.js";
import { canSeeScope, loadVisible, requireAssistantRead } from "./assistant-access.js";
import { personaText } from "./persona-service.js";

/**
 * The one agent loader: every path that needs "the agent that answers" — a chat turn (its pinned
 * version, or the assistant an intent routes to), a new conversation, the assistants service — goes
 * through here, so the rules are written once (docs/architecture.md, "Assistants" → "Which agent
 * answers"):
 *
 * - **Visibility**: the caller needs `chat:use` or `agents:manage` and must see the agent's department
 *   (org-wide agents are seen by everyone); otherwise NOT_FOUND, as for a missing agent.
 * - **Usable**: a disabled or archived agent answers nothing — neither new nor pinned conversations
 *   (PRECONDITION_FAILED).
 * - **Version**: a conversation keeps the version it is pinned to; one without a pin gets the agent's
 *   current version (and the chat turn pins it). A new conversation gets the current version.
 * - **Persona**: the text the version was published with (its snapshot, tone included) — a persona
 *   edited or deleted later changes no published version; a version without one takes the namespace's
 *   persona (its linked persona's text, else its inline text); none → null.
 */

/** Everything of an agent version (and its namespace) that shapes a turn. */
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
  /** Model steps per turn, 1–50. */
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

/** A namespace as it shapes a turn: its system prompt and its persona's text. */
interface NamespacePart {
  row: NamespaceRow;
  persona: string | null;
}

/** The persona text a version was published with; null when it had none (or predates snapshots). */
function publishedPersona(version: AgentVersionRow): string | null {
  const snapshot: unknown = snapshotOfVersion(version);
  if (!snapshot || typeof snapshot !== "object" || !("persona" in snapshot)) return null;
  const text = (snapshot as { persona?: unknown }).persona;
  return typeof text === "string" && text.length > 0 ? text : null;
}

function resolve(agent: AgentRow, version: AgentVersionRow, namespace?: NamespacePart): ResolvedAgent {
  const provider = version.primaryModelProvider;
  return {
    agentId: agent.id,
    versionId: version.id,
    version: version.version,
    departmentId: agent.departmentId,
    name: version.name,
    prompt: version.prompt ?? "",
    persona: publishedPersona(version) ?? namespace?.persona ?? null,
    namespaceId: namespace?.row.id ?? null,
    namespaceSystemPrompt: namespace ? namespace.row.systemPrompt : null,
    provider: provider && isLlmProvider(provider) ? provider : null,
    model: version.primaryModel,
    temperature: version.primaryModelTemperature,
    toolsEnabled: version.toolsEnabled,
    ragEnabled: version.ragEnabled,
    maxSteps: Math.max(1, Math.min(50, version.maxSteps)),
  };
}

/** Loads the agent that answers; see the rules above. */
/** The repositories an agent is loaded from. */
export type AgentLoaderRepositories = Pick<
  Repositories,
  "agents" | "agentVersions" | "personas" | "namespaces"
>;

export function createAgentLoader(r: AgentLoaderRepositories) {
  /** Visible to the caller (else NOT_FOUND) and usable (else PRECONDITION_FAILED). */
  function assertUsable(ctx: ServiceContext, agent: AgentRow | undefined, ref: string): AgentRow {
    if (!agent || agent.orgId !== ctx.orgId || !canSeeScope(ctx.access, agent.departmentId)) {
      throw AppError.notFound("Agent", ref);
    }
    if (agent.archived || !agent.enabled) {
      throw new AppError(
        "PRECONDITION_FAILED",
        agent.archived ? `Agent ${agent.name} is archived` : `Agent ${agent.name} is disabled`,
      );
    }
    return agent;
  }

  /** A version of the caller's organisation, through the version cache (versions never change). */
  async function versionInOrg(ctx: ServiceContext, id: string): Promise<AgentVersionRow | undefined> {
    const version = await r.agentVersions.findById(id, ctx.db);
    return version?.orgId === ctx.orgId ? version : undefined;
  }

  async function current(ctx: ServiceContext, agent: AgentRow | undefined, ref: string) {
    const usable = assertUsable(ctx, agent, ref);
    const version = usable.currentVersionId ? await versionInOrg(ctx, usable.currentVersionId) : undefined;
    if (!version) throw new AppError("PRECONDITION_FAILED", `Agent ${usable.name} has no published version`);
    return { agent: usable, version };
  }

  async function namespacePart(ctx: ServiceContext, ns: NamespaceRow): Promise<NamespacePart> {
    const persona = ns.personaId ? await r.personas.findInOrg(ctx.orgId, ns.personaId, ctx.db) : undefined;
    return { row: ns, persona: persona ? personaText(persona) : (ns.persona ?? null) };
  }

  async function conversationNamespace(ctx: ServiceContext, conversation: ConversationRow) {
    if (!conversation.namespaceId) return undefined;
    const ns = await r.namespaces.findInOrg(ctx.orgId, conversation.namespaceId, ctx.db);
    return ns ? namespacePart(ctx, ns) : undefined;
  }

  async function activeNamespace(ctx: ServiceContext, namespaceId: string): Promise<NamespaceRow> {
    const ns = await loadVisible(ctx, "Namespace", namespaceId, () =>
      r.namespaces.findInOrg(ctx.orgId, namespaceId, ctx.db),
    );
    if (!ns.isActive) throw new AppError("PRECONDITION_FAILED", `Namespace ${ns.name} is not active`);
    return ns;
  }

  async function withNamespace(ctx: ServiceContext, found: Omit<AgentForChat, "resolved">, ns: NamespaceRow) {
    if (found.agent.departmentId !== null && found.agent.departmentId !== ns.departmentId) {
      throw new AppError("VALIDATION", "The agent does not belong to the namespace's department");
    }
    const part = await namespacePart(ctx, ns);
    return { ...found, resolved: resolve(found.agent, found.version, part) };
  }

  async function byRef(ctx: ServiceContext, ref: AgentRef) {
    if (ref.agentId) {
      return current(ctx, await r.agents.findInOrg(ctx.orgId, ref.agentId, ctx.db), ref.agentId);
    }
    if (ref.agentName) {
      return current(ctx, await r.agents.findLiveByName(ctx.orgId, ref.agentName, ctx.db), ref.agentName);
    }
    return undefined;
  }

  return {
    /**
     * By id, by name (case-insensitive, live agents) or through a namespace (its `config.defaultAgentId`,
     * else the department's oldest enabled agent); an agent named together with a namespace must be
     * of its department or org-wide, and gets the namespace's system prompt and persona. Invisible →
     * NOT_FOUND; disabled, archived, unpublished or an inactive namespace → PRECONDITION_FAILED.
     */
    async resolveAgentForChat(ctx: ServiceContext, ref: AgentRef): Promise<AgentForChat> {
      requireAssistantRead(ctx);
      const named = await byRef(ctx, ref);
      if (!ref.namespaceId) {
        if (named) return { ...named, resolved: resolve(named.agent, named.version) };
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
      return withNamespace(ctx, await current(ctx, agent, agent.id), ns);
    },

    /** A pinned version (a conversation continues with the version it started with), if visible and usable. */
    async loadAgentVersion(ctx: ServiceContext, versionId: string): Promise<AgentForChat> {
      requireAssistantRead(ctx);
      const version = await versionInOrg(ctx, versionId);
      const agent = version ? await r.agents.findInOrg(ctx.orgId, version.agentId, ctx.db) : undefined;
      if (!version || !agent || !canSeeScope(ctx.access, agent.departmentId)) {
        throw AppError.notFound("Agent version", versionId);
      }
      assertUsable(ctx, agent, agent.id);
      return { agent, version, resolved: resolve(agent, version) };
    },

    /**
     * The agent a conversation's turn is answered by: the version it is pinned to, with its namespace's
     * system prompt and persona. A conversation created before its agent was pinned gets the agent's
     * current version, returned as `pinVersionId` (the turn writes it with the user's message).
     */
    async forConversation(
      ctx: ServiceContext,
      conversation: ConversationRow,
    ): Promise<{ agent: ResolvedAgent; pinVersionId?: string }> {
      requireAssistantRead(ctx);
      // Independent reads, one round trip's wait instead of two.
      const [found, namespace] = await Promise.all([
        (async () => {
          if (!conversation.agentVersionId) {
            if (!conversation.agentId) return undefined;
            const agent = await r.agents.findInOrg(ctx.orgId, conversation.agentId, ctx.db);
            return { ...(await current(ctx, agent, conversation.agentId)), pinned: false };
          }
          const version = await versionInOrg(ctx, conversation.agentVersionId);
          if (!version) return undefined;
          const agent = await r.agents.findInOrg(ctx.orgId, version.agentId, ctx.db);
          return { agent: assertUsable(ctx, agent, version.agentId), version, pinned: true };
        })(),
        conversationNamespace(ctx, conversation),
      ]);
      if (!found) {
        throw new AppError(
          "PRECONDITION_FAILED",
          "The conversation has no published agent version to answer",
        );
      }
      const agent = resolve(found.agent, found.version, namespace);
      return found.pinned ? { agent } : { agent, pinVersionId: found.version.id };
    },

    /**
     * The current version of another agent answering in a conversation for one turn (an intent routed
     * to it), with the conversation's namespace; the conversation stays pinned to its own.
     */
    async routedAgent(
      ctx: ServiceContext,
      conversation: ConversationRow,
      agentId: string,
    ): Promise<ResolvedAgent> {
      requireAssistantRead(ctx);
      const [found, namespace] = await Promise.all([
        r.agents.findInOrg(ctx.orgId, agentId, ctx.db).then((agent) => current(ctx, agent, agentId)),
        conversationNamespace(ctx, conversation),
      ]);
      return resolve(found.agent, found.version, namespace);
    },
  };
}

export type AgentLoader = ReturnType<typeof createAgentLoader>;
