import type { McpStdioServerConfig } from "../../config/env.js";
import { AppError } from "../../lib/errors.js";

/** What tenants see of an operator's stdio MCP server: never its command, arguments or environment. */
export interface McpStdioServerView {
  name: string;
  description: string;
  /** Environment variables a tool may set to its own values (e.g. its API token). */
  tenantEnv: string[];
}

/** How to start one allowed server: the operator's command and arguments, and the whole environment. */
export interface McpStdioLaunch {
  command: string;
  args: string[];
  cwd: string | undefined;
  env: Record<string, string>;
}

/** The PATH a process gets when its entry does not pass the server's own. */
export const MINIMAL_PATH = "/usr/local/bin:/usr/bin:/bin";

const offMessage =
  "MCP servers over stdio are off on this Atrium: the operator lists the ones that may run in MCP_STDIO_SERVERS";

/**
 * The operator's allow-list of MCP servers started as local processes (config.tools.mcpStdioServers).
 * Tenants choose an entry by name; `check` validates a tool's choice when it is stored, `launch`
 * builds the process at call time from the operator's entry, so a row stored earlier with its own
 * command, or naming an entry since removed, never starts anything.
 */
export function createMcpStdioServers(
  entries: readonly McpStdioServerConfig[],
  serverEnv: NodeJS.ProcessEnv = process.env,
) {
  const byName = new Map(entries.map((e) => [e.name, e]));

  function entryOf(name: unknown, code: "VALIDATION" | "FORBIDDEN"): McpStdioServerConfig {
    if (byName.size === 0) throw new AppError(code, offMessage);
    const found = typeof name === "string" ? byName.get(name) : undefined;
    if (!found) {
      throw new AppError(
        code,
        typeof name === "string"
          ? `config.server: "${name}" is not one of the MCP servers the operator allows (GET /tools/mcp-servers lists them)`
          : "config.server: an MCP server over stdio is chosen by name from the operator's list (GET /tools/mcp-servers); a command cannot be given",
      );
    }
    return found;
  }

  return {
    list(): McpStdioServerView[] {
      return entries.map((e) => ({ name: e.name, description: e.description, tenantEnv: [...e.tenantEnv] }));
    },

    /** Validates a tool's choice before it is stored (400): a listed server, and only its tenantEnv names. */
    check(server: string, envNames: readonly string[]): void {
      const entry = entryOf(server, "VALIDATION");
      const refused = envNames.filter((name) => !entry.tenantEnv.includes(name));
      if (refused.length > 0) {
        throw new AppError(
          "VALIDATION",
          `config.env: ${refused.join(", ")} cannot be set for MCP server "${server}"` +
            (entry.tenantEnv.length > 0 ? ` (it takes ${entry.tenantEnv.join(", ")})` : " (it takes none)"),
        );
      }
    },

    /**
     * The process for a stored tool config (FORBIDDEN when its server is not, or no longer, allowed).
     * Its environment is built from nothing: a minimal PATH, the variables the entry passes from the
     * server's environment, and the tool's own values of the entry's tenantEnv names.
     */
    launch(config: { server?: unknown }, tenantValues: Record<string, string>): McpStdioLaunch {
      const entry = entryOf(config.server, "FORBIDDEN");
      const env: Record<string, string> = { PATH: MINIMAL_PATH };
      for (const name of entry.env) {
        const value = serverEnv[name];
        if (value !== undefined) env[name] = value;
      }
      for (const name of entry.tenantEnv) {
        const value = tenantValues[name];
        if (value !== undefined) env[name] = value;
      }
      return { command: entry.command, args: [...entry.args], cwd: entry.cwd, env };
    },
  };
}

export type McpStdioServers = ReturnType<typeof createMcpStdioServers>;
