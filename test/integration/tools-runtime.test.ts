import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestMeta } from "../../src/http/auth.js";
import { isAppError } from "../../src/lib/errors.js";
import { CitationRegistry } from "../../src/services/chat/citations.js";
import type { ServiceContext } from "../../src/services/context.js";
import type { RuntimeTool, ToolRunContext, ToolSet } from "../../src/services/tools/runtime-tool.js";
import { type FakeMcpHttpServer, startFakeMcpServer } from "../fakes/mcp-server.js";
import { addMember } from "../http/identity-helpers.js";
import { call, createKnowledgeBase, drain, signUp, useKnowledgeApp } from "../http/knowledge-helpers.js";

const SECRET = "sk-live-4b1d9e-secret";
const STDIO_SERVER = fileURLToPath(new URL("../fakes/mcp-stdio-server.ts", import.meta.url));

/** A small real HTTP API for HTTP tools: echoes, a slow route, a big one, a redirect to another host. */
async function startApi() {
  const seen: Array<{ url: string; headers: IncomingHttpHeaders; body: string }> = [];
  const server: Server = createServer(async (req, res) => {
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    seen.push({ url: req.url ?? "", headers: req.headers, body: Buffer.concat(parts).toString("utf8") });
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname.startsWith("/slow")) {
      setTimeout(() => res.writeHead(200).end("late"), 1_500);
    } else if (url.pathname.startsWith("/big")) {
      res.writeHead(200, { "content-type": "text/plain" }).end("x".repeat(5_000));
    } else if (url.pathname.startsWith("/stream-big")) {
      // No content-length: the limit must hold while streaming.
      res.writeHead(200, { "content-type": "text/plain" });
      for (let i = 0; i < 10; i++) res.write("y".repeat(1_000));
      res.end();
    } else if (url.pathname.startsWith("/away")) {
      res
        .writeHead(302, { location: `http://localhost:${(server.address() as AddressInfo).port}/items/1` })
        .end();
    } else if (url.pathname.startsWith("/echo")) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ path: url.pathname, query: url.search, auth: req.headers.authorization }));
    } else if (url.pathname.startsWith("/text")) {
      res.writeHead(200, { "content-type": "text/plain" }).end("plain words");
    } else {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":"no such item"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected the tool call to fail");
}

