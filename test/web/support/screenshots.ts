/**
 * `npm run screenshots`: the application's pages in light and dark, on a desktop and a 390 px phone,
 * written to docs/screenshots/<page>-<theme>-<device>.png. Starts its own server like the journeys
 * (or uses ATRIUM_WEB_URL, see serve.ts).
 *
 * Every page of router.tsx has one entry in SHOTS: who looks at it (signed out, or a demo person),
 * how to get there and what to wait for. A new page adds one entry (its area's block below).
 * `npm run screenshots -- insights` takes only the shots whose name contains "insights".
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Page } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE } from "./browser-config.js";
import { DEMO_PASSWORD, startJourneyServer, TEST_AGENT } from "./global-setup.js";

const out = join(new URL("../../..", import.meta.url).pathname, "docs", "screenshots");

const PEOPLE = {
  employee: "employee@demo.atrium.local",
  head: "hr.head@demo.atrium.local",
  admin: "admin@demo.atrium.local",
  approver: "approver@demo.atrium.local",
} as const;
type Person = keyof typeof PEOPLE;

interface Shot {
  name: string;
  /** Who is signed in; null: nobody (the signed-out pages). */
  as: Person | null;
  /** Brings the page to the state to capture (the person is already signed in). */
  take: (page: Page, phone: boolean) => Promise<void>;
}

/** Opens `path` and waits for `text` (a heading or button name) to show. */
const visit =
  (path: string, ready: (page: Page) => Promise<unknown>): Shot["take"] =>
  async (page) => {
    await page.goto(path);
    await ready(page);
  };
const heading = (name: string) => (page: Page) => page.getByRole("heading", { name }).first().waitFor();

/** Asks the Test Assistant a question in a new conversation (its answer cites the demo handbook). */
async function ask(page: Page, question: string) {
  await page.goto("/chat?new=true");
  const picker = page.getByRole("button", { name: /Assistant/ }).first();
  await picker.waitFor();
  if (!(await picker.textContent())?.includes(TEST_AGENT)) {
    await picker.click();
    await page.getByRole("option", { name: new RegExp(`^${TEST_AGENT}`) }).click();
  }
  await page.getByLabel("Your question").fill(question);
  await page.getByRole("button", { name: "Send" }).click();
  await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
  await page.getByText("Sources").last().waitFor();
}

