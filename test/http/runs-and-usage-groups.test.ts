import { describe, expect, it } from "vitest";
import { makeAgent, makeAgentRun } from "../factories/index.js";
import { useTestApp } from "../setup/container.js";
import { addMember, call, createDepartment, signUp } from "./identity-helpers.js";

/**
 * What the web application's observability pages read: the runs list (GET /runs, the rule of one
 * trace applied to many) and usage grouped by assistant and by model.
 */
describe("runs list and usage by assistant and model", () => {
  const t = useTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "1000" } });
  const repos = () => t.context.container.repositories;

  it("lists the runs whose traces the caller may read: their own, their departments', org-wide for admins", async () => {
    const tenant = await signUp(t);
    const other = await signUp(t, "Other");
    const sales = await createDepartment(t, tenant.token, "Sales");
    const support = await createDepartment(t, tenant.token, "Support");
    const head = await addMember(t, tenant.token, sales, "dept_head");
    const clerk = await addMember(t, tenant.token, sales, "employee");
    const colleague = await addMember(t, tenant.token, sales, "employee");
    const agent = await makeAgent(repos(), tenant.orgId, { departmentId: sales, name: "Sales Helper" });
    const run = (departmentId: string | null, userId: string, minutesAgo: number) =>
      makeAgentRun(repos(), tenant.orgId, {
        departmentId,
        userId,
        agentId: departmentId === sales ? agent.id : null,
        createdAt: new Date(Date.now() - minutesAgo * 60_000),
      });
    const clerkRun = await run(sales, clerk.id, 1);
    const colleagueRun = await run(sales, colleague.id, 2);
    const supportRun = await run(support, tenant.adminId, 3);
    const orgWideRun = await run(null, tenant.adminId, 4);
    await makeAgentRun(repos(), other.orgId, {});

    const ids = async (token: string, query = "") => {
      const res = await call(t, "GET", `/runs${query}`, { token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return (res.body.items as { id: string }[]).map((r) => r.id);
    };
    expect(await ids(clerk.token), "an employee sees their own runs only").toEqual([clerkRun.id]);
    expect(await ids(head.token), "analytics:read adds the department's").toEqual([
      clerkRun.id,
      colleagueRun.id,
    ]);
    expect(await ids(tenant.token)).toEqual([clerkRun.id, colleagueRun.id, supportRun.id, orgWideRun.id]);
    expect(await ids(tenant.token, "?limit=2")).toEqual([clerkRun.id, colleagueRun.id]);
    const listed = await call(t, "GET", "/runs?limit=1", { token: clerk.token });
    expect(listed.body.items[0]).toMatchObject({ agentName: "Sales Helper", provider: "offline" });
    expect((await call(t, "GET", "/runs?limit=0", { token: clerk.token })).status).toBe(400);
  });

  it("groups usage by assistant and by model", async () => {
    const tenant = await signUp(t);
    const sales = await createDepartment(t, tenant.token, "Sales");
    const agent = await makeAgent(repos(), tenant.orgId, { departmentId: sales, name: "Sales Helper" });
    const at = new Date("2025-05-06T10:00:00Z");
    await makeAgentRun(repos(), tenant.orgId, {
      departmentId: sales,
      agentId: agent.id,
      provider: "openai",
      model: "gpt-x",
      costUsd: 1.5,
      createdAt: at,
    });
    await makeAgentRun(repos(), tenant.orgId, { departmentId: sales, costUsd: 0.25, createdAt: at });
    const period = "from=2025-05-01&to=2025-05-31";
    const byAgent = await call(t, "GET", `/usage?${period}&groupBy=agent`, { token: tenant.token });
    expect(byAgent.status, JSON.stringify(byAgent.body)).toBe(200);
    expect(
      byAgent.body.rows.map((r: { id: string; name: string; costUsd: number }) => [r.id, r.name, r.costUsd]),
    ).toEqual([
      [agent.id, "Sales Helper", 1.5],
      [null, null, 0.25],
    ]);
    const byModel = await call(t, "GET", `/usage?${period}&groupBy=model`, { token: tenant.token });
    expect(byModel.body.rows.map((r: { name: string; runs: number }) => [r.name, r.runs])).toEqual([
      ["openai/gpt-x", 1],
      ["offline/extractive", 1],
    ]);
    expect(byModel.body.rows[0].days).toEqual([
      expect.objectContaining({ day: "2025-05-06", costUsd: 1.5, runs: 1 }),
    ]);
  });
});
