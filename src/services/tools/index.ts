import type { McpStdioServerConfig } from "../../config/env.js";
import { deriveKey } from "../../lib/encryption.js";
import type { NetworkPolicy } from "../../lib/outbound/ssrf.js";
import type { Repositories } from "../../repositories/index.js";
import type { DocumentService, SearchService } from "../knowledge/index.js";
import type { DocumentGenerator } from "./builtins/generate-document.js";
import { createBuiltinTools } from "./builtins/index.js";
import type { FetchFn } from "./http-tool.js";
import { createMcpStdioServers } from "./mcp-stdio-servers.js";
import type { McpTimeouts } from "./mcp-tools.js";
import { createToolResolver } from "./tool-resolver.js";
import { createToolService } from "./tool-service.js";

export type ToolsRepositories = Pick<Repositories, "auditLogs" | "departments" | "documents" | "tools">;

/** The key that seals tool secrets; its own HKDF purpose, so no other use shares it. */
export const TOOL_SECRETS_PURPOSE = "tool-secrets";

/** The tools registry (CRUD) and the per-turn resolver, sharing the built-ins and the secret key. */
export function createToolServices(deps: {
  repositories: ToolsRepositories;
  authSecret: string;
  search: SearchService;
  documents: DocumentService;
  mcp: McpTimeouts;
  /** Where HTTP tools may connect (TOOLS_ALLOW_PRIVATE_NETWORKS). */
  networkPolicy: NetworkPolicy;
  /** The operator's allow-list of MCP servers started over stdio (MCP_STDIO_SERVERS). */
  mcpStdioServers: readonly McpStdioServerConfig[];
  fetch?: FetchFn | undefined;
  generations?: (() => DocumentGenerator | undefined) | undefined;
}) {
  const secretKey = deriveKey(deps.authSecret, TOOL_SECRETS_PURPOSE);
  const builtins = createBuiltinTools(deps);
  const mcpStdio = createMcpStdioServers(deps.mcpStdioServers);
  const toolResolver = createToolResolver({
    repositories: deps.repositories,
    builtins,
    secretKey,
    mcp: deps.mcp,
    mcpStdio,
    networkPolicy: deps.networkPolicy,
    fetch: deps.fetch,
  });
  return {
    tools: createToolService({
      repositories: deps.repositories,
      secretKey,
      builtins: () => [...builtins.values()],
      mcpStdio,
      resolver: toolResolver,
    }),
    toolResolver,
  };
}
