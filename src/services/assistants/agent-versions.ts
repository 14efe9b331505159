import { withTransaction } from "../../db/transaction.js";
import { AppError } from "../../lib/errors.js";
import type { PageQuery } from "../../lib/pagination.js";
import type { AgentVersionRow } from "../../repositories/agent.repository.js";
import type { Repositories } from "../../repositories/index.js";
import { recordAudit } from "../audit/record-audit.js";
import type { ServiceContext } from "../context.js";
import {
  type AgentView,
  agentViews,
  currentSnapshot,
  hiddenKnowledgeBases,
  loadAgent,
  loadWritableAgent,
} from "./agent-loading.js";
import {
  type AgentVersionView,
  sameSnapshot,
  snapshotOfVersion,
  versionValues,
  versionView,
} from "./agent-snapshot.js";

export type AgentVersionsRepositories = Pick<
  Repositories,
  "agentVersions" | "agents" | "auditLogs" | "departments" | "knowledgeBases" | "personas"
>;

/** Publishing (draft → immutable version) and reading the versions of an agent. */
export function createAgentVersions(r: AgentVersionsRepositories) {
  /** Versions as the caller may see them: bases of departments hidden from them left out (as drafts). */
  async function visibleVersionViews(ctx: ServiceContext, versions: AgentVersionRow[]) {
    const views = versions.map(versionView);
    const hidden = await hiddenKnowledgeBases(r, ctx, views);
    return views.map((view) => ({ ...view, ragEnabled: view.ragEnabled.filter((kb) => !hidden.has(kb)) }));
  }

  return {
    /**
     * Snapshots the draft as version n+1 and makes it current. Refused with CONFLICT when nothing
     * changed since the current version, so the history only holds real changes.
     */
    async publish(
      ctx: ServiceContext,
      id: string,
      input: { changelog?: string | undefined } = {},
    ): Promise<AgentView> {
      const agent = await loadWritableAgent(r, ctx, id);
      return withTransaction(ctx.db, async (tx) => {
        const txCtx = { ...ctx, db: tx };
        const snapshot = await currentSnapshot(r, txCtx, agent);
        const current = agent.currentVersionId
          ? await r.agentVersions.findById(agent.currentVersionId, tx)
          : undefined;
        if (current && sameSnapshot(snapshot, snapshotOfVersion(current))) {
          throw new AppError("CONFLICT", "No changes since the current version; nothing to publish");
        }
        const number = (await r.agentVersions.latestNumber(agent.id, tx)) + 1;
        const version = await r.agentVersions.create(
          {
            ...versionValues(agent, snapshot, number),
            changelog: input.changelog ?? null,
            publishedById: ctx.actor.userId ?? null,
          },
          tx,
        );
        const updated = await r.agents.update(agent.id, { currentVersionId: version.id }, tx);
        await recordAudit(
          r,
          ctx,
          {
            action: "agent.published",
            entityType: "agent",
            entityId: agent.id,
            departmentId: agent.departmentId,
            changes: { version: number, versionId: version.id, changelog: input.changelog ?? null },
          },
          tx,
        );
        return (await agentViews(r, txCtx, [updated!]))[0]!;
      });
    },

    async listVersions(ctx: ServiceContext, id: string, page: PageQuery) {
      const agent = await loadAgent(r, ctx, id);
      const result = await r.agentVersions.pageFor(agent.id, page, ctx.db);
      return { ...result, items: await visibleVersionViews(ctx, result.items) };
    },

    async getVersion(ctx: ServiceContext, id: string, number: number): Promise<AgentVersionView> {
      const agent = await loadAgent(r, ctx, id);
      const version = await r.agentVersions.findByNumber(agent.id, number, ctx.db);
      if (!version) throw AppError.notFound("Agent version", String(number));
      return (await visibleVersionViews(ctx, [version]))[0]!;
    },
  };
}
