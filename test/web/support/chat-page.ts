import type { Page } from "playwright-core";
import { expect } from "vitest";
import { web } from "./browser.js";

/** Starts a new conversation with `assistant` from /chat and asks `question`; returns its id. */
export async function askNew(page: Page, question: string, assistant = web().testAgent): Promise<string> {
  if (!page.url().endsWith("/chat")) await page.goto("/chat?new=true");
  const picker = page.getByRole("button", { name: /Assistant/ }).first();
  await expect.poll(() => picker.isVisible()).toBe(true);
  if (!(await picker.textContent())?.includes(assistant)) {
    await picker.click();
    await page.getByRole("option", { name: new RegExp(`^${assistant}`) }).click();
  }
  await page.getByLabel("Your question").fill(question);
  await page.getByRole("button", { name: "Send" }).click();
  await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
  return page.url().split("/").pop()!;
}

/** The newest assistant reply on the page (live or stored). */
export const lastAnswer = (page: Page) => page.getByRole("article", { name: "Assistant" }).last();

export async function answerText(page: Page): Promise<string> {
  return (await lastAnswer(page).textContent()) ?? "";
}
