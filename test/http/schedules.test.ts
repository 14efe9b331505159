import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { agentTasks, notifications, schedules } from "../../src/db/schema/index.js";
import { createAgent } from "./chat-helpers.js";
import { addMember, call, createDepartment, signUp, type Tenant } from "./identity-helpers.js";
import { useKnowledgeApp } from "./knowledge-helpers.js";
import { runScheduled, tick } from "./schedules-helpers.js";

/** Schedules through HTTP: create, list, next five times, pause/resume, run now, 400s, revocation, missed runs. */
describe("schedules", () => {
  const t = useKnowledgeApp();

  async function askSchedule(tenant: Tenant, extra: Record<string, unknown> = {}, token = tenant.token) {
    const agentId = await createAgent(t, tenant.token, {
      departmentId: tenant.generalId,
      primaryModelProvider: "extractive",
    });
    const res = await call(t, "POST", "/schedules", {
      token,
      body: {
        departmentId: tenant.generalId,
        name: "Morning digest",
        cron: "30 7 * * 1-5",
        timezone: "Europe/Berlin",
        action: { type: "ask", agentId, prompt: "What changed yesterday?", deliverTo: "notification" },
        ...extra,
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }

  it("creates a cron schedule in a time zone with its next five fire times, lists, pauses and resumes it", async () => {
    const tenant = await signUp(t);
    const created = await askSchedule(tenant);
    expect(created).toMatchObject({
      kind: "cron",
      status: "active",
      timezone: "Europe/Berlin",
      missedRunPolicy: "run_once",
    });
    expect(created.nextFireTimes).toHaveLength(5);
    for (const at of created.nextFireTimes as string[]) {
      // 07:30 in Berlin on a weekday, whatever the season.
      const local = new Intl.DateTimeFormat("en-GB", {
        timeZone: "Europe/Berlin",
        weekday: "short",
        hour: "2-digit",
        minute: "2-digit",
      }).format(new Date(at));
      expect(local).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 07:30$/);
    }
    expect(created.nextRunAt).toBe(created.nextFireTimes[0]);

    const list = await call(t, "GET", "/schedules", { token: tenant.token });
    expect(list.status).toBe(200);
    expect(list.body.items.map((s: { id: string }) => s.id)).toEqual([created.id]);

    const paused = await call(t, "POST", `/schedules/${created.id}/pause`, { token: tenant.token });
    expect(paused.status, JSON.stringify(paused.body)).toBe(200);
    expect(paused.body).toMatchObject({ status: "paused", nextFireTimes: [], nextRunAt: null });
    const again = await call(t, "POST", `/schedules/${created.id}/pause`, { token: tenant.token });
    expect(again.status).toBe(412);
    const resumed = await call(t, "POST", `/schedules/${created.id}/resume`, { token: tenant.token });
    expect(resumed.body).toMatchObject({ status: "active" });
    expect(resumed.body.nextFireTimes).toHaveLength(5);

    const once = await call(t, "POST", "/schedules", {
      token: tenant.token,
      body: {
        departmentId: tenant.generalId,
        name: "Once",
        runAt: new Date(Date.now() + 3_600_000).toISOString(),
        action: created.action,
      },
    });
    expect(once.status, JSON.stringify(once.body)).toBe(201);
    expect(once.body).toMatchObject({ kind: "once", cron: null });
    expect(once.body.nextFireTimes).toHaveLength(1);
  });

  it("refuses bad cron expressions, time zones and past dates with every problem listed (400)", async () => {
    const tenant = await signUp(t);
    const created = await askSchedule(tenant);
    const bad = await call(t, "POST", "/schedules", {
      token: tenant.token,
      body: {
        departmentId: tenant.generalId,
        name: "Broken",
        cron: "61 * * * *",
        timezone: "Mars/Olympus_Mons",
        action: created.action,
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("VALIDATION");
    const paths = bad.body.error.details.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["body.cron", "body.timezone"]));

    const past = await call(t, "POST", "/schedules", {
      token: tenant.token,
      body: {
        departmentId: tenant.generalId,
        name: "Late",
        runAt: "2020-01-01T00:00:00Z",
        action: created.action,
      },
    });
    expect(past.status).toBe(400);
    expect(past.body.error.details.issues).toEqual([{ path: "body.runAt", message: "runAt is in the past" }]);

    const both = await call(t, "POST", "/schedules", {
      token: tenant.token,
      body: {
        departmentId: tenant.generalId,
        name: "Both",
        cron: "* * * * *",
        runAt: "2020-01-01T00:00:00Z",
        timezone: "Nowhere/Land",
        action: created.action,
      },
    });
    expect(both.status).toBe(400);
    expect(both.body.error.details.issues.length).toBe(3);

    const patched = await call(t, "PATCH", `/schedules/${created.id}`, {
      token: tenant.token,
      body: { cron: "not a cron" },
    });
    expect(patched.status).toBe(400);
    expect((await call(t, "GET", `/schedules/${created.id}`, { token: tenant.token })).body.cron).toBe(
      "30 7 * * 1-5",
    );
  });

  it("runs now: the worker asks the assistant as the creator, notifies them and links the run to its task", async () => {
    const tenant = await signUp(t);
    const created = await askSchedule(tenant);
    const queued = await call(t, "POST", `/schedules/${created.id}/run`, { token: tenant.token });
    expect(queued.status, JSON.stringify(queued.body)).toBe(202);
    expect(queued.body).toMatchObject({ trigger: "manual", status: "queued", agentTaskId: null });
    expect(await runScheduled(t)).toBe(1);

    const runs = await call(t, "GET", `/schedules/${created.id}/runs`, { token: tenant.token });
    expect(runs.status).toBe(200);
    expect(runs.body.items).toHaveLength(1);
    const run = runs.body.items[0];
    expect(run, JSON.stringify(run)).toMatchObject({ status: "done", trigger: "manual", error: null });
    const repos = t.context.container.repositories;
    const task = await repos.agentTasks.findById(run.agentTaskId);
    expect(task).toMatchObject({ scheduleId: created.id, userId: tenant.adminId, status: "done" });
    expect(task?.output).toMatchObject({ deliveredTo: "notification" });
    const delivered = await repos.notifications.findMany(
      and(eq(notifications.userId, tenant.adminId), eq(notifications.type, "schedule.answer")),
    );
    expect(delivered).toHaveLength(1);
    const schedule = await call(t, "GET", `/schedules/${created.id}`, { token: tenant.token });
    expect(schedule.body).toMatchObject({ lastStatus: "done", status: "active" });
    // Only one task per run: a second drain runs nothing.
    expect(await runScheduled(t)).toBe(0);
    expect(await repos.agentTasks.count(eq(agentTasks.scheduleId, created.id))).toBe(1);
  });

  it("stops a schedule whose creator was deactivated or lost the department instead of running it", async () => {
    const tenant = await signUp(t);
    const head = await addMember(t, tenant.token, tenant.generalId, "dept_head", "Hedda Head");
    const byHead = await askSchedule(tenant, {}, head.token);
    expect(byHead.createdById).toBe(head.id);

    const other = await createDepartment(t, tenant.token, "Elsewhere");
    const moved = await call(t, "POST", `/users/${head.id}/transfer`, {
      token: tenant.token,
      body: { departmentId: other },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    await call(t, "POST", `/schedules/${byHead.id}/run`, { token: tenant.token });
    await runScheduled(t);
    const stopped = await call(t, "GET", `/schedules/${byHead.id}`, { token: tenant.token });
    expect(stopped.body).toMatchObject({
      status: "stopped",
      statusReason: "the creator no longer reaches the schedule's department",
      nextFireTimes: [],
    });
    const runs = await call(t, "GET", `/schedules/${byHead.id}/runs`, { token: tenant.token });
    expect(runs.body.items[0]).toMatchObject({ status: "skipped", agentTaskId: null });
    expect(
      await t.context.container.repositories.agentTasks.count(eq(agentTasks.scheduleId, byHead.id)),
    ).toBe(0);
    expect((await call(t, "POST", `/schedules/${byHead.id}/run`, { token: tenant.token })).status).toBe(412);

    // Re-armed by the admin, it runs under the admin's rights from now on.
    const resumed = await call(t, "POST", `/schedules/${byHead.id}/resume`, { token: tenant.token });
    expect(resumed.body).toMatchObject({ status: "active", statusReason: null, createdById: tenant.adminId });

    const second = await askSchedule(
      tenant,
      {},
      (await addMember(t, tenant.token, tenant.generalId, "dept_head")).token,
    );
    const creator = second.createdById as string;
    const off = await call(t, "POST", `/users/${creator}/deactivate`, { token: tenant.token });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    // A scheduled occurrence (not a manual run) meets the same check.
    await t.context.container.repositories.schedules.update(second.id, {
      nextRunAt: new Date(Date.now() - 1000),
    });
    expect(await tick(t)).toBe(1);
    await runScheduled(t);
    const gone = await call(t, "GET", `/schedules/${second.id}`, { token: tenant.token });
    expect(gone.body).toMatchObject({ status: "stopped", statusReason: "the creator was deactivated" });
  });

  it("after downtime runs the latest missed occurrence once (run_once) or records it skipped (skip)", async () => {
    const tenant = await signUp(t);
    const repos = t.context.container.repositories;
    const everyMinute = { cron: "* * * * *", timezone: "UTC" };
    const runOnce = await askSchedule(tenant, everyMinute);
    const skip = await askSchedule(tenant, { ...everyMinute, missedRunPolicy: "skip" });
    // Ten minutes without a worker.
    const down = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000);
    for (const id of [runOnce.id, skip.id]) {
      await repos.schedules.update(id, { nextRunAt: down });
    }
    const queued = await tick(t);
    expect(queued).toBeGreaterThanOrEqual(1);
    const once = (await call(t, "GET", `/schedules/${runOnce.id}/runs`, { token: tenant.token })).body.items;
    const missed = once.filter((r: { trigger: string }) => r.trigger === "missed");
    expect(missed).toHaveLength(1);
    expect(missed[0].status).toBe("queued");
    const skipped = (await call(t, "GET", `/schedules/${skip.id}/runs`, { token: tenant.token })).body.items;
    const skippedMissed = skipped.filter((r: { trigger: string }) => r.trigger === "missed");
    expect(skippedMissed).toHaveLength(1);
    expect(skippedMissed[0]).toMatchObject({ status: "skipped" });
    expect(skippedMissed[0].error).toMatch(/^\d+ occurrence\(s\) missed/);
    // Both moved on: the next run is in the future, and a second tick claims nothing again.
    for (const id of [runOnce.id, skip.id]) {
      const row = await repos.schedules.findOne(eq(schedules.id, id));
      expect(row!.nextRunAt!.getTime()).toBeGreaterThan(Date.now() - 1000);
    }
    expect(await tick(t)).toBe(0);
  });
});
