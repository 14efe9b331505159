import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ADMIN, checkAccessibility, EMPLOYEE, PHONE, signIn, useBrowser, web } from "./support/browser.js";
import { apiCall, tokenFor } from "./support/server.js";

const HEAD = "hr.head@demo.atrium.local";
const unique = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const adminToken = () => tokenFor(web().baseUrl, ADMIN, web().password);

interface UserView {
  id: string;
  email: string;
  isActive: boolean;
  extraPermissions: string[];
  departmentId: string;
}

async function usersByEmail(email: string): Promise<UserView | undefined> {
  const page = await apiCall<{ items: UserView[] }>(
    web().baseUrl,
    "GET",
    `/users?pageSize=100&search=${email}`,
    {
      token: await adminToken(),
    },
  );
  return page.items.find((u) => u.email === email);
}

/** Chooses `option` in the React Aria select labelled `label` (inside `scope`). */
async function choose(page: Page, label: string, option: string) {
  await page.getByRole("button", { name: new RegExp(`${label}$`) }).click();
  await page.getByRole("option", { name: option, exact: true }).click();
}

/** Long journeys on a shared, busy machine. */
const JOURNEY_TIMEOUT_MS = 180_000;

describe("journey: administration", () => {
  const browser = useBrowser();

  it(
    "invites someone, changes their access, transfers, deactivates and reactivates them",
    async () => {
      const page = await browser.open("/admin");
      await signIn(page, ADMIN);
      await page.getByRole("heading", { name: "Administration" }).waitFor();
      const areas = page.getByRole("main").getByRole("heading", { level: 2 });
      await expect
        .poll(() => areas.allTextContents())
        .toEqual([
          "People",
          "Departments",
          "Roles",
          "Approver groups",
          "API keys",
          "Audit log",
          "Organisation settings",
        ]);
      await checkAccessibility(page, "administration");
      await page.getByRole("link", { name: "People" }).click();

      // Invite: the acceptance link is shown once; the invitee accepts it and becomes a person here.
      const id = unique();
      const email = `invitee-${id}@example.com`;
      const who = `Ivy ${id}`;
      await page.getByRole("button", { name: "Invite someone" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("Email").fill(email);
      await choose(page, "Department", "Human Resources");
      await choose(page, "Role", "Employee");
      await checkAccessibility(page, "administration: invite");
      await dialog.getByRole("button", { name: "Send invitation" }).click();
      const link = dialog.locator("code.secret");
      await expect.poll(() => link.textContent()).toMatch(/accept-invitation\?token=/);
      const token = new URL((await link.textContent()) ?? "").searchParams.get("token");
      await dialog.getByRole("button", { name: "Done" }).click();
      await apiCall(web().baseUrl, "POST", "/invitations/accept", {
        body: { token, name: who, password: "invitee-password-1" },
      });
      await page.reload();
      const row = page.getByRole("row", { name: new RegExp(who) });
      await expect.poll(() => row.count()).toBe(1);
      // The invitation put them in Human Resources (read through the API: the People table's first
      // render after this reload has shown "—" for the department on a loaded machine; see the closing note).
      const departments = await apiCall<{ items: { id: string; name: string }[] }>(
        web().baseUrl,
        "GET",
        "/departments?pageSize=100",
        { token: await adminToken() },
      );
      const hr = departments.items.find((d) => d.name === "Human Resources")?.id;
      await expect.poll(async () => (await usersByEmail(email))?.departmentId).toBe(hr);

      // Access: one extra permission on top of the role.
      await row.getByRole("button", { name: `Actions for ${who}` }).click();
      await page.getByRole("menuitem", { name: /Access, department and overrides/ }).click();
      const access = page.getByRole("dialog", { name: `Access of ${who}` });
      await access
        .getByRole("group", { name: "Extra permissions (on top of the role)" })
        .getByRole("checkbox", { name: /analytics:read/ })
        .check({ force: true });
      await checkAccessibility(page, "administration: access");
      await access.getByRole("button", { name: "Save access" }).click();
      await expect.poll(() => access.count()).toBe(0);
      await expect
        .poll(async () => (await usersByEmail(email))?.extraPermissions)
        .toEqual(["analytics:read"]);

      // Transfer to IT.
      await row.getByRole("button", { name: `Actions for ${who}` }).click();
      await page.getByRole("menuitem", { name: /Access, department and overrides/ }).click();
      await choose(page, "Move to department", "IT");
      await page.getByRole("button", { name: "Transfer", exact: true }).click();
      await expect.poll(() => row.textContent()).toMatch(/IT/);

      // Deactivate, then reactivate.
      await row.getByRole("button", { name: `Actions for ${who}` }).click();
      await page.getByRole("menuitem", { name: "Deactivate" }).click();
      await expect.poll(() => row.textContent()).toMatch(/Deactivated/);
      expect((await usersByEmail(email))?.isActive).toBe(false);
      await row.getByRole("button", { name: `Actions for ${who}` }).click();
      await page.getByRole("menuitem", { name: "Reactivate" }).click();
      await expect.poll(() => row.textContent()).toMatch(/Active/);
      expect((await usersByEmail(email))?.isActive).toBe(true);
      await checkAccessibility(page, "administration: people");
    },
    JOURNEY_TIMEOUT_MS,
  );

  it(
    "creates and archives a department, reads roles, makes an API key shown once, filters the audit log, sets a budget",
    async () => {
      const page = await browser.open("/admin/departments");
      await signIn(page, ADMIN);
      const name = `Journey ${unique()}`;
      await page.getByRole("button", { name: "New department" }).click();
      await page.getByRole("dialog").getByLabel("Name").fill(name);
      await page.getByRole("dialog").getByRole("button", { name: "Create" }).click();
      const row = page.getByRole("row", { name: new RegExp(name) });
      await expect.poll(() => row.textContent()).toMatch(/Active/);
      await row.getByRole("button", { name: `Archive ${name}` }).click();
      await expect.poll(() => row.textContent()).toMatch(/Archived/);
      await checkAccessibility(page, "administration: departments");

      await page.goto("/admin/roles");
      await expect.poll(() => page.getByRole("heading", { name: "Administrator" }).count()).toBe(1);
      const catalogue = page.getByRole("region", { name: "Permission catalogue" });
      await expect.poll(() => catalogue.getByText("approvals:decide").count()).toBe(1);
      await checkAccessibility(page, "administration: roles");

      // An API key: its secret is shown once and works; revoked, it no longer does.
      await page.goto("/admin/api-keys");
      const keyName = `journey key ${unique()}`;
      await page.getByRole("button", { name: "New API key" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("Name").fill(keyName);
      await dialog.getByRole("checkbox", { name: /kb:read/ }).check({ force: true });
      await dialog.getByRole("button", { name: "Create key" }).click();
      const secret = dialog.locator("code.secret");
      await expect.poll(() => secret.textContent()).toMatch(/^atr_/);
      const key = (await secret.textContent()) ?? "";
      await checkAccessibility(page, "administration: new API key");
      await dialog.getByRole("button", { name: "Done" }).click();
      const withKey = () => fetch(`${web().baseUrl}/knowledge-bases`, { headers: { "x-api-key": key } });
      expect((await withKey()).status).toBe(200);
      expect(await page.getByText(key).count(), "the key is not shown again").toBe(0);
      await page.getByRole("button", { name: `Revoke ${keyName}` }).click();
      await expect
        .poll(() => page.getByRole("row", { name: new RegExp(keyName) }).textContent())
        .toMatch(/revoked/);
      expect((await withKey()).status).toBe(401);

      // The audit log, filtered to the archiving above.
      await page.goto("/admin/audit");
      await page.getByLabel("Action").fill("department.archived");
      await page.getByRole("button", { name: "Filter" }).click();
      const actions = page.getByRole("grid", { name: "Audit log" }).locator("code");
      await expect.poll(() => actions.count()).toBeGreaterThan(0);
      expect(new Set(await actions.allTextContents())).toEqual(new Set(["department.archived"]));
      await page.getByLabel("Action").fill("");
      await page.getByLabel("Kind").fill("department");
      await page.getByRole("button", { name: "Filter" }).click();
      await expect
        .poll(() => actions.allTextContents())
        .toEqual(expect.arrayContaining(["department.created", "department.archived"]));
      expect((await actions.allTextContents()).every((a) => a.startsWith("department."))).toBe(true);
      await checkAccessibility(page, "administration: audit log");

      // Organisation budget.
      await page.goto("/admin/settings");
      await page.getByLabel("Monthly budget (USD)").fill("500");
      await page.getByRole("button", { name: "Set budget" }).click();
      await expect.poll(() => page.getByText(/^Organisation: \$500\.00/).count()).toBe(1);
      const budgets = await apiCall<{ organization: { budgetUsd: number | null } }>(
        web().baseUrl,
        "GET",
        "/budgets",
        {
          token: await adminToken(),
        },
      );
      expect(budgets.organization.budgetUsd).toBe(500);
      await checkAccessibility(page, "administration: settings");
      await page.getByLabel("Monthly budget (USD)").fill("");
      await page.getByRole("button", { name: "Set budget" }).click();
      await expect.poll(() => page.getByText(/^Organisation: no budget/).count()).toBe(1);
    },
    JOURNEY_TIMEOUT_MS,
  );

  it(
    "shows each person only the areas they may manage, says why a typed address is refused, fits a phone",
    async () => {
      const head = await browser.open("/admin");
      await signIn(head, HEAD);
      const areas = head.getByRole("main").getByRole("heading", { level: 2 });
      await expect.poll(() => areas.allTextContents()).toEqual(["People", "Approver groups"]);
      await head.goto("/admin/people");
      await expect.poll(() => head.getByRole("button", { name: "Invite someone" }).count()).toBe(1);
      await head.goto("/admin/api-keys");
      await expect
        .poll(() => head.getByRole("alert").first().textContent())
        .toMatch(/Not allowed: .*org:admin/);
      expect(
        await head.getByRole("button", { name: "New API key" }).count(),
        "no button the API refuses",
      ).toBe(0);

      const employee = await browser.open("/chat");
      await signIn(employee, EMPLOYEE);
      const nav = employee.getByRole("navigation", { name: "Main" });
      await expect.poll(() => nav.getByRole("link").allTextContents()).toEqual(["Chat", "Knowledge"]);

      const phone = await browser.open("/admin/people", { viewport: PHONE, colorScheme: "dark" });
      await signIn(phone, ADMIN);
      await expect.poll(() => phone.getByRole("rowheader", { name: "Emil Employee" }).count()).toBe(1);
      for (const path of ["/admin/people", "/admin/audit", "/admin/settings"]) {
        await phone.goto(path);
        await phone.getByRole("heading", { level: 1 }).waitFor();
        await phone.waitForTimeout(300);
        const overflow = await phone.evaluate<number>(
          "document.documentElement.scrollWidth - window.innerWidth",
        );
        expect(overflow, `${path}: nothing wider than the screen`).toBeLessThanOrEqual(0);
        await checkAccessibility(phone, `phone: ${path} (dark)`);
      }
    },
    JOURNEY_TIMEOUT_MS,
  );

  it(
    "creates an approver group, changes its members and deletes it",
    async () => {
      const page = await browser.open("/admin/approver-groups");
      await signIn(page, ADMIN);
      await page.getByRole("heading", { name: "Approver groups", level: 1 }).waitFor();
      const name = `Reviewers ${unique()}`;
      await page.getByRole("button", { name: "New group" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("Name").fill(name);
      await checkAccessibility(page, "new approver group");
      await dialog.getByRole("button", { name: "Create" }).click();
      await expect.poll(() => page.getByRole("rowheader", { name }).count()).toBe(1);
      await checkAccessibility(page, "approver groups");

      // Members of an existing group: one added, then removed again (the PATCH sends the difference).
      const row = page.getByRole("row").filter({ hasText: name });
      await page.getByRole("button", { name: `Members of ${name}` }).click();
      const members = page.getByRole("dialog");
      await members.getByRole("checkbox", { name: "Emil Employee" }).check({ force: true });
      await checkAccessibility(page, "approver group members");
      await members.getByRole("button", { name: "Save members" }).click();
      await expect.poll(() => row.textContent()).toContain("Emil Employee");
      await page.getByRole("button", { name: `Members of ${name}` }).click();
      await page
        .getByRole("dialog")
        .getByRole("checkbox", { name: "Emil Employee" })
        .uncheck({ force: true });
      await page.getByRole("dialog").getByRole("button", { name: "Save members" }).click();
      await expect.poll(() => row.textContent()).not.toContain("Emil Employee");

      await page.getByRole("button", { name: `Delete ${name}` }).click();
      await expect.poll(() => page.getByRole("rowheader", { name }).count()).toBe(0);
    },
    JOURNEY_TIMEOUT_MS,
  );
});
