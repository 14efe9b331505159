import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ADMIN, checkAccessibility, signIn, useBrowser, web } from "./support/browser.js";
import { apiCall, tokenFor } from "./support/server.js";

const unique = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const adminToken = () => tokenFor(web().baseUrl, ADMIN, web().password);

interface Policy {
  dueMinutes: number;
  onTimeout: string;
  approverGroupId: string | null;
  departmentApproverGroups: Record<string, string>;
}

/** Chooses `option` in the React Aria select labelled `label`. */
async function choose(page: Page, label: string, option: string) {
  await page.getByRole("button", { name: new RegExp(`${label}$`) }).click();
  await page.getByRole("option", { name: option, exact: true }).click();
}

/** Long journeys on a shared, busy machine. */
const JOURNEY_TIMEOUT_MS = 180_000;

/**
 * Issue 12: an administrator sets who reviews a namespace's held replies — an approver group for the
 * whole namespace and another for one department — with a due time, and finds it saved after a reload.
 * The IT namespace is used so the HR desk the approvals journey relies on keeps its policy.
 */
describe("journey: approval policy", () => {
  const browser = useBrowser();

  it(
    "sets the namespace's approver groups and timeout, and finds them saved",
    async () => {
      const token = await adminToken();
      const tag = unique();
      const create = (name: string) =>
        apiCall<{ id: string }>(web().baseUrl, "POST", "/approver-groups", { token, body: { name } });
      const wide = await create(`IT reviewers ${tag}`);
      const finance = await create(`Finance reviewers ${tag}`);
      const namespaces = await apiCall<{ items: { id: string; slug: string }[] }>(
        web().baseUrl,
        "GET",
        "/namespaces?pageSize=100",
        { token },
      );
      const itDesk = namespaces.items.find((ns) => ns.slug === "it")!;
      const departments = await apiCall<{ items: { id: string; name: string }[] }>(
        web().baseUrl,
        "GET",
        "/departments?pageSize=100",
        { token },
      );
      const financeId = departments.items.find((d) => d.name === "Finance")!.id;

      const page = await browser.open("/assistants");
      await signIn(page, ADMIN);
      await page.getByRole("heading", { name: "Assistants", level: 1 }).waitFor();
      await page.getByRole("tab", { name: "Namespaces" }).click();
      await page
        .getByRole("grid", { name: "Namespaces" })
        .getByRole("link", { name: "IT", exact: true })
        .click();
      await page.getByRole("heading", { name: "IT", level: 1, exact: true }).waitFor();
      const policy = page.getByRole("form", { name: "Approval policy" });
      await policy.waitFor();
      await checkAccessibility(page, "namespace: approval policy");

      await policy.getByLabel("Review due within (minutes)").fill("45");
      await choose(page, "When nobody decides in time", "Escalate to the next approver");
      await choose(page, "Approver group", `IT reviewers ${tag}`);
      await choose(page, "Approver group for Finance", `Finance reviewers ${tag}`);
      await policy.getByRole("button", { name: "Save policy" }).click();
      await expect
        .poll(() => page.getByText("Approval policy saved.").count(), { timeout: 20_000 })
        .toBeGreaterThan(0);

      // Saved: the API says so, and a reload shows the same choices.
      const saved = await apiCall<Policy>(web().baseUrl, "GET", `/namespaces/${itDesk.id}/approval-policy`, {
        token,
      });
      expect(saved).toMatchObject({
        dueMinutes: 45,
        onTimeout: "escalate",
        approverGroupId: wide.id,
        departmentApproverGroups: { [financeId]: finance.id },
      });
      await page.reload();
      await policy.waitFor();
      await expect
        .poll(() => page.getByRole("button", { name: /Approver group$/ }).textContent())
        .toContain(`IT reviewers ${tag}`);
      expect(await page.getByRole("button", { name: /Approver group for Finance$/ }).textContent()).toContain(
        `Finance reviewers ${tag}`,
      );
      expect(await policy.getByLabel("Review due within (minutes)").inputValue()).toBe("45");
      await checkAccessibility(page, "namespace: approval policy saved");

      // Back to anyone for the whole namespace and the department, through the page.
      await choose(page, "Approver group for Finance", "As for the whole namespace");
      await choose(page, "When nobody decides in time", "Keep waiting");
      await choose(page, "Approver group", "Anyone who may decide approvals");
      await policy.getByRole("button", { name: "Save policy" }).click();
      await expect
        .poll(
          async () =>
            (
              await apiCall<Policy>(web().baseUrl, "GET", `/namespaces/${itDesk.id}/approval-policy`, {
                token,
              })
            ).approverGroupId,
        )
        .toBeNull();
      const after = await apiCall<Policy>(web().baseUrl, "GET", `/namespaces/${itDesk.id}/approval-policy`, {
        token,
      });
      expect(after.departmentApproverGroups).toEqual({});
      for (const group of [wide, finance]) {
        await apiCall(web().baseUrl, "DELETE", `/approver-groups/${group.id}`, { token });
      }
    },
    JOURNEY_TIMEOUT_MS,
  );
  it(
    "changes an intent's threshold and sampling, promotes and demotes it",
    async () => {
      const token = await adminToken();
      const namespaces = await apiCall<{ items: { id: string; slug: string }[] }>(
        web().baseUrl,
        "GET",
        "/namespaces?pageSize=100",
        { token },
      );
      const hr = namespaces.items.find((ns) => ns.slug === "hr")!;
      type Matrix = { intents: { intent: string; threshold: number; samplingRate: number }[] };
      const trust = () => apiCall<Matrix>(web().baseUrl, "GET", `/namespaces/${hr.id}/trust`, { token });
      // The complaint intent is handed to a person whatever its trust, so the other journeys keep theirs.
      const before = (await trust()).intents.find((i) => i.intent === "complaint")!;

      const page = await browser.open("/assistants");
      await signIn(page, ADMIN);
      await page.getByRole("heading", { name: "Assistants", level: 1 }).waitFor();
      await page.getByRole("tab", { name: "Namespaces" }).click();
      await page
        .getByRole("grid", { name: "Namespaces" })
        .getByRole("link", { name: "HR", exact: true })
        .click();
      const table = page.getByRole("grid", { name: "Trust per intent" });
      const row = table.getByRole("row").filter({ hasText: "complaint" });
      await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(1);
      await checkAccessibility(page, "namespace: trust per intent");

      await choose(page, "Intent to change", "complaint");
      await page.getByLabel("Approvals needed to answer on its own").fill("7");
      await page.getByLabel("Autonomous replies sampled for review (%)").fill("25");
      await page.getByRole("button", { name: "Save intent" }).click();
      await expect.poll(() => row.textContent()).toMatch(/\/ 7.*25 %/);

      await page.getByRole("button", { name: "Promote complaint" }).click();
      await expect.poll(() => row.textContent()).toMatch(/Yes/);
      await page.getByRole("button", { name: "Demote complaint" }).click();
      await expect.poll(() => row.textContent()).toMatch(/No/);
      expect((await trust()).intents.find((i) => i.intent === "complaint")).toMatchObject({
        threshold: 7,
        samplingRate: 0.25,
        isAutonomous: false,
      });

      await apiCall(web().baseUrl, "PATCH", `/namespaces/${hr.id}/trust/complaint`, {
        token,
        body: { threshold: before.threshold, samplingRate: before.samplingRate },
      });
    },
    JOURNEY_TIMEOUT_MS,
  );
});
