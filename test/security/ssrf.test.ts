import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentToolCalls } from "../../src/db/schema/index.js";
import { startTrapServer, type TrapServer } from "../fakes/trap-server.js";
import {
  ask,
  type ChatApp,
  call,
  createAgent,
  signUp,
  startConversation,
  useChatApp,
} from "../http/chat-helpers.js";
import type { Tenant, TestApp } from "../http/identity-helpers.js";
import { drain } from "../http/knowledge-helpers.js";
import { useTestApp } from "../setup/container.js";

/**
 * Server-side request forgery through everything a tenant can make the server fetch: web-source crawls
 * and HTTP tools (whose calls a chat turn makes). The target is a trap listening on every local address;
 * an attack held when the trap saw nothing. Each address form is first shown to reach the trap when
 * the operator allows private networks (the controls), so a refusal below is the policy's doing.
 *
 * IPv4-compatible (`::/96`), 6to4 (`2002::/16`) and NAT64 (`64:ff9b::/96`) forms carry an IPv4 address
 * a gateway would reach: they are refused like the address they carry (issue 10, hardening).
 * The model leaving a URL template's path with dot segments: test/security/tools-placeholders.test.ts.
 * DNS answers cannot be injected (src/lib/outbound uses the system resolver), so names resolving to
 * loopback come from the hosts file (`localhost`).
 */

/** Ways of writing an address of this machine; every one reaches the trap when nothing stops it. */
const LOOPBACK_FORMS: Array<[string, string]> = [
  ["dotted loopback", "127.0.0.1"],
  ["decimal IPv4", "2130706433"],
  ["hexadecimal IPv4", "0x7f000001"],
  ["dotted hexadecimal IPv4", "0x7f.0.0.1"],
  ["octal IPv4", "0177.0.0.1"],
  ["shortened IPv4", "127.1"],
  ["IPv6 loopback", "[::1]"],
  ["IPv4-mapped IPv6", "[::ffff:127.0.0.1]"],
  ["IPv4-mapped IPv6, long hex form", "[0:0:0:0:0:ffff:7f00:1]"],
  ["a name resolving to loopback", "localhost"],
  ["the same name in capitals", "LOCALHOST"],
];
/** Addresses no policy admits (Linux connects them to this machine, so they reach the trap too). */
const UNSPECIFIED_FORMS: Array<[string, string]> = [
  ["0", "0"],
  ["0.0.0.0", "0.0.0.0"],
  ["IPv6 unspecified", "[::]"],
];
/** Private and metadata addresses the trap does not listen on: refused before any connection. */
const OTHER_PRIVATE: Array<[string, string]> = [
  ["cloud metadata", "169.254.169.254"],
  ["cloud metadata, decimal", "2852039166"],
  ["cloud metadata, IPv4-mapped", "[::ffff:a9fe:a9fe]"],
  ["private 10/8", "10.0.0.1"],
  ["private 192.168/16", "192.168.0.1"],
  ["carrier-grade NAT", "100.64.0.1"],
  ["IPv6 unique local", "[fd00::1]"],
  ["IPv6 link-local", "[fe80::1]"],
  ["IPv4-compatible loopback", "[::7f00:1]"],
  ["IPv4-compatible loopback, dotted", "[::127.0.0.1]"],
  ["6to4 of loopback", "[2002:7f00:1::]"],
  ["6to4 of 10/8", "[2002:a00:1::1]"],
  ["NAT64 of loopback", "[64:ff9b::7f00:1]"],
];
/** Forms carrying the cloud metadata address: refused even when the operator allows private networks. */
const EMBEDDED_METADATA: Array<[string, string]> = [
  ["IPv4-compatible metadata", "[::a9fe:a9fe]"],
  ["6to4 of metadata", "[2002:a9fe:a9fe::1]"],
  ["NAT64 of metadata", "[64:ff9b::a9fe:a9fe]"],
  ["local-use NAT64 of metadata", "[64:ff9b:1:a9fe:a9:fe00::]"],
];
const REFUSED = /private or reserved address|link-local or reserved address/;

async function webSource(t: TestApp, tenant: Tenant, kb: string, url: string) {
  const res = await call(t, "POST", `/knowledge-bases/${kb}/web-sources`, {
    token: tenant.token,
    body: { url, mode: "single" },
  });
  expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(201);
  return res.body.id as string;
}

