import type { Queryable } from "../../db/client.js";
import { withTransaction } from "../../db/transaction.js";
import { AppError } from "../../lib/errors.js";
import { normalizeName } from "../../lib/names.js";
import type { PageQuery } from "../../lib/pagination.js";
import type { AgentFilter, AgentRow } from "../../repositories/agent.repository.js";
import type { Repositories } from "../../repositories/index.js";
import { diff, recordAudit } from "../audit/record-audit.js";
import type { ServiceContext } from "../context.js";
import { createAgentLoader } from "./agent-loader.js";
import { type AgentView, agentViews, loadAgent, loadWritableAgent } from "./agent-loading.js";
import { snapshotOf, versionValues } from "./agent-snapshot.js";
import { validateAgentFields } from "./agent-validation.js";
import { createAgentVersions } from "./agent-versions.js";
import { assertScopeWritable, requireAssistantRead } from "./assistant-access.js";

export type AgentServiceRepositories = Pick<
  Repositories,
  "agentVersions" | "agents" | "auditLogs" | "departments" | "knowledgeBases" | "namespaces" | "personas"
>;

export interface AgentInput {
  name: string;
  description?: string | null | undefined;
  /** Null or absent: an organisation-wide agent (needs a role reaching every department). */
  departmentId?: string | null | undefined;
  personaId?: string | null | undefined;
  prompt?: string | null | undefined;
  /** Null: the configured default provider. */
  primaryModelProvider?: string | null | undefined;
  primaryModel?: string | null | undefined;
  primaryModelTemperature?: number | null | undefined;
  toolsEnabled?: string[] | undefined;
  ragEnabled?: string[] | undefined;
  maxSteps?: number | undefined;
  config?: Record<string, unknown> | undefined;
}

export type AgentPatch = Partial<Omit<AgentInput, "departmentId">>;

export function createAgentService(r: AgentServiceRepositories) {
  const one = async (ctx: ServiceContext, agent: AgentRow) => (await agentViews(r, ctx, [agent]))[0]!;
  const loader = createAgentLoader(r);

  /** Live names are unique per organisation (the OpenAI-compatible endpoint addresses agents by name). */
  async function assertNameFree(ctx: ServiceContext, name: string, self?: string) {
    const taken = await r.agents.findLiveByName(ctx.orgId, name, ctx.db);
    if (taken && taken.id !== self) {
      throw new AppError("CONFLICT", `An agent named "${name}" already exists`, { field: "name" });
    }
  }

  async function audit(ctx: ServiceContext, action: string, agent: AgentRow, changes: object, tx: Queryable) {
    await recordAudit(
      r,
      ctx,
      {
        action: `agent.${action}`,
        entityType: "agent",
        entityId: agent.id,
        departmentId: agent.departmentId,
        changes: { ...changes },
      },
      tx,
    );
  }

  async function setFlags(
    ctx: ServiceContext,
    id: string,
    action: "enabled" | "disabled" | "archived",
  ): Promise<AgentView> {
    const agent = await loadAgent(r, ctx, id);
    await assertScopeWritable(r, ctx, agent.departmentId);
    if (agent.archived) {
      if (action === "archived") return one(ctx, agent);
      throw new AppError("PRECONDITION_FAILED", "The agent is archived and can no longer change");
    }
    const values =
      action === "archived" ? { archived: true, enabled: false } : { enabled: action === "enabled" };
    return withTransaction(ctx.db, async (tx) => {
      const updated = await r.agents.update(id, values, tx);
      await audit(ctx, action, agent, diff(agent, values), tx);
      return one({ ...ctx, db: tx }, updated!);
    });
  }

  return {
    async list(ctx: ServiceContext, filter: AgentFilter, page: PageQuery) {
      requireAssistantRead(ctx);
      const result = await r.agents.pageVisible(ctx.orgId, ctx.access, filter, page, ctx.db);
      return { ...result, items: await agentViews(r, ctx, result.items) };
    },

    async get(ctx: ServiceContext, id: string): Promise<AgentView> {
      return one(ctx, await loadAgent(r, ctx, id));
    },

    /** Creates the draft and publishes it as version 1 at once, so a new agent is usable immediately. */
    async create(ctx: ServiceContext, input: AgentInput): Promise<AgentView> {
      input = { ...input, name: normalizeName(input.name) };
      const departmentId = input.departmentId ?? null;
      await assertScopeWritable(r, ctx, departmentId);
      const fields = await validateAgentFields(r, ctx, departmentId, input);
      await assertNameFree(ctx, input.name);
      return withTransaction(ctx.db, async (tx) => {
        const draft = await r.agents.create(
          { ...fields, orgId: ctx.orgId, departmentId, createdById: ctx.actor.userId ?? null },
          tx,
        );
        const persona = draft.personaId ? await r.personas.findById(draft.personaId, tx) : undefined;
        const version = await r.agentVersions.create(
          {
            ...versionValues(draft, snapshotOf(draft, persona), 1),
            changelog: "Created",
            publishedById: ctx.actor.userId ?? null,
          },
          tx,
        );
        const agent = await r.agents.update(draft.id, { currentVersionId: version.id }, tx);
        await audit(ctx, "created", agent!, { name: agent!.name, version: 1 }, tx);
        return one({ ...ctx, db: tx }, agent!);
      });
    },

    /** Changes the draft only; conversations keep using the published version until the next publish. */
    async update(ctx: ServiceContext, id: string, patch: AgentPatch): Promise<AgentView> {
      const agent = await loadWritableAgent(r, ctx, id);
      if (patch.name !== undefined) patch = { ...patch, name: normalizeName(patch.name) };
      const fields = await validateAgentFields(r, ctx, agent.departmentId, patch);
      if (patch.name !== undefined) await assertNameFree(ctx, patch.name, id);
      return withTransaction(ctx.db, async (tx) => {
        const updated = await r.agents.update(id, fields, tx);
        await audit(ctx, "updated", agent, diff(agent, fields), tx);
        return one({ ...ctx, db: tx }, updated!);
      });
    },

    enable: (ctx: ServiceContext, id: string) => setFlags(ctx, id, "enabled"),
    disable: (ctx: ServiceContext, id: string) => setFlags(ctx, id, "disabled"),
    /** Final: the agent leaves lists (unless asked for) and its name becomes free again. */
    archive: (ctx: ServiceContext, id: string) => setFlags(ctx, id, "archived"),

    ...createAgentVersions(r),
    resolveAgentForChat: loader.resolveAgentForChat,
    loadAgentVersion: loader.loadAgentVersion,
  };
}

export type AgentService = ReturnType<typeof createAgentService>;
