import { AppError, isAppError } from "../../lib/errors.js";
import type { ToolRow } from "../../repositories/tool.repository.js";
import type { ServiceContext } from "../context.js";
import { CitationRegistry } from "../knowledge/index.js";
import type { ToolResolver } from "./runtime-tool.js";
import type { HttpToolConfig, McpToolConfig } from "./tool-config.js";
import { mcpToolName } from "./tool-names.js";
import { type Sealed, scrubSecrets } from "./tool-secrets.js";

/** How much of a test call's output comes back (the whole output goes to the model in a turn). */
export const TEST_OUTPUT_LIMIT = 4000;
/** An upper bound on a whole test call, on top of the tool's own time limits. */
const TEST_CALL_MS = 60_000;

export interface ToolTestRequest {
  /** For an MCP tool: which of its server's tools to call (its name as the server lists it). */
  tool?: string | undefined;
  input: Record<string, unknown>;
}

export interface ToolTestResult {
  ok: boolean;
  /** The runtime name of the called tool (`<row>__<tool>` for an MCP server's tool). */
  tool: string;
  /** The endpoint's HTTP status, for an HTTP tool that got an answer. */
  status: number | null;
  durationMs: number;
  /** The result as JSON text (or the error message), cut at TEST_OUTPUT_LIMIT characters. */
  output: string;
  truncated: boolean;
  /** Why the call failed (the error codes of src/lib/errors.ts). */
  errorCode: string | null;
}

function sealedOf(row: ToolRow): Sealed | undefined {
  if (row.kind === "http") return (row.config as unknown as HttpToolConfig).secrets;
  const config = row.config as unknown as McpToolConfig;
  return config.transport === "http" ? config.secrets : config.env;
}

/**
 * Runs one tool once, through the resolver a chat turn uses: the same enabled/department rules, input
 * validation, network policy (TOOLS_ALLOW_PRIVATE_NETWORKS, allowedHosts, pinned connections), the
 * operator's stdio allow-list and time limits. Secret values are scrubbed from whatever comes back.
 */
export async function runToolTestCall(
  ctx: ServiceContext,
  row: ToolRow,
  request: ToolTestRequest,
  deps: { resolver: ToolResolver; secrets: (sealed: Sealed | undefined) => Record<string, string> },
): Promise<ToolTestResult> {
  if (!row.enabled) throw new AppError("CONFLICT", "The tool is switched off: switch it on to test it");
  if (row.kind === "http" && request.tool) {
    throw new AppError("VALIDATION", "tool: an HTTP tool has no sub-tools; leave it out");
  }
  if (row.kind === "mcp" && !request.tool) {
    throw new AppError("VALIDATION", "tool: name the MCP server's tool to call");
  }
  const name = row.kind === "mcp" ? mcpToolName(row.name, request.tool!) : row.name;
  const secretValues = Object.values(deps.secrets(sealedOf(row)));
  const started = performance.now();
  const finish = (ok: boolean, value: unknown, status: number | null, errorCode: string | null) => {
    const text = scrubSecrets(
      typeof value === "string" ? value : (JSON.stringify(value, null, 2) ?? ""),
      secretValues,
    );
    return {
      ok,
      tool: name,
      status,
      durationMs: Math.round(performance.now() - started),
      output: text.slice(0, TEST_OUTPUT_LIMIT),
      truncated: text.length > TEST_OUTPUT_LIMIT,
      errorCode,
    };
  };
  const set = await deps.resolver.resolve(ctx, { names: [name], departmentId: row.departmentId });
  try {
    const tool = set.tools.find((t) => t.name === name && t.toolId === row.id);
    if (!tool) {
      return finish(
        false,
        row.kind === "mcp"
          ? `The MCP server could not be started or reached, or it lists no tool "${request.tool}"`
          : "The tool could not be prepared",
        null,
        "UNAVAILABLE",
      );
    }
    try {
      const result = await tool.execute(request.input, {
        ctx,
        agentId: "",
        departmentId: row.departmentId,
        knowledgeBaseIds: [],
        signal: AbortSignal.timeout(TEST_CALL_MS),
        citations: new CitationRegistry(),
      });
      if (row.kind === "http") {
        const answer = result as { status: number; body: unknown };
        return finish(true, answer.body, answer.status, null);
      }
      return finish(true, result, null, null);
    } catch (error) {
      // Bad input is the caller's to fix; anything else is what the tool did, shown as the result.
      if (isAppError(error) && error.code === "VALIDATION") throw error;
      const status =
        isAppError(error) && typeof error.details?.status === "number" ? error.details.status : null;
      const message = isAppError(error) ? error.message : "The tool failed unexpectedly";
      return finish(false, message, status, isAppError(error) ? error.code : "INTERNAL");
    }
  } finally {
    await set.close();
  }
}
