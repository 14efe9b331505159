import { AppError } from "../../lib/errors.js";
import type { ConversationRow } from "../../repositories/conversation.repository.js";
import type { Repositories } from "../../repositories/index.js";
import type { ServiceContext } from "../context.js";

/** Everything of an agent version (and its namespace) that shapes a turn. */
export interface TurnAgent {
  agentId: string;
  versionId: string;
  version: number;
  departmentId: string | null;
  name: string;
  prompt: string;
  persona: string;
  namespaceSystemPrompt: string;
  provider: string | undefined;
  model: string | undefined;
  temperature: number | undefined;
  toolsEnabled: string[];
  ragEnabled: string[];
  maxSteps: number;
}

type VersionRow = NonNullable<Awaited<ReturnType<Repositories["agentVersions"]["findById"]>>>;
type AgentRepositories = Pick<Repositories, "agents" | "agentVersions" | "personas" | "namespaces">;

/** The persona text a version was published with (snapshot), else the persona row's prompt. */
async function personaOf(r: AgentRepositories, ctx: ServiceContext, version: VersionRow): Promise<string> {
  const snapshot = version.config.snapshot;
  if (snapshot && typeof snapshot === "object" && "persona" in snapshot) {
    const text = (snapshot as { persona?: unknown }).persona;
    if (typeof text === "string") return text;
  }
  if (!version.personaId) return "";
  const persona = await r.personas.findById(version.personaId, ctx.db);
  return persona?.prompt ?? "";
}

/**
 * The agent version a conversation is pinned to: a conversation keeps the version it started on, so
 * a newer publication does not change an ongoing conversation. A conversation created before its
 * agent was pinned gets the agent's current version (and keeps it: `pinVersionId` is written with
 * the user's message).
 */
export async function loadPinnedAgent(
  r: AgentRepositories,
  ctx: ServiceContext,
  conversation: ConversationRow,
): Promise<{ agent: TurnAgent; pinVersionId?: string }> {
  let versionId = conversation.agentVersionId;
  let pinVersionId: string | undefined;
  if (!versionId && conversation.agentId) {
    const agent = await r.agents.findById(conversation.agentId, ctx.db);
    versionId = agent?.currentVersionId ?? null;
    pinVersionId = versionId ?? undefined;
  }
  if (!versionId) {
    throw new AppError("PRECONDITION_FAILED", "The conversation has no published agent version to answer");
  }
  const version = await r.agentVersions.findById(versionId, ctx.db);
  if (version?.orgId !== ctx.orgId) {
    throw new AppError("PRECONDITION_FAILED", "The conversation's agent version no longer exists");
  }
  // Independent reads, one round trip's wait instead of three.
  const [namespace, agentRow, persona] = await Promise.all([
    conversation.namespaceId ? r.namespaces.findById(conversation.namespaceId, ctx.db) : undefined,
    r.agents.findById(version.agentId, ctx.db),
    personaOf(r, ctx, version),
  ]);
  // The version is pinned, but a disabled or archived agent stops answering altogether.
  if (!agentRow || agentRow.archived || !agentRow.enabled) {
    throw new AppError("PRECONDITION_FAILED", `The assistant ${version.name} is disabled or archived`);
  }
  const agent: TurnAgent = {
    agentId: version.agentId,
    versionId: version.id,
    version: version.version,
    departmentId: agentRow.departmentId,
    name: version.name,
    prompt: version.prompt ?? "",
    persona: persona || (namespace?.persona ?? ""),
    namespaceSystemPrompt: namespace?.systemPrompt ?? "",
    provider: version.primaryModelProvider ?? undefined,
    model: version.primaryModel ?? undefined,
    temperature: version.primaryModelTemperature ?? undefined,
    toolsEnabled: version.toolsEnabled,
    ragEnabled: version.ragEnabled,
    maxSteps: Math.max(1, Math.min(50, version.maxSteps)),
  };
  return pinVersionId ? { agent, pinVersionId } : { agent };
}
