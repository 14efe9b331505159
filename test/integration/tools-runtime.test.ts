import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeToolApi, startFakeToolApi } from "../fakes/tool-api.js";
import { addMember } from "../http/identity-helpers.js";
import { call, createKnowledgeBase, drain } from "../http/knowledge-helpers.js";
import { failure, useToolHarness } from "./tools-helpers.js";

const SECRET = "sk-live-4b1d9e-secret";

describe("tools at run time", () => {
  const { t, tenant, resolve, run, createTool } = useToolHarness();
  let api: FakeToolApi;
  let token: string;
  let orgId: string;
  let generalId: string;
  let kbId: string;
  let otherKbId: string;
  let leaveDocId: string;
  let otherDocId: string;

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
    api = await startFakeToolApi();
    ({ token, orgId, generalId } = tenant);
    kbId = await createKnowledgeBase(t, token, generalId);
    otherKbId = await createKnowledgeBase(t, token, generalId);
    tenant.kbIds = [kbId];
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
    await api?.close();
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
    await createTool({
      name: "metadata_item",
      kind: "http",
      config: { url: "http://169.254.169.254/latest/meta-data/{{id}}", allowedHosts: ["169.254.169.254"] },
    });
    const { ctx, tool } = await resolve([
      "echo_item",
      "slow_item",
      "big_item",
      "stream_item",
      "away_item",
      "text_item",
      "missing_item",
      "metadata_item",
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
    // Private networks are on for these tools (the fake API is on 127.0.0.1); link-local never is.
    const metadata = await failure(tool("metadata_item").execute({ id: "1" }, run(ctx)));
    expect(metadata).toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("link-local") });
    const missing = await failure(tool("missing_item").execute({ id: "1" }, run(ctx)));
    expect(missing).toMatchObject({ code: "UNAVAILABLE", message: expect.stringContaining("404") });
    for (const f of [slow, away, missing]) expect(f.message).not.toContain(SECRET);
  });

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
