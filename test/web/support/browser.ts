import AxeBuilder from "@axe-core/playwright";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, inject } from "vitest";
import { CHROMIUM, CHROMIUM_ARGS, DESKTOP } from "./browser-config.js";

export { CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE } from "./browser-config.js";

export const web = () => inject("web");

/**
 * Chromium's own line for an HTTP error answer to fetch (a 401 while restoring a session that does
 * not exist, the 403 a refusal journey provokes). Those are the API answering, not the page failing;
 * a 5xx is still an error.
 */
const EXPECTED_HTTP = /^Failed to load resource: the server responded with a status of 4(01|03|04|09|12)\b/;

/**
 * One browser per test file (a new, empty profile), one context per page opened. Every console error
 * and uncaught exception of a test fails it after the test (CSP violations included).
 */
export function useBrowser() {
  let browser: Browser;
  let contexts: BrowserContext[] = [];
  let errors: string[] = [];

  beforeAll(async () => {
    // Playwright gives every launch a new, empty profile (user-data dir) of its own.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterEach(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    contexts = [];
    const seen = errors;
    errors = [];
    expect(seen, "console errors during the journey").toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
  });

  return {
    /** A fresh page (own cookies and storage) at `path`, light theme unless asked otherwise. */
    async open(
      path: string,
      options: { viewport?: { width: number; height: number }; colorScheme?: "light" | "dark" } = {},
    ): Promise<Page> {
      const context = await browser.newContext({
        baseURL: web().baseUrl,
        viewport: options.viewport ?? DESKTOP,
        colorScheme: options.colorScheme ?? "light",
      });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      page.on("console", (message) => {
        if (message.type() !== "error" || EXPECTED_HTTP.test(message.text())) return;
        errors.push(`console: ${message.text()}`);
      });
      page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
      await page.goto(path);
      return page;
    },
  };
}

/** Signs in through the sign-in page (the session cookie and the in-memory token, as a person would). */
export async function signIn(page: Page, email: string, password = web().password): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname !== "/sign-in");
}

export const EMPLOYEE = "employee@demo.atrium.local";
export const ADMIN = "admin@demo.atrium.local";

export interface AxeFigures {
  page: string;
  violations: number;
  serious: number;
  critical: number;
  passes: number;
}

/**
 * Runs axe on the page as it is now and fails on serious or critical violations; prints the figures
 * (every violation is listed when there are any, to fix them).
 */
export async function checkAccessibility(page: Page, name: string): Promise<AxeFigures> {
  const result = await new AxeBuilder({ page }).analyze();
  const figures: AxeFigures = {
    page: name,
    violations: result.violations.length,
    serious: result.violations.filter((v) => v.impact === "serious").length,
    critical: result.violations.filter((v) => v.impact === "critical").length,
    passes: result.passes.length,
  };
  console.log(
    `axe ${name}: ${figures.violations} violations (${figures.serious} serious, ${figures.critical} critical), ${figures.passes} rules passed`,
  );
  const blocking = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    blocking.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
    `axe on ${name}`,
  ).toEqual([]);
  return figures;
}
