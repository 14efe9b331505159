import { describe, expect, it } from "vitest";
import { checkAccessibility, EMPLOYEE, signIn, useBrowser } from "./support/browser.js";

/**
 * The "done when": on a fresh `npm start`, the demo employee signs in, asks the HR Assistant
 * "How many days of annual leave do I get?" and reads the cited answer — from the offline model and
 * the bundled handbook, no terminal needed.
 */
describe("journey: the demo employee's first answer", () => {
  const browser = useBrowser();

  it("signs in, asks about annual leave and reads the answer with its sources", async () => {
    const page = await browser.open("/");
    await page.waitForURL(/\/sign-in\?redirect=/);
    await checkAccessibility(page, "sign-in");
    await signIn(page, EMPLOYEE);
    await page.waitForURL(/\/chat$/);
    await expect
      .poll(() =>
        page
          .getByRole("button", { name: /Assistant/ })
          .first()
          .textContent(),
      )
      .toMatch(/HR Assistant/);
    await checkAccessibility(page, "new conversation");

    await page.getByLabel("Your question").fill("How many days of annual leave do I get?");
    await page.getByRole("button", { name: "Send" }).click();
    await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
    const answer = page.getByRole("article", { name: "Assistant" }).last();
    await expect
      .poll(() => answer.textContent(), { timeout: 20_000 })
      .toMatch(/25 days of paid annual leave/);
    await expect.poll(() => answer.getByText("Sources").count()).toBe(1);

    // The numbered chip opens the cited passage, then its document with the passage marked.
    const chip = answer.getByRole("button", { name: /^Source 1: / }).first();
    await chip.click();
    const dialog = page.getByRole("dialog");
    await expect
      .poll(() => dialog.getByRole("region", { name: "Cited passage" }).textContent())
      .toMatch(/25 days of paid annual leave/);
    await checkAccessibility(page, "citation");
    await dialog.getByRole("button", { name: /Open the document/ }).click();
    const cited = dialog.locator('li[aria-current="true"]');
    await expect.poll(() => cited.textContent()).toMatch(/25 days of paid annual leave/);
    expect(await dialog.locator("ol.document-chunks > li").count()).toBeGreaterThan(1);
    await page.keyboard.press("Escape");
    await expect.poll(() => dialog.count()).toBe(0);
    await checkAccessibility(page, "conversation");
  });
});
