import { describe, expect, it } from "vitest";
import { systemAccess } from "../../src/core/access.js";
import { AppError } from "../../src/lib/errors.js";
import { createLogger } from "../../src/lib/logger.js";
import type { ServiceContext } from "../../src/services/context.js";
import { createBudgetGuard } from "../../src/services/usage/budget-guard.js";
import { makeAgentRun } from "../factories/index.js";
import { useTestApp } from "../setup/container.js";
import {
  addMember,
  audits,
  call,
  createDepartment,
  type Reply,
  signUp,
  type TestApp,
  uniq,
} from "./identity-helpers.js";

async function put(t: TestApp, url: string, token: string, body: unknown): Promise<Reply> {
  const response = await t.app.inject({
    method: "PUT",
    url,
    headers: { authorization: `Bearer ${token}` },
    payload: body as object,
  });
  if (response.statusCode >= 500) throw new Error(`server error on PUT ${url}: ${response.body}`);
  return { status: response.statusCode, body: JSON.parse(response.body) };
}

/** A member with a custom role holding exactly `permissions`, limited to one department. */
async function memberWithRole(t: TestApp, token: string, departmentId: string, permissions: string[]) {
  const slug = uniq("role");
  const role = await call(t, "POST", "/roles", {
    token,
    body: { name: slug, slug, permissions, departmentIds: [departmentId] },
  });
  expect(role.status, JSON.stringify(role.body)).toBe(201);
  return addMember(t, token, departmentId, slug);
}

const systemContext = (t: TestApp, orgId: string): ServiceContext => ({
  orgId,
  actor: { kind: "system", id: "test" },
  access: systemAccess,
  db: t.context.container.database.db,
  meta: { requestId: "test" },
  logger: createLogger("silent"),
});

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "the guard should refuse").toBeInstanceOf(AppError);
  return error as AppError;
}

const thisMonth = () => new Date().toISOString().slice(0, 7);
const monthLabel = () =>
  new Date().toLocaleString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
/** An instant in the current month that is already in the past. */
const earlierThisMonth = () =>
  new Date(Math.max(Date.now() - 60_000, Date.parse(`${thisMonth()}-01T00:00:00Z`)));
const lastMonth = () => new Date(Date.parse(`${thisMonth()}-01T00:00:00Z`) - 86_400_000);

