import { beforeAll, describe, expect, it } from "vitest";
import {
  addMember,
  call,
  createDepartment,
  createKnowledgeBase,
  ok,
  signUp,
  uniq,
} from "../http/assistants-helpers.js";
import type { Member, Tenant } from "../http/identity-helpers.js";
import { useIdentityApp } from "../http/identity-helpers.js";

/**
 * An organisation-wide agent may retrieve from bases of several departments. Someone who reaches only
 * some of them sees the agent — and, on GET /agents/:id, only the ids of the bases they can see. The
 * published versions told them the rest: GET /agents/:id/versions and /versions/:n showed every id.
 */

describe("attack: agent versions show knowledge bases the caller cannot see", () => {
  const t = useIdentityApp({ ALLOW_SIGNUP: "true" });
  let tenant: Tenant;
  let employee: Member;
  let generalKb: string;
  let salesKb: string;
  let agentId: string;

  beforeAll(async () => {
    tenant = await signUp(t);
    const sales = await createDepartment(t, tenant.token, "Sales");
    generalKb = await createKnowledgeBase(t, tenant.token, tenant.generalId);
    salesKb = await createKnowledgeBase(t, tenant.token, sales);
    employee = await addMember(t, tenant.token, tenant.generalId, "employee");
    const agent = await ok(
      t,
      "POST",
      "/agents",
      tenant.token,
      { name: uniq("Everyone"), ragEnabled: [generalKb, salesKb] },
      201,
    );
    agentId = agent.id;
    await ok(t, "PATCH", `/agents/${agentId}`, tenant.token, { prompt: "Answer briefly." });
    await ok(t, "POST", `/agents/${agentId}/publish`, tenant.token, { changelog: "shorter" });
  });

  it("control: the draft shows the employee only the base of their own department", async () => {
    const agent = await ok(t, "GET", `/agents/${agentId}`, employee.token);
    expect(agent.ragEnabled).toEqual([generalKb]);
  });

  it("lists versions without the ids of bases in departments hidden from the caller", async () => {
    const page = await ok(t, "GET", `/agents/${agentId}/versions`, employee.token);
    expect(page.items).toHaveLength(2);
    for (const version of page.items) expect(version.ragEnabled).toEqual([generalKb]);
    expect(JSON.stringify(page)).not.toContain(salesKb);
  });

  it("shows one version without them either", async () => {
    for (const n of [1, 2]) {
      const version = await ok(t, "GET", `/agents/${agentId}/versions/${n}`, employee.token);
      expect(version.ragEnabled).toEqual([generalKb]);
      expect(JSON.stringify(version)).not.toContain(salesKb);
    }
  });

  it("control: a caller who reaches every department sees every base in every version", async () => {
    const page = await ok(t, "GET", `/agents/${agentId}/versions`, tenant.token);
    for (const version of page.items) expect(version.ragEnabled.sort()).toEqual([generalKb, salesKb].sort());
    const v1 = await call(t, "GET", `/agents/${agentId}/versions/1`, { token: tenant.token });
    expect(v1.body.ragEnabled.sort()).toEqual([generalKb, salesKb].sort());
  });
});
