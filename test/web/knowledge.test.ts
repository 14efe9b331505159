import { describe, expect, it } from "vitest";
import { ADMIN, checkAccessibility, EMPLOYEE, PHONE, signIn, useBrowser } from "./support/browser.js";
import { documentRow, dropFiles, HEAD, horizontalOverflow } from "./support/knowledge-page.js";

const HANDBOOK = `# Journey handbook

## Bicycles
Every employee may borrow a company bicycle for up to 14 days. Bicycles are kept in the basement
of the north building; the key is at the reception desk.
`;

/** Journey 3: a department head curates a knowledge base; an employee only reads. */
describe("journey: knowledge", () => {
  const browser = useBrowser();

  /** Signs in as the head of HR and creates a new base through the page (other journeys keep theirs). */
  async function newBase(options: { viewport?: { width: number; height: number } } = {}) {
    const page = await browser.open("/chat", options);
    await signIn(page, HEAD);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Knowledge" }).click();
    await page.getByRole("heading", { name: "Human Resources" }).waitFor();
    await expect.poll(() => page.getByRole("link", { name: "HR Handbook" }).count()).toBe(1);
    expect(
      await page.getByRole("heading", { name: "IT", exact: true }).count(),
      "another department's bases",
    ).toBe(0);
    const name = `Journey base ${Date.now()}`;
    await page.getByLabel("Name").fill(name);
    await page.getByRole("button", { name: "Create" }).click();
    await page.getByRole("heading", { name, level: 1 }).waitFor();
    await page.waitForURL(/\/knowledge\/[0-9a-f-]{36}$/);
    return page;
  }

  it("uploads by drag and drop and by file picker, follows ingestion to ready or failed, shows chunks and synthetic questions", async () => {
    const page = await newBase();
    await checkAccessibility(page, "knowledge: empty base");

    // Drag and drop: a Markdown file becomes ready; a "PDF" that is text fails, with the reason.
    await dropFiles(page, [
      { name: "bicycles.md", text: HANDBOOK },
      { name: "broken.pdf", text: "not really a pdf" },
    ]);
    const uploads = page.getByRole("list", { name: "Uploads" });
    await expect.poll(() => uploads.getByRole("progressbar").count()).toBe(2);
    await expect.poll(() => uploads.textContent()).toMatch(/bicycles\.md.*Uploaded/s);
    const bar = uploads.getByRole("progressbar", { name: "Uploading bicycles.md" });
    expect(await bar.getAttribute("aria-valuenow")).toBe("100");
    await expect
      .poll(() => documentRow(page, "bicycles.md").textContent(), { timeout: 30_000 })
      .toMatch(/ready/);
    await expect
      .poll(() => documentRow(page, "broken.pdf").textContent(), { timeout: 30_000 })
      .toMatch(/failed.*content is text/);

    // The file picker (FileTrigger) uploads too.
    await page.locator('input[type="file"]').setInputFiles({
      name: "parking.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("Parking spaces in the garage are assigned by the facilities team every January."),
    });
    await expect
      .poll(() => documentRow(page, "parking.txt").textContent(), { timeout: 30_000 })
      .toMatch(/ready/);
    await checkAccessibility(page, "knowledge: documents");

    // A document's chunks and their synthetic questions.
    await documentRow(page, "bicycles.md").getByRole("link", { name: "bicycles.md" }).click();
    await page.getByRole("heading", { name: "bicycles.md", level: 1 }).waitFor();
    const chunks = page.getByRole("list", { name: "Chunks" });
    await expect.poll(() => chunks.textContent()).toMatch(/company bicycle for up to 14 days/);
    const questions = chunks
      .getByRole("list", { name: /Synthetic questions/ })
      .first()
      .getByRole("listitem");
    await expect.poll(() => questions.count()).toBeGreaterThan(0);
    await checkAccessibility(page, "knowledge: document chunks");
  }, 120_000);

  it("adds freeform text, a table and a web source with its crawl status, and searches with scores in every mode", async () => {
    const page = await newBase();
    await page.getByRole("tab", { name: "Text and tables" }).click();
    await page.getByLabel("Text title").fill("Bicycles");
    await page.getByLabel("Text", { exact: true }).fill(HANDBOOK);
    await page.getByRole("button", { name: "Add text" }).click();
    await page.getByText("“Bicycles” added").waitFor();
    await page.getByLabel("Table title").fill("Office floors");
    await page.getByLabel("Rows as CSV").fill("team,floor\nHR,3\nIT,5\nFinance,2");
    await page.getByRole("button", { name: "Add table" }).click();
    await page.getByText("“Office floors” added").waitFor();
    await checkAccessibility(page, "knowledge: text and tables");
    await page.getByRole("tab", { name: "Documents" }).click();
    await expect
      .poll(() => documentRow(page, "Bicycles").textContent(), { timeout: 30_000 })
      .toMatch(/ready/);
    await expect
      .poll(() => documentRow(page, "Office floors").textContent(), { timeout: 30_000 })
      .toMatch(/ready/);
    expect(await documentRow(page, "Office floors").textContent()).toMatch(/table/);

    // A web source: its crawl ends (here, failed: the address does not resolve) with the reason.
    await page.getByRole("tab", { name: "Web sources" }).click();
    await page.getByLabel("Address").fill("https://intranet.example.invalid/policies");
    await page.getByRole("button", { name: "Add web source" }).click();
    const source = page.getByRole("list", { name: "Web sources" }).getByRole("listitem").first();
    await expect.poll(() => source.textContent()).toMatch(/intranet\.example\.invalid/);
    await expect.poll(() => source.textContent(), { timeout: 30_000 }).toMatch(/failed.*ENOTFOUND/s);
    await checkAccessibility(page, "knowledge: web sources");

    // Search in each mode: scored results from the text added above.
    await page.getByRole("tab", { name: "Search" }).click();
    await page.getByLabel("Search for").fill("borrow a bicycle");
    const results = page.getByRole("region", { name: "Search results" });
    for (const [label, mode] of [
      ["Full text", "fulltext"],
      ["Vector", "vector"],
      ["Hybrid", "hybrid"],
    ] as const) {
      await page.getByRole("radiogroup", { name: "Search mode" }).getByText(label, { exact: true }).click();
      await page.getByRole("button", { name: "Search", exact: true }).click();
      await expect
        .poll(() => results.getByRole("status").textContent())
        .toMatch(new RegExp(`results \\(${mode}`));
      const first = results.getByRole("listitem").first();
      await expect.poll(() => first.textContent()).toMatch(/^Bicycles/);
      expect(await first.textContent()).toMatch(/Score\d\.\d{3}/);
    }
    await checkAccessibility(page, "knowledge: search");
  }, 120_000);

  it("shows an employee the bases but no way to change them, and says why a refused call failed", async () => {
    const page = await browser.open("/chat");
    await signIn(page, EMPLOYEE);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Knowledge" }).click();
    await page.getByRole("link", { name: "HR Handbook" }).click();
    await page.getByRole("heading", { name: "HR Handbook", level: 1 }).waitFor();
    await expect
      .poll(() => page.getByRole("grid", { name: "Documents" }).getByRole("row").count())
      .toBeGreaterThan(1);
    expect(await page.getByRole("button", { name: "Choose files" }).count()).toBe(0);
    expect(await page.getByRole("tab", { name: "Text and tables" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Create" }).count()).toBe(0);

    // Typed by hand: a base of a department the employee cannot see.
    const admin = await browser.open("/chat");
    await signIn(admin, ADMIN);
    await admin.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Knowledge" }).click();
    await admin.getByRole("heading", { name: "IT", exact: true }).waitFor();
    const itBase = admin.getByRole("region", { name: "IT", exact: true }).getByRole("link").first();
    const href = (await itBase.getAttribute("href")) ?? "";
    expect(href).toMatch(/^\/knowledge\/[0-9a-f-]{36}$/);
    await page.goto(href);
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/not found|Not allowed/i);
  });

  it("is usable on a 390 px phone in the dark theme", async () => {
    const page = await browser.open("/chat", { viewport: PHONE, colorScheme: "dark" });
    await signIn(page, HEAD);
    await page.goto("/knowledge");
    await page.getByRole("link", { name: "HR Handbook" }).click();
    await page.getByRole("heading", { name: "HR Handbook", level: 1 }).waitFor();
    await expect
      .poll(() => page.getByRole("grid", { name: "Documents" }).getByRole("row").count())
      .toBeGreaterThan(1);
    expect(await horizontalOverflow(page), "nothing wider than the screen").toBeLessThanOrEqual(0);
    await checkAccessibility(page, "phone (dark): knowledge base");
    await page.getByRole("tab", { name: "Search" }).click();
    await page.getByLabel("Search for").fill("annual leave");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await expect
      .poll(() => page.getByRole("region", { name: "Search results" }).getByRole("listitem").count())
      .toBeGreaterThan(0);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await checkAccessibility(page, "phone (dark): search");
  });
});
