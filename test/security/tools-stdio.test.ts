import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MINIMAL_PATH } from "../../src/services/tools/mcp-stdio-servers.js";
import { addMember, call, signUp, useChatApp } from "../http/chat-helpers.js";
import type { Tenant } from "../http/identity-helpers.js";
import { modelCalls } from "./tool-attack-helpers.js";

/**
 * Code execution on the host (issue 10, finding 1, critical): an organisation admin registered an MCP
 * tool with transport "stdio" and a command of their choice, and the next chat turn ran it as the
 * server's user. Now only the operator's allow-list (MCP_STDIO_SERVERS) names processes; tenants pick an
 * entry by name, and the process gets only the environment its entry names. A marker file written by
 * the attacker's command shows whether anything ran.
 */

const STDIO_SERVER = fileURLToPath(new URL("../fakes/mcp-stdio-server.ts", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "atrium-stdio-attack-"));
const OPERATOR_VALUE = "operator-passed-value";
const CANARY = "server-only-canary-4f1e";

/** A command that proves it ran by writing `marker` (and would do anything else just as well). */
const attack = (marker: string) => ({
  command: process.execPath,
  args: ["-e", `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "ran")`],
});

const stdioTool = (name: string, config: Record<string, unknown>) => ({
  name,
  kind: "mcp",
  config: { transport: "stdio", ...config },
});

