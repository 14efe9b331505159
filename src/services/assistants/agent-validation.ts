import { isLlmProvider } from "../../config/llm-providers.js";
import { canSeeDepartment } from "../../core/access.js";
import { AppError } from "../../lib/errors.js";
import type { Repositories } from "../../repositories/index.js";
import type { ServiceContext } from "../context.js";
import { isBuiltinTool } from "../tools/builtins/names.js";
import { usablePersona } from "./references.js";

export type AgentValidationRepositories = Pick<Repositories, "agents" | "knowledgeBases" | "personas">;

/** The agent fields that are checked against other rows (the rest is checked by the schema). */
export interface AgentReferences {
  personaId?: string | null | undefined;
  primaryModelProvider?: string | null | undefined;
  primaryModelTemperature?: number | null | undefined;
  maxSteps?: number | undefined;
  toolsEnabled?: string[] | undefined;
  ragEnabled?: string[] | undefined;
}

const unique = (values: string[]) => [...new Set(values)];

/**
 * Tools an agent of `departmentId` may name: built-ins, and enabled `tools` rows that are
 * organisation-wide or of the agent's department (for an org-wide agent: any the caller can see).
 */
async function unknownTools(
  r: AgentValidationRepositories,
  ctx: ServiceContext,
  departmentId: string | null,
  names: string[],
) {
  const custom = names.filter((name) => !isBuiltinTool(name));
  const rows = await r.agents.enabledTools(ctx.orgId, custom, ctx.db);
  const usable = new Set(
    rows
      .filter(
        (tool) =>
          tool.departmentId === null ||
          (departmentId === null
            ? canSeeDepartment(ctx.access, tool.departmentId)
            : tool.departmentId === departmentId),
      )
      .map((tool) => tool.name),
  );
  return custom.filter((name) => !usable.has(name));
}

/**
 * Knowledge bases an agent of `departmentId` may retrieve from: those of its own department; for an
 * org-wide agent, any the caller can read. Ids that fail are reported as given, never with a name,
 * so an id of a hidden base reveals nothing.
 */
async function unreadableBases(
  r: AgentValidationRepositories,
  ctx: ServiceContext,
  departmentId: string | null,
  ids: string[],
) {
  const rows = await r.knowledgeBases.findByIds(ids, ctx.db);
  const readable = new Set(
    rows
      .filter(
        (kb) =>
          kb.orgId === ctx.orgId &&
          canSeeDepartment(ctx.access, kb.departmentId) &&
          (departmentId === null || kb.departmentId === departmentId),
      )
      .map((kb) => kb.id),
  );
  return ids.filter((id) => !readable.has(id));
}

/** Checks the fields of a new agent or a draft change; returns the lists deduplicated. */
export async function validateAgentFields<T extends AgentReferences>(
  r: AgentValidationRepositories,
  ctx: ServiceContext,
  departmentId: string | null,
  input: T,
): Promise<T> {
  const invalid = (field: string, message: string, details: Record<string, unknown> = {}) =>
    new AppError("VALIDATION", message, { field, ...details });
  if (input.primaryModelProvider && !isLlmProvider(input.primaryModelProvider)) {
    throw invalid("primaryModelProvider", "primaryModelProvider is not a known provider");
  }
  const temperature = input.primaryModelTemperature;
  if (temperature !== undefined && temperature !== null && !(temperature >= 0 && temperature <= 2)) {
    throw invalid("primaryModelTemperature", "primaryModelTemperature must be between 0 and 2");
  }
  if (
    input.maxSteps !== undefined &&
    !(Number.isInteger(input.maxSteps) && input.maxSteps >= 1 && input.maxSteps <= 20)
  ) {
    throw invalid("maxSteps", "maxSteps must be a whole number from 1 to 20");
  }
  if (input.personaId) await usablePersona(r, ctx, input.personaId, departmentId);
  const result = { ...input };
  if (input.toolsEnabled) {
    result.toolsEnabled = unique(input.toolsEnabled);
    const unknown = await unknownTools(r, ctx, departmentId, result.toolsEnabled);
    if (unknown.length > 0) {
      throw invalid("toolsEnabled", `Unknown or unavailable tools: ${unknown.join(", ")}`, { unknown });
    }
  }
  if (input.ragEnabled) {
    result.ragEnabled = unique(input.ragEnabled);
    const unknown = await unreadableBases(r, ctx, departmentId, result.ragEnabled);
    if (unknown.length > 0) {
      throw invalid(
        "ragEnabled",
        `${unknown.length} knowledge base id(s) do not exist or are not readable by the agent's department`,
        { unknown },
      );
    }
  }
  return result;
}
