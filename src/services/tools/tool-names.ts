/** OpenAI function-name rules, which every tool name must follow so any model can call it. */
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/** The name an MCP server's tool gets: `<row name>__<mcp tool name>`, made to follow the rules. */
export function mcpToolName(rowName: string, mcpName: string): string {
  const clean = mcpName.replace(/[^a-zA-Z0-9_-]/g, "_");
  return `${rowName}__${clean}`.slice(0, 64);
}