describe("attack: a tenant starts a process on the host through an MCP tool (no allow-list)", () => {
  // The default: MCP_STDIO_SERVERS unset, stdio MCP servers off.
  const t = useChatApp();
  let tenant: Tenant;

  beforeAll(async () => {
    tenant = await signUp(t);
  });

  it("an organisation admin's stdio tool with a command is refused with 400; the command never runs", async () => {
    const marker = join(scratch, "no-allow-list");
    const res = await call(t, "POST", "/tools", {
      token: tenant.token,
      body: stdioTool("pwn", attack(marker)),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION");
    expect(JSON.stringify(res.body.error)).toMatch(/started only from the operator's list/);
    // Nothing was stored, so no agent can enable it (the attack's next step fails too).
    const agent = await call(t, "POST", "/agents", {
      token: tenant.token,
      body: { name: "Pwned", departmentId: tenant.generalId, toolsEnabled: ["pwn"] },
    });
    expect(agent.status).toBe(400);
    expect(existsSync(marker)).toBe(false);
  });

  it("naming a server is refused too while the operator lists none", async () => {
    const res = await call(t, "POST", "/tools", {
      token: tenant.token,
      body: stdioTool("named", { server: "helpdesk" }),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/MCP_STDIO_SERVERS/);
    const listed = await call(t, "GET", "/tools/mcp-servers", { token: tenant.token });
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({ items: [] });
  });

  it("a stdio tool stored earlier with its own command never runs", async () => {
    const marker = join(scratch, "legacy-row");
    await t.context.container.repositories.tools.create({
      orgId: tenant.orgId,
      departmentId: null,
      name: "legacy_stdio",
      kind: "mcp",
      config: { transport: "stdio", ...attack(marker), env: {} },
    });
    await modelCalls(t, tenant, [{ name: "legacy_stdio__anything", arguments: {} }], ["legacy_stdio"]);
    expect(existsSync(marker)).toBe(false);
  });
});

describe("attack: a tenant steers the operator's allow-list (MCP_STDIO_SERVERS set)", () => {
  const t = useChatApp({
    TOOLS_MCP_CONNECT_TIMEOUT_MS: "60000",
    MCP_STDIO_SERVERS: JSON.stringify([
      {
        name: "helpdesk",
        description: "The helpdesk's ticket system",
        command: process.execPath,
        args: ["--import", "tsx", STDIO_SERVER],
        env: ["FAKE_MCP_PASSED"],
        tenantEnv: ["FAKE_MCP_VALUE"],
      },
    ]),
  });
  let tenant: Tenant;

  beforeAll(async () => {
    tenant = await signUp(t);
    process.env.FAKE_MCP_PASSED = OPERATOR_VALUE;
    process.env.ATRIUM_CANARY_SECRET = CANARY;
  });
  afterAll(() => {
    delete process.env.FAKE_MCP_PASSED;
    delete process.env.ATRIUM_CANARY_SECRET;
  });

  it("GET /tools/mcp-servers lists names, descriptions and settable variables, never commands", async () => {
    const res = await call(t, "GET", "/tools/mcp-servers", { token: tenant.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        { name: "helpdesk", description: "The helpdesk's ticket system", tenantEnv: ["FAKE_MCP_VALUE"] },
      ],
    });
    expect(JSON.stringify(res.body)).not.toContain(process.execPath);
    expect(JSON.stringify(res.body)).not.toContain("FAKE_MCP_PASSED");
  });

  it("refuses a command, arguments, an unknown server or a variable the entry does not list (400)", async () => {
    const marker = join(scratch, "with-allow-list");
    const attempts = [
      stdioTool("cmd_only", attack(marker)),
      stdioTool("cmd_and_server", { server: "helpdesk", ...attack(marker) }),
      stdioTool("args_only", { server: "helpdesk", args: ["-e", "process.exit(1)"] }),
      stdioTool("unknown", { server: "shell" }),
      stdioTool("preload", { server: "helpdesk", env: { NODE_OPTIONS: `--require ${marker}` } }),
      stdioTool("operator_var", { server: "helpdesk", env: { FAKE_MCP_PASSED: "tenant-choice" } }),
    ];
    for (const body of attempts) {
      const res = await call(t, "POST", "/tools", { token: tenant.token, body });
      expect(res.status, `${body.name}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.error.code, body.name).toBe("VALIDATION");
    }
    const listed = await call(t, "GET", "/tools", { token: tenant.token });
    expect(listed.body.items).toEqual([]);
    expect(existsSync(marker)).toBe(false);
  });

  it("a department head cannot pick an allowed server either (org:admin decides)", async () => {
    const head = await addMember(t, tenant.token, tenant.generalId, "dept_head");
    const res = await call(t, "POST", "/tools", {
      token: head.token,
      body: { ...stdioTool("head_pick", { server: "helpdesk" }), departmentId: tenant.generalId },
    });
    expect(res.status).toBe(403);
  });

  it("runs the operator's command with only PATH, the entry's variables and the tool's own values", async () => {
    const created = await call(t, "POST", "/tools", {
      token: tenant.token,
      body: stdioTool("desk", { server: "helpdesk", env: { FAKE_MCP_VALUE: "tenant-value" } }),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.config).toMatchObject({
      transport: "stdio",
      server: "helpdesk",
      envNames: ["FAKE_MCP_VALUE"],
    });
    expect(created.body.config).not.toHaveProperty("command");
    const { rows } = await modelCalls(
      t,
      tenant,
      [
        { name: "desk__env_names", arguments: {} },
        { name: "desk__env_value", arguments: {} },
      ],
      ["desk"],
    );
    const output = Object.fromEntries(rows.map((r) => [r.stepName, JSON.stringify(r.outputData)]));
    expect(
      rows.map((r) => r.status),
      JSON.stringify(rows),
    ).toEqual(["ok", "ok"]);
    const names = JSON.parse(JSON.parse(output.desk__env_names!).text) as string[];
    expect(names).toEqual(["FAKE_MCP_PASSED", "FAKE_MCP_VALUE", "PATH"]);
    expect(output.desk__env_value).toContain("tenant-value");
    expect(JSON.stringify(rows)).not.toContain(CANARY);
    expect(MINIMAL_PATH).not.toContain(".");
  }, 90_000);

  it("a row naming a server the operator no longer lists, or with its own command, does not start", async () => {
    const marker = join(scratch, "removed-entry");
    for (const [name, config] of [
      ["removed", { transport: "stdio", server: "retired", env: {} }],
      ["sneaky", { transport: "stdio", server: "helpdesk", ...attack(marker), env: {} }],
    ] as const) {
      await t.context.container.repositories.tools.create({
        orgId: tenant.orgId,
        departmentId: null,
        name,
        kind: "mcp",
        config,
      });
    }
    const { rows } = await modelCalls(
      t,
      tenant,
      [{ name: "removed__env_names", arguments: {} }],
      ["removed"],
    );
    expect(rows.every((r) => r.status !== "ok")).toBe(true);
    // "sneaky" names an allowed server: the operator's command runs, never the row's.
    const sneaky = await modelCalls(t, tenant, [{ name: "sneaky__env_value", arguments: {} }], ["sneaky"]);
    expect(sneaky.rows.map((r) => r.status)).toEqual(["ok"]);
    expect(existsSync(marker)).toBe(false);
  }, 90_000);

  it("no tenant setting turns private networks on: TOOLS_ALLOW_PRIVATE_NETWORKS is the operator's alone", async () => {
    // Organisation settings are free-form: stored, but nothing reads a network policy from them.
    const settings = await call(t, "PATCH", "/org", {
      token: tenant.token,
      body: { settings: { allowPrivateNetworks: true, toolsAllowPrivateNetworks: true } },
    });
    expect(settings.status).toBe(200);
    const tool = await call(t, "POST", "/tools", {
      token: tenant.token,
      body: {
        name: "intranet",
        kind: "http",
        config: {
          url: "http://127.0.0.1:9/x",
          allowedHosts: ["127.0.0.1"],
          allowPrivateNetworks: true,
        },
      },
    });
    expect(tool.status).toBe(400);
    const plain = await call(t, "POST", "/tools", {
      token: tenant.token,
      body: {
        name: "intranet",
        kind: "http",
        config: { url: "http://127.0.0.1:9/x", allowedHosts: ["127.0.0.1"] },
      },
    });
    expect(plain.status).toBe(201);
    const { rows } = await modelCalls(t, tenant, [{ name: "intranet", arguments: {} }]);
    expect(rows[0]?.errorMessage).toMatch(/TOOLS_ALLOW_PRIVATE_NETWORKS is off/);
  });
});