async function knowledgeBase(t: TestApp, tenant: Tenant) {
  const res = await call(t, "POST", "/knowledge-bases", {
    token: tenant.token,
    body: { departmentId: tenant.generalId, name: `Crawl ${Math.random().toString(36).slice(2, 8)}` },
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function crawlOutcome(t: TestApp, tenant: Tenant, id: string) {
  const res = await call(t, "GET", `/web-sources/${id}`, { token: tenant.token });
  return { status: res.body.lastCrawlStatus as string, error: (res.body.lastCrawlError ?? "") as string };
}

/** Registers an HTTP tool calling `url` (its host allow-listed) and returns its name. */
async function httpTool(t: ChatApp, tenant: Tenant, name: string, url: string, extra = {}) {
  const res = await call(t, "POST", "/tools", {
    token: tenant.token,
    body: {
      name,
      kind: "http",
      config: {
        url,
        allowedHosts: [new URL(url.replace(/\{\{\w+\}\}/g, "x")).hostname],
        timeoutMs: 2_000,
        ...extra,
      },
    },
  });
  expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(201);
  return name;
}

/** One chat turn in which the model calls each named tool once; returns the recorded calls. */
async function modelCalls(t: ChatApp, tenant: Tenant, calls: Array<{ name: string; arguments: object }>) {
  const agentId = await createAgent(t, tenant.token, {
    departmentId: tenant.generalId,
    toolsEnabled: [...new Set(calls.map((c) => c.name))],
    maxSteps: 3,
  });
  const conversationId = await startConversation(t, tenant.token, agentId);
  t.models.scripted.script({ toolCalls: calls }, { text: "Done." });
  const res = await ask(t, tenant.token, conversationId, "Fetch it.");
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const rows = await t.context.container.database.db
    .select()
    .from(agentToolCalls)
    .where(eq(agentToolCalls.agentTaskId, res.body.taskId));
  return { rows, runId: res.body.runId as string };
}

describe("attack: SSRF with the default policy (private networks off)", () => {
  const t = useChatApp({ ALLOW_SIGNUP: "true" });
  let trap: TrapServer;
  let tenant: Tenant;

  beforeAll(async () => {
    trap = await startTrapServer();
    tenant = await signUp(t);
  });
  afterAll(() => trap.close());

  const allForms = [...LOOPBACK_FORMS, ...UNSPECIFIED_FORMS, ...OTHER_PRIVATE];

  it("a web source on any form of a private address is refused at crawl time; the trap sees nothing", async () => {
    const kb = await knowledgeBase(t, tenant);
    const sources = new Map<string, string>();
    for (const [label, host] of allForms) {
      sources.set(label, await webSource(t, tenant, kb, `http://${host}:${trap.port}/crawl/page`));
    }
    await drain(t);
    for (const [label, id] of sources) {
      const outcome = await crawlOutcome(t, tenant, id);
      expect(outcome.status, label).toBe("failed");
      expect(outcome.error, label).toMatch(REFUSED);
    }
    expect(trap.requests).toEqual([]);
    const docs = await call(t, "GET", `/knowledge-bases/${kb}/documents`, { token: tenant.token });
    expect(docs.body.total).toBe(0);
  });

  it("an HTTP tool on any form of a private address fails with FORBIDDEN when the model calls it", async () => {
    const names: string[] = [];
    for (const [index, [, host]] of allForms.entries()) {
      names.push(await httpTool(t, tenant, `ssrf_${index}`, `http://${host}:${trap.port}/tool/${index}`));
    }
    const { rows } = await modelCalls(
      t,
      tenant,
      names.map((name) => ({ name, arguments: {} })),
    );
    expect(rows).toHaveLength(names.length);
    for (const row of rows) {
      expect(row.status, row.stepName).toBe("error");
      expect(row.errorMessage, row.stepName).toMatch(REFUSED);
    }
    expect(trap.requests).toEqual([]);
  });

  it("an MCP server over HTTP on a private address is never contacted", async () => {
    for (const [index, [, host]] of [...LOOPBACK_FORMS, ...UNSPECIFIED_FORMS].entries()) {
      const res = await call(t, "POST", "/tools", {
        token: tenant.token,
        body: {
          name: `mcp_ssrf_${index}`,
          kind: "mcp",
          config: { transport: "http", url: `http://${host}:${trap.port}/mcp` },
        },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const agentId = await createAgent(t, tenant.token, {
      departmentId: tenant.generalId,
      toolsEnabled: [...LOOPBACK_FORMS, ...UNSPECIFIED_FORMS].map((_, index) => `mcp_ssrf_${index}`),
    });
    const conversationId = await startConversation(t, tenant.token, agentId);
    t.models.scripted.script({ text: "No tools needed." });
    const res = await ask(t, tenant.token, conversationId, "Hello");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(trap.requests).toEqual([]);
  });
});

describe("attack: SSRF when the operator allows private networks (intranet deployments)", () => {
  const t = useChatApp({
    ALLOW_SIGNUP: "true",
    CRAWL_ALLOW_PRIVATE_NETWORKS: "true",
    TOOLS_ALLOW_PRIVATE_NETWORKS: "true",
  });
  let trap: TrapServer;
  let tenant: Tenant;
  const base = () => `http://127.0.0.1:${trap.port}`;

  beforeAll(async () => {
    trap = await startTrapServer();
    tenant = await signUp(t);
  });
  afterAll(() => trap.close());

  it("control: every loopback form reaches the trap through a crawl (the forms are live)", async () => {
    const kb = await knowledgeBase(t, tenant);
    const sources = new Map<string, string>();
    for (const [index, [label, host]] of LOOPBACK_FORMS.entries()) {
      sources.set(label, await webSource(t, tenant, kb, `http://${host}:${trap.port}/live/${index}`));
    }
    await drain(t);
    for (const [index, [label]] of LOOPBACK_FORMS.entries()) {
      expect((await crawlOutcome(t, tenant, sources.get(label)!)).status, label).toBe("done");
      expect(trap.hits(`/live/${index}`).length, label).toBeGreaterThan(0);
    }
  });

  it("unspecified and link-local addresses stay refused, directly and after a redirect", async () => {
    const kb = await knowledgeBase(t, tenant);
    const targets = [
      ...UNSPECIFIED_FORMS.map(([label, host]) => [label, `http://${host}:${trap.port}/never/${label}`]),
      ["cloud metadata", "http://169.254.169.254/latest/meta-data/"],
      ["cloud metadata, decimal", "http://2852039166/latest/meta-data/"],
    ];
    const sources: Array<[string, string]> = [];
    for (const [index, [label, target]] of targets.entries()) {
      sources.push([`${label} directly`, await webSource(t, tenant, kb, target!)]);
      trap.redirect(`/jump/${index}`, target!);
      sources.push([`${label} after a redirect`, await webSource(t, tenant, kb, `${base()}/jump/${index}`)]);
    }
    await drain(t);
    for (const [label, id] of sources) {
      const outcome = await crawlOutcome(t, tenant, id);
      expect(outcome.status, label).toBe("failed");
      expect(outcome.error, label).toMatch(/link-local or reserved address/);
    }
    expect(trap.hits("/never/")).toEqual([]);
    // The redirects themselves were requested: the refusal is about where they pointed.
    expect(trap.hits("/jump/").length).toBeGreaterThanOrEqual(targets.length);
  });

  it("IPv4-compatible, 6to4 and NAT64 forms of the metadata address stay refused, directly and for a tool", async () => {
    const kb = await knowledgeBase(t, tenant);
    const sources: Array<[string, string]> = [];
    for (const [label, host] of EMBEDDED_METADATA) {
      sources.push([label, await webSource(t, tenant, kb, `http://${host}/latest/meta-data/`)]);
    }
    await drain(t);
    for (const [label, id] of sources) {
      const outcome = await crawlOutcome(t, tenant, id);
      expect(outcome.status, label).toBe("failed");
      expect(outcome.error, label).toMatch(/link-local or reserved address/);
    }
    const names: string[] = [];
    for (const [index, [, host]] of EMBEDDED_METADATA.entries()) {
      names.push(await httpTool(t, tenant, `embedded_${index}`, `http://${host}/latest/meta-data/`));
    }
    const { rows } = await modelCalls(
      t,
      tenant,
      names.map((name) => ({ name, arguments: {} })),
    );
    expect(rows).toHaveLength(names.length);
    for (const row of rows) {
      expect(row.status, row.stepName).toBe("error");
      expect(row.errorMessage, row.stepName).toMatch(/link-local or reserved address/);
    }
  });

  it("an HTTP tool does not follow a redirect to a refused address or to a host outside allowedHosts", async () => {
    trap.redirect("/hop/unspecified", `http://0.0.0.0:${trap.port}/never/tool-unspecified`);
    trap.redirect("/hop/metadata", "http://169.254.169.254/latest/meta-data/");
    trap.redirect("/hop/elsewhere", `http://localhost:${trap.port}/never/tool-elsewhere`);
    const hosts = ["127.0.0.1", "0.0.0.0", "169.254.169.254"];
    const names = [];
    for (const hop of ["unspecified", "metadata", "elsewhere"]) {
      names.push(await httpTool(t, tenant, `hop_${hop}`, `${base()}/hop/${hop}`, { allowedHosts: hosts }));
    }
    const { rows } = await modelCalls(
      t,
      tenant,
      names.map((name) => ({ name, arguments: {} })),
    );
    const byName = Object.fromEntries(rows.map((r) => [r.stepName, r]));
    expect(byName.hop_unspecified?.errorMessage).toMatch(/link-local or reserved address/);
    expect(byName.hop_metadata?.errorMessage).toMatch(/link-local or reserved address/);
    expect(byName.hop_elsewhere?.errorMessage).toMatch(/not in allowedHosts/);
    expect(rows.every((r) => r.status === "error")).toBe(true);
    expect(trap.hits("/never/")).toEqual([]);
  });

  it("the model cannot move a tool call to another host through its input, nor see the tool's secret", async () => {
    const secret = "tool-secret-Zq8v3Kx1";
    const name = await httpTool(t, tenant, "items_lookup", `${base()}/items/{{id}}`, {
      headers: { authorization: "Bearer {{secret:TOKEN}}" },
      secrets: { TOKEN: secret },
    });
    const hostile = [
      "@169.254.169.254",
      "x@localhost:1/",
      "//elsewhere.example/",
      "http://169.254.169.254/latest/meta-data/",
      "%2F%2Felsewhere.example",
      "1?redirect=http://elsewhere.example",
      "1#@elsewhere.example",
      "1\r\nHost: elsewhere.example",
    ];
    const before = trap.requests.length;
    const { rows, runId } = await modelCalls(
      t,
      tenant,
      hostile.map((id) => ({ name, arguments: { id, authorization: "Bearer from-the-model" } })),
    );
    const seen = trap.requests.slice(before);
    expect(seen).toHaveLength(hostile.length);
    for (const request of seen) {
      // Every call landed on the template's host and under its path, with the tool's own credential.
      expect(request.host).toBe(`127.0.0.1:${trap.port}`);
      expect(request.url.startsWith("/items/")).toBe(true);
      expect(request.headers.authorization).toBe(`Bearer ${secret}`);
    }
    expect(rows.every((r) => r.status === "ok")).toBe(true);
    // The endpoint echoed the secret back; neither the model nor the trace ever holds it.
    const shownToModel = JSON.stringify(t.models.scripted.calls.map((c) => c.prompt));
    expect(shownToModel).toContain("Internal secret page");
    expect(shownToModel).not.toContain(secret);
    expect(JSON.stringify(rows)).not.toContain(secret);
    const trace = await call(t, "GET", `/runs/${runId}`, { token: tenant.token });
    expect(trace.status).toBe(200);
    expect(JSON.stringify(trace.body)).not.toContain(secret);
    const listed = await call(t, "GET", "/tools", { token: tenant.token });
    expect(JSON.stringify(listed.body)).not.toContain(secret);
  });
});

describe("attack: SSRF through a public site that redirects into the private network", () => {
  /** A public address (TEST-NET is reserved, so this one is real and routable): the crawl's first hop. */
  const PUBLIC = "93.184.216.34";
  let trap: TrapServer;
  const targets = () => [
    `http://127.0.0.1:${trap.port}/never/loopback`,
    `http://2130706433:${trap.port}/never/decimal`,
    `http://[::ffff:127.0.0.1]:${trap.port}/never/mapped`,
    `http://localhost:${trap.port}/never/name`,
    `http://0.0.0.0:${trap.port}/never/unspecified`,
    "http://169.254.169.254/latest/meta-data/",
  ];
  // The public site is simulated; every other request goes out for real, so a followed redirect would
  // reach the trap. The guard checks each hop whatever fetch the crawler is given.
  const t = useTestApp({
    env: { ALLOW_SIGNUP: "true", AUTH_RATE_LIMIT_PER_MINUTE: "1000" },
    infra: {
      crawlFetch: async (url, init) => {
        const target = new URL(url);
        if (target.hostname !== PUBLIC) return fetch(url, init);
        if (target.pathname === "/robots.txt") return new Response("", { status: 404 });
        const index = Number(target.pathname.split("/").at(-1));
        return new Response(null, { status: 302, headers: { location: targets()[index]! } });
      },
    },
  });
  let tenant: Tenant;

  beforeAll(async () => {
    trap = await startTrapServer();
    tenant = await signUp(t);
  });
  afterAll(() => trap.close());

  it("the crawl stops at the redirect into the private network; the trap sees nothing", async () => {
    const kb = await knowledgeBase(t, tenant);
    const sources: string[] = [];
    for (const index of targets().keys())
      sources.push(await webSource(t, tenant, kb, `http://${PUBLIC}/r/${index}`));
    await drain(t);
    for (const [index, id] of sources.entries()) {
      const outcome = await crawlOutcome(t, tenant, id);
      expect(outcome.status, targets()[index]).toBe("failed");
      expect(outcome.error, targets()[index]).toMatch(REFUSED);
    }
    expect(trap.requests).toEqual([]);
  });
});
