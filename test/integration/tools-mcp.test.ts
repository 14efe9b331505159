import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeMcpHttpServer, startFakeMcpServer } from "../fakes/mcp-server.js";
import { failure, useToolHarness } from "./tools-helpers.js";

const SECRET = "mcp-key-91c2e7-secret";
const STDIO_SERVER = fileURLToPath(new URL("../fakes/mcp-stdio-server.ts", import.meta.url));

/** The operator's allow-list: the fake stdio server, taking FAKE_MCP_VALUE and FAKE_MCP_FAIL_START from tools. */
const MCP_STDIO_SERVERS = JSON.stringify([
  {
    name: "fake",
    description: "The fake MCP server",
    command: process.execPath,
    args: ["--import", "tsx", STDIO_SERVER],
    tenantEnv: ["FAKE_MCP_VALUE", "FAKE_MCP_FAIL_START"],
  },
]);

describe("MCP tools", () => {
  const { resolve, run, createTool } = useToolHarness({ MCP_STDIO_SERVERS });
  let mcp: FakeMcpHttpServer;

  beforeAll(async () => {
    mcp = await startFakeMcpServer();
  });
  afterAll(async () => {
    await mcp?.close();
  });

  it("lists and calls the tools of an MCP server over streamable HTTP", async () => {
    await createTool({
      name: "helpdesk",
      kind: "mcp",
      description: "Helpdesk server",
      config: {
        transport: "http",
        url: mcp.url,
        headers: { "x-api-key": "{{secret:KEY}}" },
        secrets: { KEY: SECRET },
      },
    });
    await createTool({
      name: "calc",
      kind: "mcp",
      config: { transport: "http", url: mcp.url, toolFilter: ["add"] },
    });
    const { ctx, set, tool } = await resolve(["helpdesk", "calc"]);
    expect(set.tools.map((x) => x.name).sort()).toEqual([
      "calc__add",
      "helpdesk__add",
      "helpdesk__lookup_ticket",
    ]);
    expect(tool("helpdesk__add").inputSchema).toMatchObject({ type: "object", required: ["a", "b"] });
    expect(await tool("helpdesk__add").execute({ a: 2, b: 3 }, run(ctx))).toEqual({
      text: "5",
      structured: { sum: 5 },
    });
    expect(await tool("helpdesk__lookup_ticket").execute({ id: "T-1" }, run(ctx))).toEqual({
      text: "T-1: Printer on floor 2 is jammed (open)",
    });
    expect(await failure(tool("helpdesk__lookup_ticket").execute({ id: "T-9" }, run(ctx)))).toMatchObject({
      code: "UNAVAILABLE",
      message: "No ticket T-9",
    });
    expect(await failure(tool("helpdesk__add").execute({ a: "two" }, run(ctx)))).toMatchObject({
      code: "VALIDATION",
    });
    expect(mcp.requests.some((r) => r.headers["x-api-key"] === SECRET)).toBe(true);
    await set.close();

    // One tool of a server by its full name.
    const single = await resolve(["helpdesk__lookup_ticket"]);
    expect(single.set.tools.map((x) => x.name)).toEqual(["helpdesk__lookup_ticket"]);
  });

  it("starts an MCP server over stdio with its environment, and closes it with the tool set", async () => {
    await createTool({
      name: "local",
      kind: "mcp",
      config: { transport: "stdio", server: "fake", env: { FAKE_MCP_VALUE: "value-from-env" } },
    });
    await createTool({
      name: "broken",
      kind: "mcp",
      config: { transport: "stdio", server: "fake", env: { FAKE_MCP_FAIL_START: "no licence" } },
    });
    const { ctx, set, tool } = await resolve(["local", "broken", "current_datetime"]);
    // The broken server is skipped (with a warning); the rest of the turn's tools are there.
    expect(set.tools.map((x) => x.name).sort()).toEqual([
      "current_datetime",
      "local__add",
      "local__env_names",
      "local__env_value",
      "local__lookup_ticket",
    ]);
    expect(await tool("local__env_value").execute({}, run(ctx))).toEqual({ text: "value-from-env" });
    expect(await tool("local__add").execute({ a: 40, b: 2 }, run(ctx))).toMatchObject({ text: "42" });
    await set.close();
    expect(await failure(tool("local__add").execute({ a: 1, b: 1 }, run(ctx)))).toMatchObject({
      code: "UNAVAILABLE",
    });
  }, 60_000);
});
