import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { checkAccessibility, EMPLOYEE, PHONE, signIn, useBrowser, web } from "./support/browser.js";
import { answerText, lastAnswer } from "./support/chat-page.js";
import { apiCall, tokenFor } from "./support/server.js";

const APPROVER = "approver@demo.atrium.local";
/** The demo HR desk holds leave-balance questions for review (its intents, ADR 0008). */
const held = (tag: string) => `${tag}: how many days of leave do I have left?`;
const tagOf = () => `k${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

/** The employee asks the HR desk from the chat page; returns the conversation id. */
async function askDesk(page: Page, question: string): Promise<string> {
  await page.goto("/chat?new=true");
  const picker = page.getByRole("button", { name: /Assistant/ }).first();
  await picker.click();
  await page.getByRole("option", { name: /^HR desk/ }).click();
  await page.getByLabel("Your question").fill(question);
  await page.getByRole("button", { name: "Send" }).click();
  await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
  return page.url().split("/").pop()!;
}

const waitingCount = async (page: Page) => {
  const text = (await page.getByRole("link", { name: /^Waiting/ }).textContent()) ?? "";
  return Number(text.replace(/\D/g, "") || "0");
};

/** Long journeys on a shared, busy machine. */
const JOURNEY_TIMEOUT_MS = 180_000;

describe("journey: approvals", () => {
  const browser = useBrowser();

  it(
    "an employee's held question arrives live; the approver edits the reply and the employee reads it",
    async () => {
      const approver = await browser.open("/review");
      await signIn(approver, APPROVER);
      await approver.waitForURL(/\/review/);
      const nav = approver.getByRole("navigation", { name: "Main" });
      await expect.poll(() => nav.getByRole("link").allTextContents()).toContain("Approvals");
      await expect.poll(() => approver.getByRole("link", { name: /^Waiting/ }).textContent()).toMatch(/\d/);
      const before = await waitingCount(approver);

      const employee = await browser.open("/chat");
      await signIn(employee, EMPLOYEE);
      const tag = tagOf();
      const question = held(tag);
      // Waiting for review, the page follows the conversation stream rather than polling.
      const followed = employee.waitForRequest(/\/conversations\/[0-9a-f-]{36}\/stream\?follow=true/, {
        timeout: 30_000,
      });
      const conversationId = await askDesk(employee, question);
      await expect.poll(() => answerText(employee), { timeout: 20_000 }).toMatch(/waiting for review/);
      await expect
        .poll(() => employee.getByLabel("Your question").isDisabled(), {
          message: "nothing more is asked meanwhile",
        })
        .toBe(true);

      // The approver's open inbox shows it without a reload (notification stream), counted.
      const item = approver.getByRole("link", { name: new RegExp(tag) });
      await expect.poll(() => item.count(), { timeout: 20_000 }).toBe(1);
      await expect.poll(() => waitingCount(approver)).toBe(before + 1);
      const bell = approver.getByRole("button", { name: /^Notifications, \d+ unread/ });
      await expect.poll(() => bell.count()).toBe(1);
      await item.click();
      const detail = approver.getByRole("article");
      await expect.poll(() => detail.locator("blockquote").textContent()).toBe(question);
      await expect
        .poll(() => detail.getByRole("region", { name: "Sources" }).getByRole("listitem").count())
        .toBeGreaterThan(0);
      await checkAccessibility(approver, "approvals: held reply");

      await approver.getByRole("button", { name: "Edit", exact: true }).click();
      const edited = `You have 12 days of leave left this year (${tag}).`;
      await approver.getByLabel("Reply to send").fill(edited);
      await approver.getByRole("button", { name: "Send edited reply" }).click();
      await expect.poll(() => detail.getByRole("status").first().textContent()).toMatch(/Edited/);
      await expect.poll(() => waitingCount(approver)).toBe(before);

      // The employee's page, still open, shows the reviewed reply in place of the waiting notice: the
      // conversation stream's `decided` event brought it (and says so to a screen reader).
      await followed;
      await expect.poll(() => answerText(employee), { timeout: 20_000 }).toContain(edited);
      await expect
        .poll(() => employee.getByRole("status").filter({ hasText: "A reviewed reply arrived." }).count())
        .toBe(1);
      expect(await lastAnswer(employee).textContent()).toMatch(/Reviewed by a person/);
      expect(await employee.getByText(/waiting for review/).count()).toBe(0);
      await expect.poll(() => employee.getByLabel("Your question").isDisabled()).toBe(false);
      await expect
        .poll(() => employee.getByRole("button", { name: /^Notifications, \d+ unread/ }).count())
        .toBe(1);
      await checkAccessibility(employee, "chat: reviewed reply");

      // What was stored: the approval is decided as edited, the conversation holds the edited reply.
      const token = await tokenFor(web().baseUrl, EMPLOYEE, web().password);
      const messages = await apiCall<{
        items: { role: string; content: string; heldForApproval: boolean }[];
      }>(web().baseUrl, "GET", `/conversations/${conversationId}/messages`, { token });
      expect(messages.items.at(-1)).toMatchObject({
        role: "assistant",
        content: edited,
        heldForApproval: false,
      });
    },
    JOURNEY_TIMEOUT_MS,
  );

  it(
    "approves on a 390 px phone, and an employee is neither offered nor allowed the inbox",
    async () => {
      const employee = await browser.open("/chat");
      await signIn(employee, EMPLOYEE);
      const tag = tagOf();
      await askDesk(employee, held(tag));
      await expect.poll(() => answerText(employee), { timeout: 20_000 }).toMatch(/waiting for review/);
      const nav = employee.getByRole("navigation", { name: "Main" });
      expect(await nav.getByRole("link").allTextContents()).not.toContain("Approvals");
      await employee.goto("/review");
      await expect
        .poll(() => employee.getByRole("alert").first().textContent())
        .toMatch(/Not allowed: This needs the approvals:decide permission/);

      const phone = await browser.open("/review", { viewport: PHONE, colorScheme: "dark" });
      await signIn(phone, APPROVER);
      const item = phone.getByRole("link", { name: new RegExp(tag) });
      await expect.poll(() => item.count(), { timeout: 20_000 }).toBe(1);
      await checkAccessibility(phone, "phone: approvals inbox (dark)");
      await item.click();
      await expect.poll(() => phone.locator("blockquote").textContent()).toContain(tag);
      const overflow = await phone.evaluate<number>(
        "document.documentElement.scrollWidth - window.innerWidth",
      );
      expect(overflow, "nothing wider than the screen").toBeLessThanOrEqual(0);
      await checkAccessibility(phone, "phone: held reply (dark)");
      await phone.getByRole("button", { name: "Approve", exact: true }).click();
      await phone.getByRole("button", { name: "Approve and send" }).click();
      await expect
        .poll(() => phone.getByRole("article").getByRole("status").first().textContent())
        .toMatch(/Approved/);
      await phone.getByRole("link", { name: "Inbox" }).click();
      await expect.poll(() => phone.getByRole("link", { name: new RegExp(tag) }).count()).toBe(0);

      // The employee reads the approved draft as it was written.
      await expect.poll(() => employee.url()).toMatch(/\/review$/);
      await employee.goBack();
      await expect.poll(() => employee.getByText(/waiting for review/).count(), { timeout: 20_000 }).toBe(0);
      expect(await answerText(employee)).toMatch(/\w+/);
    },
    JOURNEY_TIMEOUT_MS,
  );
});
