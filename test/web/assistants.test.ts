import { describe, expect, it } from "vitest";
import { checkAccessibility, EMPLOYEE, PHONE, signIn, useBrowser } from "./support/browser.js";
import { HEAD, horizontalOverflow } from "./support/knowledge-page.js";

/** Journey 4: a department head manages agents, personas, namespaces with plugins and tools. */
describe("journey: assistants", () => {
  const browser = useBrowser();

  async function headPage(options: { viewport?: { width: number; height: number } } = {}) {
    const page = await browser.open("/chat", options);
    await signIn(page, HEAD);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Assistants" }).click();
    await page.getByRole("heading", { name: "Assistants", level: 1 }).waitFor();
    return page;
  }

  it("creates an agent, publishes versions, disables, enables and archives it", async () => {
    const page = await headPage();
    const agents = page.getByRole("grid", { name: "Agents" });
    await expect.poll(() => agents.getByRole("rowheader", { name: "HR Assistant" }).count()).toBe(1);
    await checkAccessibility(page, "assistants: agents");

    const name = `Journey agent ${Date.now()}`;
    await page.getByLabel("Agent name").fill(name);
    await page.getByLabel("Description").fill("Answers questions about bicycles");
    await page.getByRole("button", { name: "Create agent" }).click();
    await page.getByRole("heading", { name, level: 1 }).waitFor();
    const facts = page.locator("dl.facts");
    const versions = page.getByRole("grid", { name: "Versions" });
    // Creating publishes the first version; publishing again needs a change.
    await expect.poll(() => facts.textContent()).toMatch(/Publishedv1(?! \+)/);
    await expect.poll(() => versions.getByRole("row").filter({ hasText: /^v1/ }).count()).toBe(1);
    expect(await page.getByRole("button", { name: "Publish a new version" }).isDisabled()).toBe(true);

    // A change to the draft is unpublished until the next version.
    await page.getByLabel("Instructions").fill("Always mention the basement of the north building.");
    await page.getByRole("button", { name: "Save draft" }).click();
    await expect.poll(() => facts.textContent()).toMatch(/v1 \+ unpublished changes/);
    await page.getByLabel("What changed").fill("Mentions where bicycles are kept");
    await page.getByRole("button", { name: "Publish a new version" }).click();
    const v2 = versions.getByRole("row").filter({ hasText: /^v2/ });
    await expect.poll(() => v2.textContent()).toMatch(/Mentions where bicycles are kept/);
    await expect.poll(() => facts.textContent()).toMatch(/Publishedv2(?! \+)/);
    expect(await page.getByRole("button", { name: "Publish a new version" }).isDisabled()).toBe(true);
    await checkAccessibility(page, "assistants: agent with versions");

    await page.getByRole("button", { name: "Disable" }).click();
    await expect.poll(() => facts.textContent()).toMatch(/Statedisabled/);
    await page.getByRole("button", { name: "Enable" }).click();
    await expect.poll(() => facts.textContent()).toMatch(/Stateenabled/);
    await page.getByRole("button", { name: "Archive" }).click();
    await expect.poll(() => facts.textContent()).toMatch(/Statearchived/);
    expect(await page.getByRole("button", { name: "Enable" }).count()).toBe(0);

    await page.getByRole("link", { name: "Assistants" }).first().click();
    await expect
      .poll(() => agents.getByRole("row").filter({ hasText: name }).textContent())
      .toMatch(/v2.*archived/);
  });

  it("adds a persona, sets a plugin credential and a tool secret that are shown only as set", async () => {
    const page = await headPage();
    await page.getByRole("tab", { name: "Personas" }).click();
    const persona = `Cheerful ${Date.now()}`;
    await page.getByLabel("Persona name").fill(persona);
    await page.getByLabel("Tone").fill("warm and brief");
    await page.getByLabel("How it speaks").fill("You greet people by name and keep answers short.");
    await page.getByRole("button", { name: "Create persona" }).click();
    await expect
      .poll(() =>
        page
          .getByRole("list", { name: "Personas" })
          .getByRole("listitem")
          .filter({ hasText: persona })
          .count(),
      )
      .toBe(1);
    await checkAccessibility(page, "assistants: personas");

    await page.getByRole("tab", { name: "Namespaces" }).click();
    await page.getByRole("grid", { name: "Namespaces" }).getByRole("link", { name: "HR" }).click();
    await page.getByRole("heading", { name: "HR", level: 1 }).waitFor();
    const telegram = page.getByRole("list", { name: "Credentials of telegram" });
    await expect.poll(() => telegram.textContent()).toMatch(/botToken: not set/);
    const secret = "123456:journey-telegram-token";
    await page.getByLabel("New value for telegram botToken").fill(secret);
    await page
      .getByRole("listitem")
      .filter({ has: page.getByRole("heading", { name: "telegram" }) })
      .getByRole("button", { name: "Save credential" })
      .click();
    await expect.poll(() => telegram.textContent()).toMatch(/botToken: set/);
    expect(await page.content(), "the credential is never shown").not.toContain(secret);
    await checkAccessibility(page, "assistants: namespace plugins");

    await page.getByRole("link", { name: "Assistants" }).first().click();
    await page.getByRole("tab", { name: "Tools" }).click();
    const tool = `weather_${Date.now()}`;
    const token = "journey-secret-token-42";
    await page.getByLabel("Tool name").fill(tool);
    await page.getByLabel("What it does").fill("Looks up the weather");
    await page.getByLabel("URL").fill("https://weather.example.com/today");
    await page.getByLabel("API token (optional)").fill(token);
    await page.getByRole("button", { name: "Create tool" }).click();
    const card = page.getByRole("list", { name: "Tools" }).getByRole("listitem").filter({ hasText: tool });
    await expect
      .poll(() => card.textContent())
      .toMatch(/http.*GET https:\/\/weather\.example\.com\/today.*API_TOKEN \(set\)/s);
    expect(await page.content(), "the tool's secret is never shown").not.toContain(token);
    await checkAccessibility(page, "assistants: tools");

    // A test call runs under a conversation's rules: a tool on this machine's address is refused,
    // since the server does not allow private networks here.
    const intranet = `intranet_${Date.now()}`;
    await page.getByLabel("Tool name").fill(intranet);
    await page.getByLabel("URL").fill("http://127.0.0.1:9/items/{{id}}");
    await page.getByLabel("API token (optional)").fill("");
    await page.getByRole("button", { name: "Create tool" }).click();
    const intranetCard = page
      .getByRole("list", { name: "Tools" })
      .getByRole("listitem")
      .filter({ hasText: intranet });
    await intranetCard.getByRole("button", { name: "Test call" }).click();
    const args = intranetCard.getByLabel(`Arguments for ${intranet} (JSON)`);
    await args.fill("not json");
    await intranetCard.getByRole("button", { name: "Run test call" }).click();
    await expect.poll(() => intranetCard.getByRole("alert").textContent()).toMatch(/not valid JSON/);
    await args.fill('{"id": "7"}');
    await intranetCard.getByRole("button", { name: "Run test call" }).click();
    const result = intranetCard.getByRole("status", { name: `Test call result of ${intranet}` });
    await expect
      .poll(() => result.textContent())
      .toMatch(/Failed \(FORBIDDEN\).* ms.*private or reserved address/s);
    await checkAccessibility(page, "assistants: tool test call");
  });

  it("offers an employee no assistants management, and is usable on a phone", async () => {
    const employee = await browser.open("/chat");
    await signIn(employee, EMPLOYEE);
    const nav = employee.getByRole("navigation", { name: "Main" });
    await expect.poll(() => nav.getByRole("link").allTextContents()).toEqual(["Chat", "Knowledge"]);
    await employee.goto("/assistants"); // typed by hand: reading is allowed, changing is not offered
    await employee.getByRole("heading", { name: "Assistants", level: 1 }).waitFor();
    await expect
      .poll(() => employee.getByRole("grid", { name: "Agents" }).getByRole("row").count())
      .toBeGreaterThan(1);
    expect(await employee.getByRole("button", { name: "Create agent" }).count()).toBe(0);

    const page = await headPage({ viewport: PHONE });
    await expect
      .poll(() => page.getByRole("grid", { name: "Agents" }).getByRole("row").count())
      .toBeGreaterThan(1);
    expect(await horizontalOverflow(page), "nothing wider than the screen").toBeLessThanOrEqual(0);
    await checkAccessibility(page, "phone: assistants");
  });
});
