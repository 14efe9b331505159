import type { EncryptionKey } from "../../lib/encryption.js";
import { isAppError } from "../../lib/errors.js";
import type { NetworkPolicy } from "../../lib/outbound/ssrf.js";
import type { Repositories } from "../../repositories/index.js";
import type { ToolRow } from "../../repositories/tool.repository.js";
import type { ServiceContext } from "../context.js";
import type { BuiltinToolName } from "./builtins/names.js";
import { isBuiltinTool } from "./builtins/names.js";
import { type FetchFn, httpRuntimeTool } from "./http-tool.js";
import { validateToolInput } from "./input-validation.js";
import type { McpStdioServers } from "./mcp-stdio-servers.js";
import { connectMcp, type McpConnection, type McpTimeouts } from "./mcp-tools.js";
import type { RuntimeTool, ToolResolver, ToolSet } from "./runtime-tool.js";
import type { HttpToolConfig, McpToolConfig } from "./tool-config.js";
import { openSecrets } from "./tool-secrets.js";

export type ToolResolverRepositories = Pick<Repositories, "tools">;

export interface ToolResolverDeps {
  repositories: ToolResolverRepositories;
  builtins: Map<BuiltinToolName, RuntimeTool>;
  secretKey: EncryptionKey;
  mcp: McpTimeouts;
  /** The operator's allow-list of stdio MCP servers. */
  mcpStdio: McpStdioServers;
  networkPolicy: NetworkPolicy;
  fetch?: FetchFn | undefined;
}

/** Every tool validates its input against its schema before it runs, whoever calls it. */
function validating(tool: RuntimeTool): RuntimeTool {
  return {
    ...tool,
    execute: async (input, run) => tool.execute(validateToolInput(tool.inputSchema, input ?? {}), run),
  };
}

/**
 * Turns an agent's tool names into callable tools for one turn. A name is a built-in, a tools row
 * (an MCP row brings every tool of its server, after its toolFilter) or `<mcp row>__<tool>` for one
 * tool of a server. Rows must be enabled and org-wide or of the agent's department. Unknown names,
 * disabled rows and MCP servers that cannot be reached are skipped with a warning: a turn goes on
 * with the tools it has rather than failing.
 */
export function createToolResolver(deps: ToolResolverDeps): ToolResolver {
  const r = deps.repositories;

  async function mcpTools(
    ctx: ServiceContext,
    row: ToolRow,
    only: Set<string> | "all",
  ): Promise<McpConnection | undefined> {
    const config = row.config as unknown as McpToolConfig;
    const secrets = openSecrets(deps.secretKey, config.transport === "http" ? config.secrets : config.env);
    try {
      const connection = await connectMcp(row, secrets, {
        ...deps.mcp,
        policy: deps.networkPolicy,
        stdio: deps.mcpStdio,
      });
      if (only === "all") return connection;
      return { ...connection, tools: connection.tools.filter((t) => only.has(t.name)) };
    } catch (error) {
      if (isAppError(error) && error.code === "FORBIDDEN") {
        ctx.logger.warn(
          { code: error.code, reason: error.message, toolId: row.id },
          "MCP server over stdio not on the operator's list; not started, its tools are skipped",
        );
        return undefined;
      }
      ctx.logger.warn(
        { err: error, toolId: row.id },
        "MCP server unavailable; its tools are skipped this turn",
      );
      return undefined;
    }
  }

  return {
    async resolve(ctx, request): Promise<ToolSet> {
      const names = [...new Set(request.names)];
      const wanted = names.filter((n) => !isBuiltinTool(n));
      // `server__tool` names one tool of an MCP row; the row is looked up by its own name.
      const rowNames = [...new Set(wanted.flatMap((n) => [n, n.split("__")[0]!]))];
      const rows =
        rowNames.length === 0
          ? []
          : await r.tools.findUsable(ctx.orgId, rowNames, request.departmentId, ctx.db);
      const byName = new Map(rows.map((row) => [row.name, row]));

      const tools: RuntimeTool[] = [];
      const mcpWanted = new Map<ToolRow, Set<string> | "all">();
      for (const name of names) {
        if (isBuiltinTool(name)) {
          tools.push(deps.builtins.get(name)!);
          continue;
        }
        const row = byName.get(name) ?? byName.get(name.split("__")[0]!);
        if (!row) {
          ctx.logger.warn(
            { tool: name },
            "tool not found, disabled or outside the agent's department; skipped",
          );
          continue;
        }
        if (row.kind === "http") {
          if (row.name !== name) {
            ctx.logger.warn({ tool: name }, "an HTTP tool has no sub-tools; skipped");
            continue;
          }
          const config = row.config as unknown as HttpToolConfig;
          tools.push(
            httpRuntimeTool(row, {
              secrets: () => openSecrets(deps.secretKey, config.secrets),
              policy: deps.networkPolicy,
              fetch: deps.fetch,
            }),
          );
        } else if (row.kind === "mcp") {
          const current = mcpWanted.get(row);
          if (row.name === name) mcpWanted.set(row, "all");
          else if (current !== "all") mcpWanted.set(row, new Set([...(current ?? []), name]));
        }
      }
      const connections = (
        await Promise.all([...mcpWanted].map(([row, only]) => mcpTools(ctx, row, only)))
      ).filter((c): c is McpConnection => c !== undefined);
      for (const connection of connections) tools.push(...connection.tools);

      const seen = new Set<string>();
      const unique = tools.filter((t) => !seen.has(t.name) && seen.add(t.name));
      return {
        tools: unique.map(validating),
        async close() {
          await Promise.allSettled(connections.map((c) => c.close()));
        },
      };
    },
  };
}
