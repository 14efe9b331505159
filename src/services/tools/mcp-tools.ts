import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { getDefaultEnvironment, StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { AppError } from "../../lib/errors.js";
import { pinnedWebFetch } from "../../lib/outbound/pinned-fetch.js";
import { assertAllowedHost, type NetworkPolicy } from "../../lib/outbound/ssrf.js";
import { ATRIUM_VERSION } from "../../lib/version.js";
import type { ToolRow } from "../../repositories/tool.repository.js";
import type { McpStdioLaunch, McpStdioServers } from "./mcp-stdio-servers.js";
import type { RuntimeTool } from "./runtime-tool.js";
import { fillSecretReferences, type McpToolConfig } from "./tool-config.js";
import { mcpToolName } from "./tool-names.js";
import { scrubSecrets } from "./tool-secrets.js";

export interface McpTimeouts {
  connectMs: number;
  callMs: number;
}

/** An open connection to one MCP server and the runtime tools it offers. */
export interface McpConnection {
  tools: RuntimeTool[];
  close(): Promise<void>;
}

/** Keeps the tail of a stdio server's stderr for error messages (and drains the pipe so it never blocks). */
function stderrTail(transport: StdioClientTransport): () => string {
  let tail = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    tail = (tail + chunk.toString("utf8")).slice(-1000);
  });
  return () => tail.trim();
}

function transportFor(
  config: McpToolConfig,
  secrets: Record<string, string>,
  policy: NetworkPolicy,
  launch: McpStdioLaunch | undefined,
): { transport: Transport; tail: () => string } {
  if (config.transport === "http") {
    const headers = fillSecretReferences(config.headers, secrets);
    return {
      transport: new StreamableHTTPClientTransport(new URL(config.url), {
        requestInit: { headers },
        fetch: pinnedWebFetch({ policy }),
      }),
      tail: () => "",
    };
  }
  // The operator's command, arguments and environment (built from nothing: nothing of the server's
  // own environment is inherited), never the tool's.
  // The SDK adds the variables of its getDefaultEnvironment() (HOME, USER, SHELL, …) to the ones given;
  // listing them as undefined keeps them out (child_process skips undefined values).
  const withheld = Object.fromEntries(
    Object.keys(getDefaultEnvironment())
      .filter((name) => !Object.hasOwn(launch!.env, name))
      .map((name) => [name, undefined]),
  ) as unknown as Record<string, string>;
  const transport = new StdioClientTransport({
    command: launch!.command,
    args: launch!.args,
    env: { ...withheld, ...launch!.env },
    ...(launch!.cwd ? { cwd: launch!.cwd } : {}),
    stderr: "pipe",
  });
  return { transport, tail: stderrTail(transport) };
}

function textOf(content: unknown): string {
  if (!Array.isArray(content)) return "";
  return content
    .map((part: { type?: string; text?: string }) =>
      part.type === "text" ? (part.text ?? "") : `[${part.type}]`,
    )
    .join("\n");
}

/**
 * Connects to the MCP server of a `mcp` tools row (streamable HTTP, or a local process over stdio
 * started from the operator's allow-list — FORBIDDEN when the row's server is not on it),
 * lists its tools and wraps each as a RuntimeTool named `<row>__<tool>`. The caller closes the
 * connection when the turn ends.
 */
export async function connectMcp(
  row: ToolRow,
  secrets: Record<string, string>,
  timeouts: McpTimeouts & { policy: NetworkPolicy; stdio: McpStdioServers },
  signal?: AbortSignal,
): Promise<McpConnection> {
  const config = row.config as unknown as McpToolConfig;
  // A stdio server not (or no longer) on the operator's list is refused before anything starts.
  const launch = config.transport === "stdio" ? timeouts.stdio.launch(config, secrets) : undefined;
  const { transport, tail } = transportFor(config, secrets, timeouts.policy, launch);
  const client = new Client({ name: "atrium", version: ATRIUM_VERSION });
  const close = () => client.close().catch(() => undefined);
  try {
    // An MCP server over HTTP is a network destination like an HTTP tool's (the pinned fetch checks
    // names at connect time; an IP address only here).
    if (config.transport === "http") await assertAllowedHost(new URL(config.url).hostname, timeouts.policy);
    await client.connect(transport, { timeout: timeouts.connectMs, signal });
    const listed = await client.listTools({}, { timeout: timeouts.connectMs, signal });
    const filter = config.toolFilter ? new Set(config.toolFilter) : undefined;
    const tools = listed.tools
      .filter((tool) => !filter || filter.has(tool.name))
      .map(
        (tool): RuntimeTool => ({
          name: mcpToolName(row.name, tool.name),
          description: tool.description ?? row.description,
          inputSchema: tool.inputSchema as Record<string, unknown>,
          toolId: row.id,
          requiresApproval: row.requiresApproval,
          async execute(input, run) {
            const result = await client
              .callTool({ name: tool.name, arguments: (input ?? {}) as Record<string, unknown> }, undefined, {
                signal: run.signal,
                timeout: timeouts.callMs,
              })
              .catch((error: unknown) => {
                const message = error instanceof Error ? error.message : String(error);
                throw new AppError("UNAVAILABLE", `MCP tool ${tool.name} failed: ${message}`);
              });
            const text = textOf(result.content);
            if (result.isError)
              throw new AppError("UNAVAILABLE", text || `MCP tool ${tool.name} reported an error`);
            return result.structuredContent ? { text, structured: result.structuredContent } : { text };
          },
        }),
      );
    return { tools, close };
  } catch (error) {
    await close();
    const message = error instanceof Error ? error.message : String(error);
    const stderr = tail();
    const text = `MCP server of tool ${row.name} could not be used: ${message}${stderr ? ` (stderr: ${stderr})` : ""}`;
    throw new AppError("UNAVAILABLE", scrubSecrets(text, Object.values(secrets)));
  }
}
