import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTrapServer, type TrapServer } from "../fakes/trap-server.js";
import { type ChatApp, call, signUp, useChatApp } from "../http/chat-helpers.js";
import type { Tenant } from "../http/identity-helpers.js";

/**
 * POST /tools/:id/test runs a tool once under the rules of a chat turn: it must not become a way
 * around the network policy (TOOLS_ALLOW_PRIVATE_NETWORKS) nor give the tool's secrets back.
 */
const SECRET = "trap-token-9c1e-never-shown";

async function trapTool(t: ChatApp, tenant: Tenant, name: string, url: string) {
  const res = await call(t, "POST", "/tools", {
    token: tenant.token,
    body: {
      name,
      kind: "http",
      config: {
        url,
        allowedHosts: [new URL(url).hostname],
        headers: { authorization: "Bearer {{secret:TOKEN}}" },
        secrets: { TOKEN: SECRET },
        timeoutMs: 2_000,
      },
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

describe("attack: a test call to a private address with the default policy", () => {
  const t = useChatApp({ ALLOW_SIGNUP: "true" });
  let trap: TrapServer;
  let tenant: Tenant;

  beforeAll(async () => {
    trap = await startTrapServer();
    tenant = await signUp(t);
  });
  afterAll(() => trap.close());

  it("is refused with FORBIDDEN for every loopback and private form; the trap sees nothing", async () => {
    const hosts = [
      "127.0.0.1",
      "localhost",
      "[::1]",
      "[::ffff:127.0.0.1]",
      "2130706433",
      "10.0.0.1",
      "169.254.169.254",
    ];
    for (const [index, host] of hosts.entries()) {
      const id = await trapTool(t, tenant, `test_call_${index}`, `http://${host}:${trap.port}/tool/${index}`);
      const res = await call(t, "POST", `/tools/${id}/test`, { token: tenant.token, body: { input: {} } });
      expect(res.status, host).toBe(200);
      expect(res.body, host).toMatchObject({ ok: false, errorCode: "FORBIDDEN", status: null });
      expect(res.body.output, host).toMatch(/private or reserved address/);
      expect(JSON.stringify(res.body)).not.toContain(SECRET);
    }
    expect(trap.requests).toEqual([]);
  });
});

describe("a test call when the operator allows private networks (intranet deployments)", () => {
  const t = useChatApp({ ALLOW_SIGNUP: "true", TOOLS_ALLOW_PRIVATE_NETWORKS: "true" });
  let trap: TrapServer;
  let tenant: Tenant;

  beforeAll(async () => {
    trap = await startTrapServer();
    tenant = await signUp(t);
  });
  afterAll(() => trap.close());

  it("control: reaches the endpoint with the secret, but the secret never comes back in the output", async () => {
    const id = await trapTool(t, tenant, "intranet_page", `http://127.0.0.1:${trap.port}/intranet`);
    const res = await call(t, "POST", `/tools/${id}/test`, { token: tenant.token, body: { input: {} } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      ok: true,
      status: 200,
      errorCode: null,
      tool: "intranet_page",
      truncated: false,
    });
    expect(res.body.durationMs).toBeGreaterThanOrEqual(0);
    // The endpoint got the secret (the call is real) and echoed it; the answer shows it scrubbed.
    expect(trap.hits("/intranet")[0]?.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(res.body.output).toContain("Bearer [secret]");
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
  });

  it("a link-local address stays refused even then", async () => {
    const id = await trapTool(t, tenant, "metadata", "http://169.254.169.254/latest/meta-data/");
    const res = await call(t, "POST", `/tools/${id}/test`, { token: tenant.token, body: { input: {} } });
    expect(res.body).toMatchObject({ ok: false, errorCode: "FORBIDDEN" });
    expect(res.body.output).toMatch(/link-local or reserved address/);
  });
});
