import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ADMIN, checkAccessibility, EMPLOYEE, PHONE, signIn, useBrowser, web } from "./support/browser.js";
import { answerText, askNew, lastAnswer } from "./support/chat-page.js";
import { apiCall, tokenFor } from "./support/server.js";

/** The HR department head: analytics:read over HR, where the Test Assistant lives. */
const HEAD = "hr.head@demo.atrium.local";
const QUESTION = "How many days of annual leave do I get?";

interface Trace {
  run: { id: string; totalTokens: number; costUsd: number; stages: { name: string }[] };
  retrievalHits: { rank: number; score: number; citationLabel: string | null }[];
}
interface UsageRow {
  name: string | null;
  totalTokens: number;
  costUsd: number;
  runs: number;
}

const api = async <T>(email: string, path: string, method = "GET") =>
  apiCall<T>(web().baseUrl, method, path, { token: await tokenFor(web().baseUrl, email, web().password) });

/** The text of the cells of the row whose header is `header`, in `table`. */
async function rowCells(page: Page, tableCaption: RegExp, header: string, second?: string) {
  const table = page.locator("table", { has: page.locator("caption", { hasText: tableCaption }) });
  const rows = table.locator("tbody tr", { has: page.getByRole("rowheader", { name: header, exact: true }) });
  const count = await rows.count();
  for (let i = 0; i < count; i++) {
    const cells = await rows.nth(i).locator("td").allTextContents();
    if (second === undefined || cells[0] === second) return cells;
  }
  return [];
}

