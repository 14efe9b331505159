import { and, asc, desc, eq, isNotNull, isNull, or, type SQL, sql } from "drizzle-orm";
import { type Access, hasPermission } from "../core/access.js";
import type { Queryable } from "../db/client.js";
import { guarded } from "../db/errors.js";
import { agentRuns, agents, agentTasks, agentToolCalls, retrievalHits } from "../db/schema/index.js";
import { departmentOrOrgWideScope } from "./scope.js";

export type AgentTaskRow = typeof agentTasks.$inferSelect;
export type AgentRunRow = typeof agentRuns.$inferSelect;
export type AgentToolCallRow = typeof agentToolCalls.$inferSelect;
export type RetrievalHitRow = typeof retrievalHits.$inferSelect;

/**
 * Reads of one turn's trace (task, tool calls, run, retrieval hits). Writes go through the plain
 * table repositories; these are the queries that join a trace together.
 */
export class RunTraceRepository {
  constructor(private readonly db: Queryable) {}

  private q(tx?: Queryable): Queryable {
    return tx ?? this.db;
  }

  /** The run named by its own id or by its task's id, within the organisation. */
  async findRun(orgId: string, runOrTaskId: string, tx?: Queryable): Promise<AgentRunRow | undefined> {
    const rows = await guarded(() =>
      this.q(tx)
        .select()
        .from(agentRuns)
        .where(
          and(
            eq(agentRuns.orgId, orgId),
            or(eq(agentRuns.id, runOrTaskId), eq(agentRuns.agentTaskId, runOrTaskId)),
          ),
        )
        .orderBy(desc(agentRuns.createdAt))
        .limit(1),
    );
    return rows[0];
  }

  async findTask(orgId: string, taskId: string, tx?: Queryable): Promise<AgentTaskRow | undefined> {
    const rows = await guarded(() =>
      this.q(tx)
        .select()
        .from(agentTasks)
        .where(and(eq(agentTasks.orgId, orgId), eq(agentTasks.id, taskId)))
        .limit(1),
    );
    return rows[0];
  }

  toolCalls(taskId: string, tx?: Queryable): Promise<AgentToolCallRow[]> {
    return guarded(() =>
      this.q(tx)
        .select()
        .from(agentToolCalls)
        .where(eq(agentToolCalls.agentTaskId, taskId))
        .orderBy(asc(agentToolCalls.stepIndex), asc(agentToolCalls.startedAt), asc(agentToolCalls.id)),
    );
  }

  retrievalHits(runId: string, tx?: Queryable): Promise<RetrievalHitRow[]> {
    return guarded(() =>
      this.q(tx)
        .select()
        .from(retrievalHits)
        .where(eq(retrievalHits.agentRunId, runId))
        .orderBy(asc(retrievalHits.rank)),
    );
  }

  /** A conversation's runs, newest first. */
  runsOfConversation(conversationId: string, limit: number, tx?: Queryable): Promise<AgentRunRow[]> {
    return guarded(() =>
      this.q(tx)
        .select()
        .from(agentRuns)
        .where(eq(agentRuns.conversationId, conversationId))
        .orderBy(desc(agentRuns.createdAt), desc(agentRuns.id))
        .limit(limit),
    );
  }

  /**
   * The organisation's newest runs the caller may read (the same rule as one trace): inside the
   * departments they reach, and either their own, or a department's with `analytics:read`, or an
   * org-wide assistant's with `org:admin`. With the assistant's name.
   */
  readableRuns(
    filter: { orgId: string; userId: string | null; access: Access; limit: number },
    tx?: Queryable,
  ): Promise<(AgentRunRow & { agentName: string | null })[]> {
    const readable: (SQL | undefined)[] = [filter.userId ? eq(agentRuns.userId, filter.userId) : undefined];
    if (hasPermission(filter.access, "analytics:read")) readable.push(isNotNull(agentRuns.departmentId));
    if (hasPermission(filter.access, "org:admin")) readable.push(isNull(agentRuns.departmentId));
    const anyOf = readable.filter((c): c is SQL => c !== undefined);
    return guarded(async () => {
      const rows = await this.q(tx)
        .select({ run: agentRuns, agentName: agents.name })
        .from(agentRuns)
        .leftJoin(agents, eq(agents.id, agentRuns.agentId))
        .where(
          and(
            eq(agentRuns.orgId, filter.orgId),
            departmentOrOrgWideScope(agentRuns.departmentId, filter.access),
            anyOf.length > 0 ? or(...anyOf) : sql`false`,
          ),
        )
        .orderBy(desc(agentRuns.createdAt), desc(agentRuns.id))
        .limit(filter.limit);
      return rows.map((r) => ({ ...r.run, agentName: r.agentName }));
    });
  }
}