describe("usage and budgets", () => {
  const t = useTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "1000", BUDGET_CACHE_SECONDS: "0" } });
  const repos = () => t.context.container.repositories;

  it("totals tokens, cost and runs per day by department, by user and overall, within the caller's reach", async () => {
    const tenant = await signUp(t);
    const other = await signUp(t, "Other");
    const sales = await createDepartment(t, tenant.token, "Sales");
    const support = await createDepartment(t, tenant.token, "Support");
    const head = await addMember(t, tenant.token, sales, "dept_head", "Hana Head");
    const clerk = await addMember(t, tenant.token, support, "employee", "Carl Clerk");
    const run = (
      at: string,
      departmentId: string | null,
      userId: string,
      tokens: number[],
      costUsd: number,
    ) =>
      makeAgentRun(repos(), tenant.orgId, {
        departmentId,
        userId,
        promptTokens: tokens[0]!,
        completionTokens: tokens[1]!,
        totalTokens: tokens[0]! + tokens[1]!,
        costUsd,
        createdAt: new Date(at),
      });
    await run("2025-03-03T10:00:00Z", sales, head.id, [100, 50], 0.5);
    await run("2025-03-03T15:00:00Z", sales, head.id, [200, 100], 1.25);
    await run("2025-03-04T08:00:00Z", sales, clerk.id, [10, 5], 0.05);
    await run("2025-03-04T23:59:59Z", support, clerk.id, [1000, 500], 2);
    await run("2025-03-05T12:00:00Z", null, tenant.adminId, [1, 1], 0.1);
    // Outside the period, and another organisation's run inside it: neither counts.
    await run("2025-04-01T00:00:00Z", support, clerk.id, [7, 7], 100);
    await run("2025-02-28T23:59:59Z", sales, head.id, [7, 7], 100);
    await makeAgentRun(repos(), other.orgId, { costUsd: 50, createdAt: new Date("2025-03-10T00:00:00Z") });

    const period = "from=2025-03-01&to=2025-03-31";
    const byDepartment = await call(t, "GET", `/usage?${period}&groupBy=department`, { token: tenant.token });
    expect(byDepartment.status, JSON.stringify(byDepartment.body)).toBe(200);
    expect(byDepartment.body).toMatchObject({
      from: "2025-03-01",
      to: "2025-03-31",
      groupBy: "department",
      totals: { promptTokens: 1311, completionTokens: 656, totalTokens: 1967, costUsd: 3.9, runs: 5 },
    });
    const rows = byDepartment.body.rows as {
      id: string | null;
      name: string;
      costUsd: number;
      runs: number;
      days: unknown[];
    }[];
    expect(rows.map((r) => [r.id, r.name, r.costUsd, r.runs])).toEqual([
      [support, "Support", 2, 1],
      [sales, "Sales", 1.8, 3],
      [null, null, 0.1, 1],
    ]);
    expect(rows[1]!.days).toEqual([
      {
        day: "2025-03-03",
        promptTokens: 300,
        completionTokens: 150,
        totalTokens: 450,
        costUsd: 1.75,
        runs: 2,
      },
      { day: "2025-03-04", promptTokens: 10, completionTokens: 5, totalTokens: 15, costUsd: 0.05, runs: 1 },
    ]);

    const byDay = await call(t, "GET", `/usage?${period}&groupBy=day`, { token: tenant.token });
    expect(
      byDay.body.rows.map((r: { name: string; costUsd: number; runs: number }) => [
        r.name,
        r.costUsd,
        r.runs,
      ]),
    ).toEqual([
      ["2025-03-03", 1.75, 2],
      ["2025-03-04", 2.05, 2],
      ["2025-03-05", 0.1, 1],
    ]);

    const byUser = await call(t, "GET", `/usage?${period}&groupBy=user`, { token: tenant.token });
    expect(
      byUser.body.rows.map((r: { id: string; email: string; costUsd: number }) => [r.id, r.email, r.costUsd]),
    ).toEqual([
      [clerk.id, clerk.email, 2.05],
      [head.id, head.email, 1.75],
      [tenant.adminId, tenant.adminEmail, 0.1],
    ]);

    // A department head sees their department only: no Support, no org-wide runs.
    const scoped = await call(t, "GET", `/usage?${period}&groupBy=department`, { token: head.token });
    expect(scoped.status).toBe(200);
    expect(scoped.body.totals).toMatchObject({ costUsd: 1.8, runs: 3 });
    expect(scoped.body.rows.map((r: { id: string }) => r.id)).toEqual([sales]);
    expect(JSON.stringify(scoped.body)).not.toContain(support);
    const scopedUsers = await call(t, "GET", `/usage?${period}&groupBy=user`, { token: head.token });
    expect(scopedUsers.body.totals.costUsd).toBe(1.8);

    // Employees have no analytics:read, but always see their own usage.
    expect((await call(t, "GET", `/usage?${period}`, { token: clerk.token })).status).toBe(403);
    const mine = await call(t, "GET", `/me/usage?${period}`, { token: clerk.token });
    expect(mine.status).toBe(200);
    expect(mine.body.totals).toMatchObject({ costUsd: 2.05, runs: 2, totalTokens: 1515 });
    expect(mine.body.rows.map((r: { name: string }) => r.name)).toEqual(["2025-03-04"]);
  });

  it("defaults to this month and refuses bad periods with 400", async () => {
    const tenant = await signUp(t);
    const current = await call(t, "GET", "/usage", { token: tenant.token });
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({
      from: `${thisMonth()}-01`,
      to: new Date().toISOString().slice(0, 10),
    });
    for (const query of [
      "from=2025-03-10&to=2025-03-01",
      "from=2025-02-30",
      "from=2024-01-01&to=2025-03-01",
      "from=yesterday",
      "groupBy=team",
    ]) {
      const res = await call(t, "GET", `/usage?${query}`, { token: tenant.token });
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION");
    }
  });

  it("sets budgets with the right permissions and audit, and shows spend and remainder per visible department", async () => {
    const tenant = await signUp(t);
    const sales = await createDepartment(t, tenant.token, "Sales");
    const support = await createDepartment(t, tenant.token, "Support");
    const head = await addMember(t, tenant.token, sales, "dept_head");
    const manager = await memberWithRole(t, tenant.token, sales, ["departments:manage", "analytics:read"]);
    const orgAdmin = await memberWithRole(t, tenant.token, sales, ["org:admin"]);
    await call(t, "PATCH", `/departments/${sales}`, {
      token: tenant.token,
      body: { settings: { locale: "fr" } },
    });

    const org = await put(t, "/budgets/org", tenant.token, { monthlyBudgetUsd: 100 });
    expect(org.status, JSON.stringify(org.body)).toBe(200);
    expect(org.body).toMatchObject({ month: thisMonth(), budgetUsd: 100, spentUsd: 0, remainingUsd: 100 });
    expect((await put(t, "/budgets/org", head.token, { monthlyBudgetUsd: 1 })).status).toBe(403);
    expect((await put(t, "/budgets/org", tenant.token, { monthlyBudgetUsd: -1 })).status).toBe(400);

    // departments:manage or org:admin, and only within reach (another department is "not found").
    expect((await put(t, `/departments/${sales}/budget`, head.token, { monthlyBudgetUsd: 5 })).status).toBe(
      403,
    );
    const byManager = await put(t, `/departments/${sales}/budget`, manager.token, { monthlyBudgetUsd: 20 });
    expect(byManager.status, JSON.stringify(byManager.body)).toBe(200);
    expect(byManager.body).toMatchObject({ id: sales, name: "Sales", budgetUsd: 20, remainingUsd: 20 });
    expect(
      (await put(t, `/departments/${support}/budget`, manager.token, { monthlyBudgetUsd: 5 })).status,
    ).toBe(404);
    expect(
      (await put(t, `/departments/${sales}/budget`, orgAdmin.token, { monthlyBudgetUsd: 30 })).status,
    ).toBe(200);
    expect(
      (await put(t, `/departments/${support}/budget`, orgAdmin.token, { monthlyBudgetUsd: 5 })).status,
    ).toBe(404);
    expect(
      (await put(t, `/departments/${support}/budget`, tenant.token, { monthlyBudgetUsd: 10 })).status,
    ).toBe(200);
    const stored = await repos().departments.findById(sales);
    expect(stored!.settings).toEqual({ locale: "fr", monthlyBudgetUsd: 30 });
    // Changing the department's other settings keeps its budget; the budget itself has its own route.
    const resettled = await call(t, "PATCH", `/departments/${sales}`, {
      token: tenant.token,
      body: { settings: { locale: "de" } },
    });
    expect(resettled.status, JSON.stringify(resettled.body)).toBe(200);
    expect(resettled.body.settings).toEqual({ locale: "de", monthlyBudgetUsd: 30 });
    const sneaky = await call(t, "PATCH", `/departments/${sales}`, {
      token: tenant.token,
      body: { settings: { locale: "de", monthlyBudgetUsd: 1_000_000 } },
    });
    expect(sneaky.status).toBe(400);
    expect(sneaky.body.error).toMatchObject({
      code: "VALIDATION",
      details: { field: "settings.monthlyBudgetUsd" },
    });
    expect((await repos().departments.findById(sales))!.settings).toEqual({
      locale: "de",
      monthlyBudgetUsd: 30,
    });

    await makeAgentRun(repos(), tenant.orgId, {
      departmentId: sales,
      costUsd: 12.5,
      createdAt: earlierThisMonth(),
    });
    await makeAgentRun(repos(), tenant.orgId, {
      departmentId: support,
      costUsd: 11,
      createdAt: earlierThisMonth(),
    });
    await makeAgentRun(repos(), tenant.orgId, { departmentId: sales, costUsd: 99, createdAt: lastMonth() });
    const overview = await call(t, "GET", "/budgets", { token: tenant.token });
    expect(overview.status).toBe(200);
    expect(overview.body.month).toBe(thisMonth());
    expect(overview.body.organization).toEqual({ budgetUsd: 100, spentUsd: 23.5, remainingUsd: 76.5 });
    const lines = Object.fromEntries(
      overview.body.departments.map((d: { id: string }) => [d.id, d] as const),
    );
    expect(lines[sales]).toMatchObject({ name: "Sales", budgetUsd: 30, spentUsd: 12.5, remainingUsd: 17.5 });
    expect(lines[support]).toMatchObject({ budgetUsd: 10, spentUsd: 11, remainingUsd: 0 });
    expect(lines[tenant.generalId]).toMatchObject({ budgetUsd: null, remainingUsd: null });

    const headView = await call(t, "GET", "/budgets", { token: head.token });
    expect(headView.body.departments.map((d: { id: string }) => d.id)).toEqual([sales]);
    expect(JSON.stringify(headView.body)).not.toContain(support);

    const removed = await put(t, `/departments/${sales}/budget`, tenant.token, { monthlyBudgetUsd: null });
    expect(removed.body).toMatchObject({ budgetUsd: null, remainingUsd: null, spentUsd: 12.5 });
    expect((await repos().departments.findById(sales))!.settings).toEqual({ locale: "de" });

    const orgAudits = await audits(t, tenant.orgId, "organization.budget_changed");
    expect(orgAudits.map((a) => a.changes)).toEqual([{ monthlyBudgetUsd: { from: null, to: 100 } }]);
    const departmentAudits = await audits(t, tenant.orgId, "department.budget_changed");
    expect(departmentAudits.map((a) => [a.entityId, a.userId, a.changes])).toEqual([
      [sales, manager.id, { monthlyBudgetUsd: { from: null, to: 20 } }],
      [sales, orgAdmin.id, { monthlyBudgetUsd: { from: 20, to: 30 } }],
      [support, tenant.adminId, { monthlyBudgetUsd: { from: null, to: 10 } }],
      [sales, tenant.adminId, { monthlyBudgetUsd: { from: 30, to: null } }],
    ]);
  });

  it("the budget guard refuses at or over a department's or the organisation's budget, naming it and the month", async () => {
    const tenant = await signUp(t);
    const sales = await createDepartment(t, tenant.token, "Sales");
    const support = await createDepartment(t, tenant.token, "Support");
    const guard = t.context.container.services.budgetGuard;
    const ctx = systemContext(t, tenant.orgId);
    const spend = (departmentId: string | null, costUsd: number, createdAt = earlierThisMonth()) =>
      makeAgentRun(repos(), tenant.orgId, { departmentId, costUsd, createdAt });

    await spend(sales, 500, lastMonth());
    await guard.assertWithinBudget(ctx, sales);
    await put(t, `/departments/${sales}/budget`, tenant.token, { monthlyBudgetUsd: 1 });
    await spend(sales, 0.6);
    await guard.assertWithinBudget(ctx, sales);
    await spend(sales, 0.4);
    const department = await refusal(guard.assertWithinBudget(ctx, sales));
    expect(department.code).toBe("LIMIT_EXCEEDED");
    expect(department.message).toContain("The Sales department's monthly budget of $1.00");
    expect(department.message).toContain(`for ${monthLabel()} is spent ($1.00 used)`);
    expect(department.details).toMatchObject({
      budget: "department",
      departmentId: sales,
      month: thisMonth(),
    });
    // Other departments and org-wide agents are not held by Sales' budget.
    await guard.assertWithinBudget(ctx, support);
    await guard.assertWithinBudget(ctx, null);

    await put(t, "/budgets/org", tenant.token, { monthlyBudgetUsd: 1.5 });
    await spend(support, 0.3);
    await guard.assertWithinBudget(ctx, support);
    await spend(null, 0.2);
    for (const target of [support, null, sales]) {
      const org = await refusal(guard.assertWithinBudget(ctx, target));
      expect(org.code).toBe("LIMIT_EXCEEDED");
      expect(org.message).toContain(
        `The organisation's monthly budget of $1.50 for ${monthLabel()} is spent`,
      );
      expect(org.details).toMatchObject({ budget: "organization", month: thisMonth(), spentUsd: 1.5 });
    }
    await put(t, "/budgets/org", tenant.token, { monthlyBudgetUsd: 2 });
    await guard.assertWithinBudget(ctx, support);
  });

  it("caches a spend reading for a few seconds and forgets it when the budget changes", async () => {
    const tenant = await signUp(t);
    const sales = await createDepartment(t, tenant.token, "Sales");
    const guard = createBudgetGuard({
      usage: repos().usage,
      cacheSeconds: 60,
    });
    const ctx = systemContext(t, tenant.orgId);
    await repos().organizations.update(tenant.orgId, { monthlyBudgetUsd: 1 });
    await guard.assertWithinBudget(ctx, sales);
    await makeAgentRun(repos(), tenant.orgId, {
      departmentId: sales,
      costUsd: 5,
      createdAt: earlierThisMonth(),
    });
    await guard.assertWithinBudget(ctx, sales);
    guard.invalidate(tenant.orgId);
    expect((await refusal(guard.assertWithinBudget(ctx, sales))).code).toBe("LIMIT_EXCEEDED");
  });
});
