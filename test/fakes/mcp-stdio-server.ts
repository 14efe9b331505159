/**
 * The fake MCP server over stdio, for the stdio transport:
 * `node --import tsx test/fakes/mcp-stdio-server.ts`. Its extra tool `env_value` answers FAKE_MCP_VALUE
 * (so tests see that configured environment reaches the process), `env_names` the names of its whole
 * environment (so tests see nothing else does); FAKE_MCP_FAIL_START makes it exit.
 */
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { createFakeMcpServer } from "./mcp-tools.js";

const server = createFakeMcpServer();
if (process.env.FAKE_MCP_FAIL_START) {
  process.stderr.write(`refusing to start: ${process.env.FAKE_MCP_FAIL_START}\n`);
  process.exit(3);
}
server.registerTool("env_value", { description: "Reads FAKE_MCP_VALUE from the environment" }, async () => ({
  content: [{ type: "text", text: process.env.FAKE_MCP_VALUE ?? "(unset)" }],
}));
server.registerTool("env_names", { description: "Lists the names of the process environment" }, async () => ({
  content: [{ type: "text", text: JSON.stringify(Object.keys(process.env).sort()) }],
}));
await server.connect(new StdioServerTransport());
