import type { ServiceContext } from "../context.js";
import type { CitationRegistry } from "../knowledge/index.js";

/** What a tool sees when the agent runtime calls it. */
export interface ToolRunContext {
  /** The caller's context: a tool acts with the permissions of the person talking to the agent. */
  ctx: ServiceContext;
  agentId: string;
  /** The agent's department (null for an org-wide agent). */
  departmentId: string | null;
  /** Knowledge bases the agent may search (its `ragEnabled`, already checked against `ctx.access`). */
  knowledgeBaseIds: string[];
  conversationId?: string | undefined;
  /** Aborted on client disconnect or timeout; tools must pass it to I/O. */
  signal: AbortSignal;
  /** Passages a tool retrieves are registered here so the answer may cite them. */
  citations: CitationRegistry;
}

/** A callable tool: a built-in, an HTTP endpoint or a tool of an MCP server. */
export interface RuntimeTool {
  name: string;
  description: string;
  /** JSON Schema (draft 2020-12 / 7 subset) of the input object; input is validated before `execute`. */
  inputSchema: Record<string, unknown>;
  /** The `tools` row, when the tool is registered in the database (built-ins may have none). */
  toolId?: string | undefined;
  requiresApproval: boolean;
  /** Returns a JSON-serialisable result; throws AppError for a failure the model should see. */
  execute(input: unknown, run: ToolRunContext): Promise<unknown>;
}

/** The tools of one turn; `close` releases MCP connections. */
export interface ToolSet {
  tools: RuntimeTool[];
  close(): Promise<void>;
}

export interface ToolResolver {
  /**
   * The enabled tools named in `names` that the context's org (and the agent's department) can use;
   * unknown or disabled names are skipped with a warning, never an error.
   */
  resolve(
    ctx: ServiceContext,
    request: { names: readonly string[]; departmentId: string | null },
  ): Promise<ToolSet>;
}
