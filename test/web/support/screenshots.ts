/**
 * `npm run screenshots`: the application's pages in light and dark, on a desktop and a 390 px phone,
 * written to docs/screenshots/<page>-<theme>-<device>.png. Starts its own server like the journeys
 * (or uses ATRIUM_WEB_URL, see serve.ts).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Page } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE } from "./browser-config.js";
import { DEMO_PASSWORD, startJourneyServer } from "./global-setup.js";

const out = join(new URL("../../..", import.meta.url).pathname, "docs", "screenshots");
mkdirSync(out, { recursive: true });

const external = process.env.ATRIUM_WEB_URL;
const journey = external ? undefined : await startJourneyServer();
const baseUrl = external ?? journey!.provided.baseUrl;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });

async function signIn(page: Page, email: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/chat/);
}

const shots: { name: string; take: (page: Page, phone: boolean) => Promise<void> }[] = [
  {
    name: "sign-in",
    take: async (page) => {
      await page.goto("/sign-in");
      await page.getByRole("button", { name: "Sign in" }).waitFor();
    },
  },
  {
    name: "chat",
    take: async (page) => {
      await signIn(page, "employee@demo.atrium.local");
      await page.goto("/chat?new=true");
      await page.getByLabel("Your question").fill("How many days of annual leave do I get?");
      await page.getByRole("button", { name: "Send" }).click();
      await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
      await page.getByText("Sources").last().waitFor();
    },
  },
  {
    name: "citation",
    take: async (page) => {
      await page
        .getByRole("button", { name: /^Source 1: / })
        .first()
        .click();
      await page.getByRole("dialog").getByText("Cited passage").waitFor();
    },
  },
  {
    name: "admin-people",
    take: async (page) => {
      await page.context().clearCookies();
      await signIn(page, "admin@demo.atrium.local");
      await page.goto("/admin/people");
      await page.getByRole("rowheader", { name: "Emil Employee" }).waitFor();
    },
  },
  ...(
    [
      ["admin-departments", "/admin/departments", "Departments"],
      ["admin-roles", "/admin/roles", "Roles"],
      ["admin-api-keys", "/admin/api-keys", "API keys"],
      ["admin-audit", "/admin/audit", "Audit log"],
      ["admin-settings", "/admin/settings", "Organisation settings"],
    ] as const
  ).map(([name, path, heading]) => ({
    name,
    take: async (page: Page) => {
      await page.goto(path);
      await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
    },
  })),
  {
    name: "approvals",
    take: async (page, phone) => {
      // An employee's question to the HR desk is held; the approver opens it (on a phone, the detail).
      await page.context().clearCookies();
      await signIn(page, "employee@demo.atrium.local");
      await page.goto("/chat?new=true");
      await page
        .getByRole("button", { name: /Assistant/ })
        .first()
        .click();
      await page.getByRole("option", { name: /^HR desk/ }).click();
      await page.getByLabel("Your question").fill("How many days of leave do I have left?");
      await page.getByRole("button", { name: "Send" }).click();
      await page
        .getByText(/waiting for review/)
        .first()
        .waitFor();
      await page.context().clearCookies();
      await signIn(page, "approver@demo.atrium.local");
      await page.goto("/review");
      await page
        .getByRole("link", { name: /how many days of leave/i })
        .first()
        .click();
      await page.locator("blockquote").waitFor();
      if (!phone) await page.getByRole("button", { name: "Edit", exact: true }).click();
    },
  },
];

let written = 0;
for (const theme of ["light", "dark"] as const) {
  for (const [device, viewport] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    const context = await browser.newContext({ baseURL: baseUrl, viewport, colorScheme: theme });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    for (const shot of shots) {
      await shot.take(page, device === "phone");
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(out, `${shot.name}-${theme}-${device}.png`) });
      written++;
    }
    await context.close();
  }
}
await browser.close();
await journey?.teardown();
console.log(`screenshots: wrote ${written} files to docs/screenshots/`);
