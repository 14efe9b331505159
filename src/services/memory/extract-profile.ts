import { systemAccess } from "../../core/access.js";
import type { Db } from "../../db/client.js";
import { isAppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import type { Logger } from "../../lib/logger.js";
import type { ChatModelProvider } from "../../providers/llm/chat-model.js";
import type { Repositories } from "../../repositories/index.js";
import type { BudgetGuard } from "../chat/collaborators.js";
import type { ServiceContext } from "../context.js";
import { heuristicProfile } from "./heuristic-profile.js";
import { llmProfile } from "./llm-profile.js";
import type { ExtractedProfile, ProfileInput } from "./profile.js";

export interface ExtractionDeps {
  db: Db;
  repositories: Pick<Repositories, "agentRuns">;
  chatModels?: (() => ChatModelProvider | undefined) | undefined;
  budget?: BudgetGuard | undefined;
  orgId: string;
  userId: string;
  departmentId: string | null;
  logger: Logger;
  signal?: AbortSignal | undefined;
}

export interface Extraction {
  profile: ExtractedProfile;
  source: "llm" | "heuristic";
}

/** The configured model when it is a real one (not the offline `extractive` answerer), else undefined. */
function realModel(deps: ExtractionDeps) {
  const provider = deps.chatModels?.();
  if (!provider) return undefined;
  try {
    const resolved = provider.resolve({});
    return resolved.spec.provider === "extractive" ? undefined : { provider, ...resolved };
  } catch (error) {
    deps.logger.warn({ err: error }, "no chat model for memory extraction; using the heuristic");
    return undefined;
  }
}

async function withinBudget(deps: ExtractionDeps): Promise<boolean> {
  if (!deps.budget) return true;
  const ctx: ServiceContext = {
    orgId: deps.orgId,
    actor: { kind: "system", id: "memory.extract" },
    access: systemAccess,
    db: deps.db,
    meta: { requestId: `memory.extract:${deps.userId}` },
    logger: deps.logger,
  };
  try {
    await deps.budget.assertWithinBudget(ctx, deps.departmentId);
    return true;
  } catch (error) {
    if (isAppError(error) && error.code === "LIMIT_EXCEEDED") return false;
    throw error;
  }
}

/**
 * Extracts a profile with the configured model when there is a real one and the budget allows it
 * (the call is recorded as an agent run, so it counts against budgets); otherwise, or when the model
 * fails or answers badly, with the offline heuristic.
 */
export async function extractProfile(input: ProfileInput, deps: ExtractionDeps): Promise<Extraction> {
  const model = realModel(deps);
  if (!model || !(await withinBudget(deps))) return { profile: heuristicProfile(input), source: "heuristic" };
  const started = Date.now();
  try {
    const { profile, usage } = await llmProfile(model.model, input, { signal: deps.signal });
    const startedAt = new Date(started);
    await deps.repositories.agentRuns.create({
      orgId: deps.orgId,
      departmentId: deps.departmentId,
      userId: deps.userId,
      traceId: newId(),
      provider: model.spec.provider,
      model: model.spec.model,
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
      totalTokens: usage.promptTokens + usage.completionTokens,
      costUsd: model.provider.costUsd(model.spec, usage),
      latencyMs: Date.now() - started,
      status: "ok",
      metadata: { purpose: "memory.extract" },
      startedAt,
      finishedAt: new Date(),
    });
    return { profile, source: "llm" };
  } catch (error) {
    deps.signal?.throwIfAborted();
    deps.logger.warn({ err: error }, "LLM memory extraction failed; using the heuristic");
    return { profile: heuristicProfile(input), source: "heuristic" };
  }
}
