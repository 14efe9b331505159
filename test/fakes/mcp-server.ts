import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { createFakeMcpServer } from "./mcp-tools.js";

export interface FakeMcpHttpServer {
  /** The MCP endpoint, e.g. http://127.0.0.1:1234/mcp */
  url: string;
  /** Headers of every request received (to check what the client sent). */
  requests: Array<{ method: string | undefined; headers: IncomingMessage["headers"] }>;
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  const text = Buffer.concat(parts).toString("utf8");
  return text ? JSON.parse(text) : undefined;
}

/**
 * A real MCP server (the SDK's McpServer with `add` and `lookup_ticket`) on streamable HTTP at
 * `/mcp`, stateless: every request gets its own server and transport, as the SDK recommends.
 */
export async function startFakeMcpServer(): Promise<FakeMcpHttpServer> {
  const requests: FakeMcpHttpServer["requests"] = [];
  const server: Server = createServer(async (req, res) => {
    requests.push({ method: req.method, headers: req.headers });
    if (!req.url?.startsWith("/mcp")) {
      res.writeHead(404).end();
      return;
    }
    if (req.method !== "POST") {
      res.writeHead(405, { allow: "POST" }).end();
      return;
    }
    try {
      const body = await readJson(req);
      const mcp = createFakeMcpServer();
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on("close", () => {
        void transport.close();
        void mcp.close();
      });
      await mcp.connect(transport);
      await transport.handleRequest(req, res, body);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
