import { canSeeDepartment } from "../../core/access.js";
import { AppError } from "../../lib/errors.js";
import type { AgentRow } from "../../repositories/agent.repository.js";
import type { Repositories } from "../../repositories/index.js";
import type { PersonaRow } from "../../repositories/persona.repository.js";
import type { ServiceContext } from "../context.js";
import { type AgentSnapshot, sameSnapshot, snapshotOf, snapshotOfVersion } from "./agent-snapshot.js";
import { assertScopeWritable, hasAllDepartments, loadVisible } from "./assistant-access.js";

export type AgentLoadingRepositories = Pick<
  Repositories,
  "agentVersions" | "agents" | "departments" | "knowledgeBases" | "personas"
>;

export type AgentView = AgentRow & { currentVersion: number | null; hasUnpublishedChanges: boolean };

export function loadAgent(r: AgentLoadingRepositories, ctx: ServiceContext, id: string): Promise<AgentRow> {
  return loadVisible(ctx, "Agent", id, () => r.agents.findInOrg(ctx.orgId, id, ctx.db));
}

/** An agent the caller may change: visible, writable scope, and not archived (archived is final). */
export async function loadWritableAgent(
  r: AgentLoadingRepositories,
  ctx: ServiceContext,
  id: string,
): Promise<AgentRow> {
  const agent = await loadAgent(r, ctx, id);
  await assertScopeWritable(r, ctx, agent.departmentId);
  if (agent.archived)
    throw new AppError("PRECONDITION_FAILED", "The agent is archived and can no longer change");
  return agent;
}

export async function personaOf(r: AgentLoadingRepositories, ctx: ServiceContext, agent: AgentRow) {
  return agent.personaId ? r.personas.findInOrg(ctx.orgId, agent.personaId, ctx.db) : undefined;
}

export async function currentSnapshot(r: AgentLoadingRepositories, ctx: ServiceContext, agent: AgentRow) {
  return snapshotOf(agent, await personaOf(r, ctx, agent));
}

/**
 * Draft rows with their published version number and whether the draft moved on since. Loads
 * versions, personas and (for org-wide agents seen by department-limited callers) knowledge bases in
 * one query each, whatever the page size.
 */
export async function agentViews(
  r: AgentLoadingRepositories,
  ctx: ServiceContext,
  agents: AgentRow[],
): Promise<AgentView[]> {
  const ids = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => v !== null))];
  const versions = new Map(
    (await r.agentVersions.findByIds(ids(agents.map((a) => a.currentVersionId)), ctx.db)).map((v) => [
      v.id,
      v,
    ]),
  );
  const personas = new Map<string, PersonaRow>(
    (await r.personas.findByIds(ids(agents.map((a) => a.personaId)), ctx.db)).map((p) => [p.id, p]),
  );
  const hiddenBases = await hiddenKnowledgeBases(r, ctx, agents);
  return agents.map((agent) => {
    const version = agent.currentVersionId ? versions.get(agent.currentVersionId) : undefined;
    const draft: AgentSnapshot = snapshotOf(
      agent,
      agent.personaId ? personas.get(agent.personaId) : undefined,
    );
    return {
      ...agent,
      ragEnabled: agent.ragEnabled.filter((id) => !hiddenBases.has(id)),
      currentVersion: version?.version ?? null,
      hasUnpublishedChanges: !sameSnapshot(draft, version ? snapshotOfVersion(version) : undefined),
    };
  });
}

/**
 * An org-wide agent may retrieve from bases of several departments; a caller who does not reach all of
 * them sees the agent but not the ids of bases in departments hidden from them — in its draft and in
 * every published version (`snapshots` are drafts or versions: a department and the bases they use).
 */
export async function hiddenKnowledgeBases(
  r: AgentLoadingRepositories,
  ctx: ServiceContext,
  snapshots: Array<Pick<AgentRow, "departmentId" | "ragEnabled">>,
) {
  if (hasAllDepartments(ctx.access)) return new Set<string>();
  const ids = [...new Set(snapshots.filter((a) => a.departmentId === null).flatMap((a) => a.ragEnabled))];
  if (ids.length === 0) return new Set<string>();
  const bases = await r.knowledgeBases.findByIds(ids, ctx.db);
  const visible = new Set(
    bases.filter((kb) => canSeeDepartment(ctx.access, kb.departmentId)).map((kb) => kb.id),
  );
  return new Set(ids.filter((id) => !visible.has(id)));
}