describe("tools at run time", () => {
  const t = useKnowledgeApp();
  let api: Awaited<ReturnType<typeof startApi>>;
  let mcp: FakeMcpHttpServer;
  let token: string;
  let orgId: string;
  let generalId: string;
  let kbId: string;
  let otherKbId: string;
  let leaveDocId: string;
  let otherDocId: string;
  const sets: ToolSet[] = [];

  /** The service context of a signed-in caller, exactly as an HTTP request builds it. */
  async function contextFor(bearer: string): Promise<ServiceContext> {
    const principal = await t.context.container.services.authenticator.fromBearer(bearer);
    return {
      orgId: principal.orgId,
      actor: principal.actor,
      access: principal.access,
      db: t.context.container.database.db,
      meta: requestMeta({ id: "tools-test", headers: {}, ip: "127.0.0.1" } as never),
      logger: t.context.container.logger,
    };
  }

  async function resolve(names: string[], options: { bearer?: string; departmentId?: string | null } = {}) {
    const ctx = await contextFor(options.bearer ?? token);
    const set = await t.context.container.services.toolResolver.resolve(ctx, {
      names,
      departmentId: options.departmentId === undefined ? generalId : options.departmentId,
    });
    sets.push(set);
    return { ctx, set, tool: (name: string) => set.tools.find((x) => x.name === name) as RuntimeTool };
  }

  function run(
    ctx: ServiceContext,
    knowledgeBaseIds: string[] = [kbId],
    signal = new AbortController().signal,
  ) {
    return {
      ctx,
      agentId: "00000000-0000-7000-8000-00000000a9e7",
      departmentId: generalId,
      knowledgeBaseIds,
      signal,
      citations: new CitationRegistry(),
    } satisfies ToolRunContext;
  }

  async function createTool(body: Record<string, unknown>) {
    const res = await call(t, "POST", "/tools", { token, body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; name: string };
  }

  function httpTool(name: string, path: string, config: Record<string, unknown> = {}) {
    return createTool({
      name,
      kind: "http",
      inputSchema: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
      config: {
        url: `${api.base}${path}`,
        headers: { authorization: "Bearer {{secret:API_TOKEN}}", "x-client": "atrium" },
        secrets: { API_TOKEN: SECRET },
        allowedHosts: ["127.0.0.1"],
        timeoutMs: 500,
        maxResponseBytes: 2_000,
        ...config,
      },
    });
  }

  beforeAll(async () => {
    api = await startApi();
    mcp = await startFakeMcpServer();
    const tenant = await signUp(t);
    ({ token, orgId, generalId } = tenant);
    kbId = await createKnowledgeBase(t, token, generalId);
    otherKbId = await createKnowledgeBase(t, token, generalId);
    const add = async (kb: string, title: string, body: string) => {
      const res = await call(t, "POST", `/knowledge-bases/${kb}/documents/text`, {
        token,
        body: { title, body },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.document.id as string;
    };
    leaveDocId = await add(
      kbId,
      "Parental leave policy",
      "Employees receive sixteen weeks of paid parental leave after the birth or adoption of a child.",
    );
    await add(
      kbId,
      "Expenses",
      "Mileage is reimbursed at 0.30 EUR per kilometre through the expense portal.",
    );
    otherDocId = await add(
      otherKbId,
      "Board minutes",
      "The board approved the parental leave budget for next year.",
    );
    await drain(t);
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled(sets.map((s) => s.close()));
    await api?.close();
    await mcp?.close();
  });

  it("knowledge_search registers passages as citations and returns them labelled", async () => {
    const { ctx, tool } = await resolve(["knowledge_search"]);
    const r = run(ctx);
    const result = (await tool("knowledge_search").execute({ query: "parental leave weeks" }, r)) as {
      passages: string;
      results: Array<{ label: number; documentId: string; title: string }>;
    };
    expect(result.results.length).toBeGreaterThan(0);
    expect(result.results[0]).toMatchObject({
      label: 1,
      documentId: leaveDocId,
      title: "Parental leave policy",
    });
    // Only the agent's knowledge bases: the other base's board minutes never appear.
    expect(result.results.map((x) => x.documentId)).not.toContain(otherDocId);
    expect(result.passages).toMatch(/^<passages>\n\[1\] Parental leave policy\n.*sixteen weeks/s);
    expect(r.citations.all()[0]).toMatchObject({ label: 1, via: "knowledge_search", documentId: leaveDocId });
    expect(r.citations.check("Sixteen weeks [1], unsupported [9].")).toMatchObject({ removed: 1 });

    // A second search in the same turn keeps labels unique; a chunk already cited keeps its label.
    const again = (await tool("knowledge_search").execute({ query: "mileage kilometre" }, r)) as {
      results: Array<{ label: number; title: string }>;
    };
    const expenses = again.results.find((x) => x.title === "Expenses");
    expect(expenses?.label).toBeGreaterThan(1);

    expect(await failure(tool("knowledge_search").execute({}, r))).toMatchObject({ code: "VALIDATION" });
    expect(await failure(tool("knowledge_search").execute({ query: "x", limit: 500 }, r))).toMatchObject({
      code: "VALIDATION",
    });
    const none = (await tool("knowledge_search").execute({ query: "leave" }, run(ctx, []))) as {
      results: unknown[];
    };
    expect(none.results).toEqual([]);
  });

  it("fetch_document reads a document of the agent's knowledge bases only", async () => {
    const { ctx, tool } = await resolve(["fetch_document"]);
    const doc = (await tool("fetch_document").execute({ documentId: leaveDocId }, run(ctx))) as {
      title: string;
      text: string;
      truncated: boolean;
    };
    expect(doc).toMatchObject({ title: "Parental leave policy", truncated: false });
    expect(doc.text).toContain("sixteen weeks of paid parental leave");
    const short = (await tool("fetch_document").execute(
      { documentId: leaveDocId, maxChars: 100 },
      run(ctx),
    )) as {
      text: string;
      truncated: boolean;
    };
    expect(short.text.length).toBe(100);
    expect(short.truncated).toBe(true);
    expect(await failure(tool("fetch_document").execute({ documentId: otherDocId }, run(ctx)))).toMatchObject(
      {
        code: "NOT_FOUND",
      },
    );
    const ghost = "00000000-0000-7000-8000-000000000000";
    expect(await failure(tool("fetch_document").execute({ documentId: ghost }, run(ctx)))).toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("create_note adds a document with the caller's permissions", async () => {
    const { ctx, tool } = await resolve(["create_note"]);
    const note = (await tool("create_note").execute(
      { knowledgeBaseId: kbId, title: "Call notes", body: "Customer asked about leave carry-over." },
      run(ctx),
    )) as { documentId: string; created: boolean };
    expect(note.created).toBe(true);
    const listed = await call(t, "GET", `/knowledge-bases/${kbId}/documents`, { token });
    expect(listed.body.items.map((d: { id: string }) => d.id)).toContain(note.documentId);
    expect(
      await failure(
        tool("create_note").execute({ knowledgeBaseId: otherKbId, title: "x", body: "y" }, run(ctx)),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });

    // An employee may read the base but not write to it, and the tool acts as that employee.
    const employee = await addMember(t, token, generalId, "employee");
    const asEmployee = await resolve(["create_note"], { bearer: employee.token });
    expect(
      await failure(
        asEmployee
          .tool("create_note")
          .execute({ knowledgeBaseId: kbId, title: "x", body: "y" }, run(asEmployee.ctx)),
      ),
    ).toMatchObject({ code: "FORBIDDEN" });
  });

  it("current_datetime answers in a time zone and refuses unknown zones", async () => {
    const { ctx, tool } = await resolve(["current_datetime"]);
    const tokyo = (await tool("current_datetime").execute({ timezone: "Asia/Tokyo" }, run(ctx))) as {
      iso: string;
      weekday: string;
      utc: string;
    };
    expect(tokyo.iso).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/);
    expect(Math.abs(Date.parse(tokyo.iso) - Date.parse(tokyo.utc))).toBeLessThan(1_000);
    const weekday = new Date(Date.parse(tokyo.utc) + 9 * 3_600_000).toLocaleDateString("en-US", {
      weekday: "long",
      timeZone: "UTC",
    });
    expect(tokyo.weekday).toBe(weekday);
    const utc = (await tool("current_datetime").execute({}, run(ctx))) as { iso: string; timezone: string };
    expect(utc).toMatchObject({ timezone: "UTC", iso: expect.stringMatching(/\+00:00$/) });
    expect(
      await failure(tool("current_datetime").execute({ timezone: "Mars/Olympus" }, run(ctx))),
    ).toMatchObject({
      code: "VALIDATION",
    });
  });

  it("calls HTTP tools with secrets injected, hosts allow-listed and limits enforced", async () => {
    await httpTool("echo_item", "/echo/{{id}}");
    await httpTool("slow_item", "/slow/{{id}}");
    await httpTool("big_item", "/big/{{id}}");
    await httpTool("stream_item", "/stream-big/{{id}}");
    await httpTool("away_item", "/away/{{id}}");
    await httpTool("text_item", "/text/{{id}}");
    await httpTool("missing_item", "/missing/{{id}}");
    const { ctx, tool } = await resolve([
      "echo_item",
      "slow_item",
      "big_item",
      "stream_item",
      "away_item",
      "text_item",
      "missing_item",
    ]);

    const echoed = (await tool("echo_item").execute({ id: "a b/c", extra: "1" }, run(ctx))) as {
      status: number;
      body: { path: string; query: string; auth: string };
    };
    expect(echoed.status).toBe(200);
    expect(echoed.body.path).toBe("/echo/a%20b%2Fc");
    expect(echoed.body.query).toBe("?extra=1");
    const received = api.seen.find((s) => s.url.startsWith("/echo/"));
    expect(received?.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(received?.headers["x-client"]).toBe("atrium");
    // The endpoint echoed the credential back; the model never sees it.
    expect(echoed.body.auth).toBe("Bearer [secret]");
    expect(JSON.stringify(echoed)).not.toContain(SECRET);

    expect(await tool("text_item").execute({ id: "1" }, run(ctx))).toMatchObject({ body: "plain words" });
    expect(await failure(tool("echo_item").execute({}, run(ctx)))).toMatchObject({ code: "VALIDATION" });

    const slow = await failure(tool("slow_item").execute({ id: "1" }, run(ctx)));
    expect(slow).toMatchObject({ code: "UNAVAILABLE", message: expect.stringContaining("within 500 ms") });
    const cancelled = new AbortController();
    const pending = tool("slow_item").execute({ id: "1" }, run(ctx, [kbId], cancelled.signal));
    cancelled.abort();
    expect(await failure(pending)).toMatchObject({
      code: "UNAVAILABLE",
      message: expect.stringContaining("cancelled"),
    });

    expect(await failure(tool("big_item").execute({ id: "1" }, run(ctx)))).toMatchObject({
      code: "LIMIT_EXCEEDED",
    });
    expect(await failure(tool("stream_item").execute({ id: "1" }, run(ctx)))).toMatchObject({
      code: "LIMIT_EXCEEDED",
    });
    const away = await failure(tool("away_item").execute({ id: "1" }, run(ctx)));
    expect(away).toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("localhost") });
    expect(api.seen.some((s) => s.headers.host?.startsWith("localhost"))).toBe(false);
    const missing = await failure(tool("missing_item").execute({ id: "1" }, run(ctx)));
    expect(missing).toMatchObject({ code: "UNAVAILABLE", message: expect.stringContaining("404") });
    for (const f of [slow, away, missing]) expect(f.message).not.toContain(SECRET);
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
      config: {
        transport: "stdio",
        command: process.execPath,
        args: ["--import", "tsx", STDIO_SERVER],
        env: { FAKE_MCP_VALUE: "value-from-env" },
      },
    });
    await createTool({
      name: "broken",
      kind: "mcp",
      config: {
        transport: "stdio",
        command: process.execPath,
        args: ["--import", "tsx", STDIO_SERVER],
        env: { FAKE_MCP_FAIL_START: "no licence" },
      },
    });
    const { ctx, set, tool } = await resolve(["local", "broken", "current_datetime"]);
    // The broken server is skipped (with a warning); the rest of the turn's tools are there.
    expect(set.tools.map((x) => x.name).sort()).toEqual([
      "current_datetime",
      "local__add",
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

  it("skips unknown, disabled and other departments' tools", async () => {
    const sales = await call(t, "POST", "/departments", {
      token,
      body: { name: "Sales", slug: `sales-${Date.now()}` },
    });
    await httpTool("org_wide_echo", "/echo/{{id}}");
    const disabled = await httpTool("disabled_echo", "/echo/{{id}}");
    await call(t, "PATCH", `/tools/${disabled.id}`, { token, body: { enabled: false } });
    await createTool({
      name: "sales_echo",
      kind: "http",
      departmentId: sales.body.id,
      config: { url: `${api.base}/echo/x`, allowedHosts: ["127.0.0.1"] },
    });
    const names = [
      "no_such_tool",
      "disabled_echo",
      "sales_echo",
      "org_wide_echo",
      "current_datetime",
      "helpdesk__nope",
    ];
    const inGeneral = await resolve(names);
    expect(inGeneral.set.tools.map((x) => x.name).sort()).toEqual(["current_datetime", "org_wide_echo"]);
    const inSales = await resolve(names, { departmentId: sales.body.id });
    expect(inSales.set.tools.map((x) => x.name).sort()).toEqual([
      "current_datetime",
      "org_wide_echo",
      "sales_echo",
    ]);
    const orgAgent = await resolve(["sales_echo", "org_wide_echo"], { departmentId: null });
    expect(orgAgent.set.tools.map((x) => x.name)).toEqual(["org_wide_echo"]);
    const row = inGeneral.set.tools.find((x) => x.name === "org_wide_echo");
    expect(row?.toolId).toEqual(expect.any(String));
    expect(orgId).toEqual(inGeneral.ctx.orgId);
  });
});
