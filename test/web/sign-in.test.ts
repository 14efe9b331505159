import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ADMIN, checkAccessibility, EMPLOYEE, signIn, useBrowser, web } from "./support/browser.js";
import { apiCall, tokenFor } from "./support/server.js";

let counter = 0;
const uniqueEmail = (prefix: string) => `${prefix}.${Date.now().toString(36)}${counter++}@demo.atrium.local`;

/** An invitation into HR made by the demo admin over the API; its token, as the mail's link carries it. */
async function invite(email: string): Promise<string> {
  const admin = await tokenFor(web().baseUrl, ADMIN, web().password);
  const departments = await apiCall<{ items: { id: string; slug: string }[] }>(
    web().baseUrl,
    "GET",
    "/departments",
    {
      token: admin,
    },
  );
  const hr = departments.items.find((d) => d.slug === "hr")!;
  const created = await apiCall<{ token: string }>(web().baseUrl, "POST", "/invitations", {
    token: admin,
    body: { email, departmentId: hr.id },
  });
  return created.token;
}

/** The newest link to `path` mailed to `email` (the development outbox: `atrium mail outbox`). */
function mailedLink(email: string, path: string): string {
  const lines = readFileSync(join(web().dataDir, "outbox.jsonl"), "utf8").trim().split("\n");
  const mail = lines
    .map((line) => JSON.parse(line) as { to: string; text: string })
    .filter((m) => m.to === email)
    .at(-1);
  const link = mail?.text.match(/https?:\/\/\S+/)?.[0];
  if (!link?.includes(path)) throw new Error(`no ${path} link mailed to ${email}`);
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
}

describe("journey: signing in and out", () => {
  const browser = useBrowser();

  it("signs in with a password, and out again", async () => {
    const page = await browser.open("/chat");
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel("Email").fill(EMPLOYEE);
    await page.getByLabel("Password", { exact: true }).fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/The email or password is wrong/);
    await signIn(page, EMPLOYEE);
    expect(new URL(page.url()).pathname).toBe("/chat");
    await page.getByRole("button", { name: /^Account: Emil Employee/ }).click();
    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await page.waitForURL(/\/sign-in/);
    await page.goto("/chat");
    await page.waitForURL(/\/sign-in\?redirect=%2Fchat/);
  });

  it("offers only the configured OAuth providers and signs in with GitHub", async () => {
    const page = await browser.open("/sign-in");
    const github = page.getByRole("link", { name: "Continue with GitHub" });
    await expect.poll(() => github.count()).toBe(1);
    expect(await page.getByRole("link", { name: "Continue with Google" }).count()).toBe(0);
    await github.click();
    await page.waitForURL(/\/chat$/);
    await expect.poll(() => page.getByRole("button", { name: /^Account: Emil Employee/ }).count()).toBe(1);
  });

  it("accepts an invitation and lands in chat signed in", async () => {
    const email = uniqueEmail("invited");
    const page = await browser.open(`/accept-invitation?token=${encodeURIComponent(await invite(email))}`);
    await checkAccessibility(page, "accept invitation");
    await page.getByLabel("Your name").fill("Ines Invited");
    await page.getByLabel("Choose a password").fill("a-long-new-password");
    await page.getByRole("button", { name: "Accept the invitation" }).click();
    await page.waitForURL(/\/chat$/);
    await expect.poll(() => page.getByRole("button", { name: /^Account: Ines Invited/ }).count()).toBe(1);
  });

  it("resets a forgotten password through the mailed link", async () => {
    const email = uniqueEmail("forgetful");
    await apiCall(web().baseUrl, "POST", "/invitations/accept", {
      body: { token: await invite(email), name: "Fred Forgetful", password: "the-first-password" },
    });
    const page = await browser.open("/sign-in");
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Send the link" }).click();
    await expect
      .poll(() => page.getByRole("status").first().textContent())
      .toMatch(/reset link is on its way/);
    await checkAccessibility(page, "forgot password");

    await expect
      .poll(() => {
        try {
          return mailedLink(email, "/reset-password");
        } catch {
          return "";
        }
      })
      .toMatch(/^\/reset-password\?token=/);
    await page.goto(mailedLink(email, "/reset-password"));
    await page.getByLabel("New password", { exact: true }).fill("the-second-password");
    await page.getByLabel("Repeat the new password").fill("the-second-password");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect
      .poll(() => page.getByRole("status").first().textContent())
      .toMatch(/password has been changed/);
    await page.getByRole("link", { name: "Sign in" }).click();
    await signIn(page, email, "the-second-password");
    expect(new URL(page.url()).pathname).toBe("/chat");
  });

  it("sends a person whose session ended back to sign in, then back where they were", async () => {
    const page = await browser.open("/chat");
    await signIn(page, EMPLOYEE);
    const token = await tokenFor(web().baseUrl, EMPLOYEE, web().password);
    const agents = await apiCall<{ items: { id: string; name: string }[] }>(web().baseUrl, "GET", "/agents", {
      token,
    });
    const conversation = await apiCall<{ id: string }>(web().baseUrl, "POST", "/conversations", {
      token,
      body: { agentId: agents.items.find((a) => a.name === "HR Assistant")!.id, title: "Where I was" },
    });
    await page.goto(`/chat/${conversation.id}`);
    await expect.poll(() => page.getByRole("heading", { name: "Where I was" }).count()).toBe(1);

    // Every session of the person ends elsewhere (signed out everywhere); the next call finds out.
    await apiCall(web().baseUrl, "POST", "/auth/logout-all", { token });
    await page.getByRole("searchbox", { name: "Search conversations" }).fill("anything");
    await page.waitForURL(/\/sign-in\?/);
    await expect.poll(() => page.getByRole("status").first().textContent()).toMatch(/session has ended/);
    await signIn(page, EMPLOYEE);
    await page.waitForURL(new RegExp(`/chat/${conversation.id}$`));
    await expect.poll(() => page.getByRole("heading", { name: "Where I was" }).count()).toBe(1);
  });
});
