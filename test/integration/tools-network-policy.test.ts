import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeMcpHttpServer, startFakeMcpServer } from "../fakes/mcp-server.js";
import { type FakeToolApi, startFakeToolApi } from "../fakes/tool-api.js";
import { failure, useToolHarness } from "./tools-helpers.js";

/**
 * HTTP tools on the default network policy: allowedHosts names what a tool may call, and on top of it
 * no tool reaches loopback, private or link-local addresses unless TOOLS_ALLOW_PRIVATE_NETWORKS is on.
 */
describe("HTTP tools and private networks (TOOLS_ALLOW_PRIVATE_NETWORKS off)", () => {
  const { resolve, run, createTool } = useToolHarness({ TOOLS_ALLOW_PRIVATE_NETWORKS: "false" });
  let api: FakeToolApi;
  let mcp: FakeMcpHttpServer;

  beforeAll(async () => {
    api = await startFakeToolApi();
    mcp = await startFakeMcpServer();
  });
  afterAll(async () => {
    await api.close();
    await mcp.close();
  });

  it("refuses an allow-listed host on a private address, by IP and by name, without a request", async () => {
    const port = new URL(api.base).port;
    await createTool({
      name: "loopback_ip",
      kind: "http",
      config: { url: `${api.base}/echo/x`, allowedHosts: ["127.0.0.1"] },
    });
    await createTool({
      name: "loopback_name",
      kind: "http",
      config: { url: `http://localhost:${port}/echo/x`, allowedHosts: ["localhost"] },
    });
    await createTool({
      name: "metadata",
      kind: "http",
      config: { url: "http://169.254.169.254/latest/meta-data/", allowedHosts: ["169.254.169.254"] },
    });
    const { ctx, tool } = await resolve(["loopback_ip", "loopback_name", "metadata"]);
    for (const name of ["loopback_ip", "loopback_name", "metadata"]) {
      const refused = await failure(tool(name).execute({}, run(ctx)));
      expect(refused, name).toMatchObject({
        code: "FORBIDDEN",
        message: expect.stringContaining("TOOLS_ALLOW_PRIVATE_NETWORKS is off"),
      });
    }
    expect(api.seen).toHaveLength(0);
  });

  it("skips an MCP server on a private address, by IP and by name, without connecting", async () => {
    const local = new URL(mcp.url);
    await createTool({ name: "mcp_ip", kind: "mcp", config: { transport: "http", url: mcp.url } });
    local.hostname = "localhost";
    await createTool({ name: "mcp_name", kind: "mcp", config: { transport: "http", url: local.href } });
    const { set } = await resolve(["mcp_ip", "mcp_name", "current_datetime"]);
    expect(set.tools.map((x) => x.name)).toEqual(["current_datetime"]);
    expect(mcp.requests).toHaveLength(0);
    await set.close();
  });
});
