import type { Repositories } from "../../repositories/index.js";
import type { ServiceContext } from "../context.js";

/** The repositories a chat turn reads and writes (conversation, agent, trace, governance rows). */
export type ChatRepositories = Pick<
  Repositories,
  | "conversations"
  | "messages"
  | "users"
  | "agents"
  | "agentVersions"
  | "personas"
  | "namespaces"
  | "knowledgeBases"
  | "agentTasks"
  | "agentRuns"
  | "agentToolCalls"
  | "retrievalHits"
  | "piiRedactionMaps"
  | "intentTrust"
  | "approvals"
  | "approvalPolicies"
  | "auditLogs"
>;

/**
 * What the turn pipeline needs from neighbouring domains, as interfaces so each side can change alone.
 * Implemented by services/usage (budgets) and services/memory (employee profiles).
 */
export interface BudgetGuard {
  /** Throws AppError LIMIT_EXCEEDED when the department's or the organisation's monthly budget is spent. */
  assertWithinBudget(ctx: ServiceContext, departmentId: string | null): Promise<void>;
  /**
   * Which of these departments have spent their own monthly budget (the organisation's is checked by
   * `assertWithinBudget`): a turn does not read their knowledge until the budget allows it again.
   */
  spentDepartments(ctx: ServiceContext, departmentIds: readonly string[]): Promise<Set<string>>;
}

export interface MemoryReader {
  /** The user's profile as a short prompt section, or null when there is none. */
  forPrompt(ctx: ServiceContext, userId: string): Promise<string | null>;
  /** Enqueues (deduplicated) a background extraction of the user's profile after a conversation turn. */
  scheduleExtraction(ctx: ServiceContext, userId: string, conversationId: string): Promise<void>;
}