const SHOTS: Shot[] = [
  // Signing in
  {
    name: "sign-in",
    as: null,
    take: visit("/sign-in", (p) => p.getByRole("button", { name: "Sign in" }).waitFor()),
  },
  { name: "forgot-password", as: null, take: visit("/forgot-password", heading("Reset your password")) },
  {
    name: "reset-password",
    as: null,
    take: visit("/reset-password?token=example", heading("Choose a new password")),
  },
  {
    name: "accept-invitation",
    as: null,
    take: visit("/accept-invitation?token=example", heading("Join your organisation")),
  },

  // Chat
  { name: "chat-new", as: "employee", take: visit("/chat?new=true", heading("New conversation")) },
  { name: "chat", as: "employee", take: (page) => ask(page, "How many days of annual leave do I get?") },
  {
    name: "citation",
    as: "employee",
    take: async (page) => {
      await page
        .getByRole("button", { name: /^Source 1: / })
        .first()
        .click();
      await page.getByRole("dialog").getByText("Cited passage").waitFor();
    },
  },

  // Administration
  { name: "admin", as: "admin", take: visit("/admin", heading("Administration")) },
  {
    name: "admin-people",
    as: "admin",
    take: visit("/admin/people", (p) => p.getByRole("rowheader", { name: "Emil Employee" }).waitFor()),
  },

  // Observability
  {
    name: "insights-trace",
    as: "head",
    take: async (page) => {
      await ask(page, "How many days of annual leave do I get?");
      await page
        .getByRole("article", { name: "Assistant" })
        .last()
        .getByRole("link", { name: "Trace" })
        .click();
      await page.getByRole("heading", { name: "Retrieved passages" }).waitFor();
    },
  },
  {
    name: "insights-runs",
    as: "head",
    take: visit("/insights", (p) => p.getByRole("table").getByRole("link").first().waitFor()),
  },
  {
    name: "insights-usage",
    as: "head",
    take: visit("/insights/usage", (p) => p.locator(".recharts-wrapper").nth(3).waitFor()),
  },
  {
    name: "memory",
    as: "employee",
    take: visit("/memory", (p) => p.getByRole("button", { name: "Erase my memory profile" }).waitFor()),
  },

  // Knowledge and assistants (one after another, as the administrator)
  {
    name: "knowledge-base",
    as: "admin",
    take: async (page) => {
      await page.goto("/knowledge");
      await page.getByRole("link", { name: "HR Handbook" }).click();
      await page.getByRole("grid", { name: "Documents" }).getByRole("row").nth(1).waitFor();
    },
  },
  {
    name: "knowledge-search",
    as: "admin",
    take: async (page) => {
      await page.getByRole("tab", { name: "Search" }).click();
      await page.getByLabel("Search for").fill("annual leave");
      await page.getByRole("button", { name: "Search", exact: true }).click();
      await page.getByRole("region", { name: "Search results" }).getByRole("listitem").first().waitFor();
    },
  },
  {
    name: "knowledge-document",
    as: "admin",
    take: async (page) => {
      await page.getByRole("tab", { name: "Documents" }).click();
      await page.getByRole("grid", { name: "Documents" }).getByRole("link").first().click();
      await page.getByRole("list", { name: "Chunks" }).waitFor();
    },
  },
  {
    name: "assistants",
    as: "admin",
    take: async (page) => {
      await page.goto("/assistants");
      await page.getByRole("grid", { name: "Agents" }).getByRole("link", { name: "HR Assistant" }).waitFor();
    },
  },
  {
    name: "assistants-agent",
    as: "admin",
    take: async (page) => {
      await page.getByRole("grid", { name: "Agents" }).getByRole("link", { name: "HR Assistant" }).click();
      await page.getByRole("heading", { name: "Versions" }).waitFor();
    },
  },

  // Administration areas and approvals
  ...(
    [
      ["admin-departments", "/admin/departments", "Departments"],
      ["admin-roles", "/admin/roles", "Roles"],
      ["admin-api-keys", "/admin/api-keys", "API keys"],
      ["admin-audit", "/admin/audit", "Audit log"],
      ["admin-settings", "/admin/settings", "Organisation settings"],
    ] as const
  ).map(
    ([name, path, heading]): Shot => ({
      name,
      as: "admin",
      take: async (page: Page) => {
        await page.goto(path);
        await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
      },
    }),
  ),
  {
    name: "approvals",
    as: null,
    take: async (page, phone) => {
      // An employee's question to the HR desk is held; the approver opens it (on a phone, the detail).
      await signInAs(page, "employee");
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
      await signInAs(page, "approver");
      await page.goto("/review");
      await page
        .getByRole("link", { name: /how many days of leave/i })
        .first()
        .click();
      await page.locator("blockquote").waitFor();
      if (!phone) await page.getByRole("button", { name: "Edit", exact: true }).click();
    },
  },

  { name: "not-found", as: "employee", take: visit("/no-such-page", heading("Page not found")) },
];

const only = process.argv[2];
const shots = only ? SHOTS.filter((s) => s.name.includes(only)) : SHOTS;
mkdirSync(out, { recursive: true });

const external = process.env.ATRIUM_WEB_URL;
const journey = external ? undefined : await startJourneyServer();
const baseUrl = external ?? journey!.provided.baseUrl;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });

async function signInAs(page: Page, person: Person | null) {
  await page.context().clearCookies();
  if (!person) return;
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(PEOPLE[person]);
  await page.getByLabel("Password", { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/chat/);
}

let written = 0;
try {
  for (const theme of ["light", "dark"] as const) {
    for (const [device, viewport] of [
      ["desktop", DESKTOP],
      ["phone", PHONE],
    ] as const) {
      const context = await browser.newContext({ baseURL: baseUrl, viewport, colorScheme: theme });
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      let signedIn: Person | null | undefined;
      for (const shot of shots) {
        if (shot.as !== signedIn) {
          await signInAs(page, shot.as);
          signedIn = shot.as;
        }
        await shot.take(page, device === "phone");
        await page.waitForTimeout(300);
        await page.screenshot({ path: join(out, `${shot.name}-${theme}-${device}.png`) });
        written++;
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
  await journey?.teardown();
}
console.log(`screenshots: wrote ${written} files to docs/screenshots/`);
