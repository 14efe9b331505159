import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";

/** Tickets the fake MCP servers know; anything else is an error result (isError). */
export const FAKE_TICKETS: Record<string, { title: string; status: string }> = {
  "T-1": { title: "Printer on floor 2 is jammed", status: "open" },
  "T-2": { title: "VPN certificate expired", status: "closed" },
};

/** An MCP server with two tools, shared by the HTTP and the stdio fakes. */
export function createFakeMcpServer(): McpServer {
  const server = new McpServer({ name: "atrium-fake-mcp", version: "1.0.0" });
  server.registerTool(
    "add",
    { description: "Adds two numbers", inputSchema: { a: z.number(), b: z.number() } },
    async ({ a, b }) => ({
      content: [{ type: "text", text: String(a + b) }],
      structuredContent: { sum: a + b },
    }),
  );
  server.registerTool(
    "lookup_ticket",
    { description: "Finds a support ticket by id", inputSchema: { id: z.string() } },
    async ({ id }) => {
      const ticket = FAKE_TICKETS[id];
      if (!ticket) return { isError: true, content: [{ type: "text", text: `No ticket ${id}` }] };
      return { content: [{ type: "text", text: `${id}: ${ticket.title} (${ticket.status})` }] };
    },
  );
  return server;
}
