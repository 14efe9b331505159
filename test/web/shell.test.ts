import { describe, expect, it } from "vitest";
import { ADMIN, checkAccessibility, EMPLOYEE, PHONE, signIn, useBrowser } from "./support/browser.js";
import { answerText } from "./support/chat-page.js";

describe("journey: the application's frame", () => {
  const browser = useBrowser();

  it("shows each person only what their permissions allow, and says so when a call is refused", async () => {
    const employee = await browser.open("/chat");
    await signIn(employee, EMPLOYEE);
    const nav = employee.getByRole("navigation", { name: "Main" });
    await expect.poll(() => nav.getByRole("link").allTextContents()).toEqual(["Chat", "Knowledge"]);
    await employee.goto("/admin/people"); // typed by hand: the API refuses, the page says why
    await expect
      .poll(() => employee.getByRole("alert").textContent())
      .toMatch(/Not allowed: This needs the users:manage permission/);

    const admin = await browser.open("/chat");
    await signIn(admin, ADMIN);
    const adminNav = admin.getByRole("navigation", { name: "Main" });
    await expect
      .poll(() => adminNav.getByRole("link").allTextContents())
      .toEqual(["Chat", "Approvals", "Knowledge", "Assistants", "Insights", "Administration"]);
    await adminNav.getByRole("link", { name: "Administration" }).click();
    await admin.getByRole("link", { name: "People" }).click();
    await expect.poll(() => admin.getByRole("rowheader", { name: "Emil Employee" }).count()).toBe(1);
    await checkAccessibility(admin, "administration: people");
  });

  it("switches between light and dark themes and remembers the choice", async () => {
    const page = await browser.open("/chat");
    await signIn(page, EMPLOYEE);
    const theme = () => page.evaluate<string>('document.documentElement.dataset.theme ?? "system"');
    await page.getByRole("button", { name: "Use the dark theme" }).click();
    expect(await theme()).toBe("dark");
    const background = await page.evaluate("getComputedStyle(document.body).backgroundColor");
    expect(background).toBe("rgb(18, 19, 24)");
    await page.reload();
    await expect.poll(theme).toBe("dark");
    await checkAccessibility(page, "chat (dark)");
    await page.getByRole("button", { name: "Use the light theme" }).click();
    expect(await theme()).toBe("light");
  });

  it("is usable with the keyboard alone", async () => {
    const page = await browser.open("/chat");
    await signIn(page, EMPLOYEE);
    await page.getByRole("heading", { name: "New conversation" }).waitFor();
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement?.textContent")).toBe("Skip to content");
    await page.keyboard.press("Enter");
    let focused = "";
    for (let i = 0; i < 25 && focused !== "Your question"; i++) {
      await page.keyboard.press("Tab");
      focused = await page.evaluate<string>('document.activeElement?.getAttribute("aria-label") ?? ""');
    }
    expect(focused).toBe("Your question");
    await page.keyboard.type("How many days of annual leave do I get?");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
    await expect.poll(() => answerText(page)).toMatch(/Sources/);
  });

  it("works on a 390 px phone: list, new conversation, answer, back", async () => {
    const page = await browser.open("/chat", { viewport: PHONE });
    await signIn(page, EMPLOYEE);
    const list = page.getByRole("navigation", { name: "Conversations" });
    await expect.poll(() => list.isVisible()).toBe(true);
    await checkAccessibility(page, "phone: conversations");
    await list.getByRole("link", { name: "New conversation" }).click();
    await expect.poll(() => list.isVisible()).toBe(false);
    await page.getByLabel("Your question").fill("How many days of annual leave do I get?");
    await page.getByRole("button", { name: "Send" }).click();
    await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
    await expect.poll(() => answerText(page)).toMatch(/25 days/);
    const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
    expect(overflow, "nothing wider than the screen").toBeLessThanOrEqual(0);
    await checkAccessibility(page, "phone: conversation");
    await page
      .getByRole("button", { name: /^Source 1: / })
      .first()
      .click();
    await expect.poll(() => page.getByRole("dialog").isVisible()).toBe(true);
    await page.getByRole("button", { name: "Close" }).click();
    await page.getByRole("link", { name: "All conversations" }).click();
    await expect.poll(() => list.isVisible()).toBe(true);
    expect(await list.getByRole("listitem").count()).toBeGreaterThan(0);
  });
});