describe("journey: observability", () => {
  const browser = useBrowser();

  it("opens a chat answer's trace: stages as a waterfall, retrieved passages with scores, tokens and cost", async () => {
    const page = await browser.open("/chat");
    await signIn(page, HEAD);
    await askNew(page, QUESTION);
    await expect.poll(() => answerText(page)).toMatch(/Sources/);
    await lastAnswer(page).getByRole("link", { name: "Trace" }).click();
    await page.waitForURL(/\/insights\/runs\/[0-9a-f-]{36}$/);
    const taskId = page.url().split("/").pop()!;
    const trace = await api<Trace>(HEAD, `/runs/${taskId}`);

    await page.getByRole("heading", { name: "Run trace" }).waitFor();
    const stages = page.getByRole("table").filter({ hasText: "Stages of the turn" });
    await expect
      .poll(() => stages.getByRole("rowheader").allTextContents())
      .toEqual(trace.run.stages.map((s) => s.name));
    expect(await stages.getByRole("rowheader").allTextContents()).toEqual(
      expect.arrayContaining(["retrieval", "model-call"]),
    );
    expect(await stages.locator("svg rect.waterfall-bar").count(), "one bar per stage").toBe(
      trace.run.stages.length,
    );

    expect(trace.retrievalHits.length).toBeGreaterThan(0);
    const passages = page.getByRole("list", { name: "Retrieved passages" }).getByRole("listitem");
    expect(await passages.count()).toBe(trace.retrievalHits.length);
    const first = await passages.first().textContent();
    expect(first).toContain(`Score ${trace.retrievalHits[0]!.score.toFixed(3)}`);
    expect(first).toContain("Rank 1");

    const figure = (label: string) =>
      page
        .locator(".figure", { has: page.locator("dt", { hasText: new RegExp(`^${label}$`) }) })
        .locator("dd");
    expect(await figure("Total tokens").textContent()).toBe(trace.run.totalTokens.toLocaleString("en"));
    expect(await figure("Cost").textContent()).toMatch(/^\$\d+\.\d+$/);
    expect(await figure("Time to first token").textContent()).toMatch(/\d+(\.\d+)? m?s$/);
    await checkAccessibility(page, "run trace");

    // The runs list leads to the same trace.
    await page.getByRole("link", { name: "← All runs" }).click();
    const runLinks = page.getByRole("table").getByRole("link");
    await expect.poll(() => runLinks.count()).toBeGreaterThan(0);
    await runLinks.first().click();
    await page.waitForURL(new RegExp(`/insights/runs/${trace.run.id}$`));
    await page.getByRole("heading", { name: "Stages" }).waitFor();
  });

  it("shows an employee the trace of their own answer but no Insights, and says why the usage page is refused", async () => {
    const page = await browser.open("/chat");
    await signIn(page, EMPLOYEE);
    await askNew(page, QUESTION);
    await expect.poll(() => answerText(page)).toMatch(/Sources/);
    // The person who asked may read their own run's trace (the API allows it without analytics:read).
    await lastAnswer(page).getByRole("link", { name: "Trace" }).click();
    await page.waitForURL(/\/insights\/runs\/[0-9a-f-]{36}$/);
    await page.getByRole("heading", { name: "Stages" }).waitFor();
    expect(await page.getByRole("alert").count(), "the trace is not refused").toBe(0);
    expect(
      await page.getByRole("link", { name: "← All runs" }).count(),
      "no runs list without analytics:read",
    ).toBe(0);
    await checkAccessibility(page, "run trace of one's own answer");
    const nav = page.getByRole("navigation", { name: "Main" });
    expect(await nav.getByRole("link", { name: "Insights" }).count()).toBe(0);
    await page.goto("/insights/usage");
    await expect
      .poll(() => page.getByRole("alert").first().textContent())
      .toMatch(/Not allowed: This needs the analytics:read permission/);
  });

  it("charts usage and cost per day, department, assistant and model, with the numbers in tables", async () => {
    const page = await browser.open("/chat", { colorScheme: "dark" });
    await signIn(page, HEAD);
    await askNew(page, QUESTION);
    await expect.poll(() => answerText(page)).toMatch(/Sources/);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Insights" }).click();
    await page
      .getByRole("navigation", { name: "Insights" })
      .getByRole("link", { name: "Usage and cost" })
      .click();
    await page.getByRole("heading", { name: "By assistant" }).waitFor();

    // The assistant's row holds what the API counts (which includes the run just made).
    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
    const byAgent = async () =>
      (await api<{ rows: UsageRow[] }>(HEAD, `/usage?groupBy=agent&from=${from}&to=${today}`)).rows.find(
        (r) => r.name === web().testAgent,
      )!;
    const expected = await byAgent();
    expect(expected.runs).toBeGreaterThan(0);
    await expect
      .poll(() => rowCells(page, /^Usage by assistant/, web().testAgent, "All days"))
      .toEqual([
        "All days",
        String(expected.runs),
        expect.any(String),
        expect.any(String),
        expected.totalTokens.toLocaleString("en"),
        expect.stringMatching(/^\$/),
      ]);
    const todayCells = await rowCells(page, /^Usage by assistant/, web().testAgent, today);
    expect(todayCells[0]).toBe(today);
    expect(await rowCells(page, /^Usage by model/, "openai/fake-model", "All days")).not.toEqual([]);
    expect((await rowCells(page, /^Usage by department/, "Human Resources", "All days")).length).toBe(6);

    // Each chart is drawn (Recharts, loaded with this page) beside its table.
    for (const name of [
      "Tokens and cost per day",
      "Cost per day by department",
      "Cost per day by assistant",
    ]) {
      const chart = page.getByRole("img", { name: new RegExp(`^${name}`) });
      await expect.poll(() => chart.locator(".recharts-wrapper").count()).toBe(1);
    }
    await checkAccessibility(page, "usage (dark)");

    await page.getByRole("radio", { name: "Last 7 days" }).click();
    await expect
      .poll(() => page.getByText(/^Tokens and cost per day, \d{4}-\d{2}-\d{2} to/).textContent())
      .toContain(new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10));
  });

  it("lays the usage and trace pages out on a 390 px phone without overflow", async () => {
    const page = await browser.open("/chat", { viewport: PHONE });
    await signIn(page, HEAD);
    await page.goto("/insights/usage");
    await page.getByRole("heading", { name: "By model" }).waitFor();
    await expect.poll(() => page.locator(".recharts-wrapper").count()).toBeGreaterThan(0);
    const overflow = () => page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
    expect(await overflow(), "nothing wider than the screen").toBeLessThanOrEqual(0);
    await checkAccessibility(page, "phone: usage");
    await page.goto("/insights");
    await page.getByRole("table").getByRole("link").first().click();
    await page.getByRole("heading", { name: "Retrieved passages" }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
  });

  it("shows the person's memory profile and erases it", async () => {
    const started = new Date().toISOString();
    const page = await browser.open("/chat");
    await signIn(page, EMPLOYEE);
    await page.getByRole("button", { name: /^Account: / }).click();
    await page.getByRole("menuitem", { name: "Your memory" }).click();
    await page.waitForURL(/\/memory$/);
    await page.getByRole("heading", { name: "Your memory", exact: true }).waitFor();
    await page.getByRole("button", { name: "Erase my memory profile" }).waitFor();
    await checkAccessibility(page, "memory profile");

    await page.getByRole("button", { name: "Erase my memory profile" }).click();
    const dialog = page.getByRole("alertdialog");
    await dialog.getByRole("heading", { name: "Erase your memory profile?" }).waitFor();
    await checkAccessibility(page, "memory profile: confirm erase");
    await dialog.getByRole("button", { name: "Erase" }).click();
    await expect.poll(() => page.getByText("Your memory profile was erased.").count()).toBe(1);
    expect(await dialog.count()).toBe(0);
    await expect.poll(() => page.getByText(/There is no memory profile for you yet/).count()).toBe(1);

    // The erase happened on the server: its audit row is the marker extraction honours.
    const me = await api<{ id: string }>(EMPLOYEE, "/auth/me");
    const audit = await api<{ items: { action: string; entityId: string; createdAt: string }[] }>(
      ADMIN,
      `/audit-logs?action=employee_profile.erased&entityId=${me.id}&from=${encodeURIComponent(started)}`,
    );
    expect(audit.items.map((a) => a.action)).toEqual(["employee_profile.erased"]);
    await expect
      .poll(() => api<unknown>(EMPLOYEE, "/me/profile").catch((e: Error) => e.message))
      .toMatch(/→ 404/);
  });
});
