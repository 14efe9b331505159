import { describe, expect, it } from "vitest";
import { checkAccessibility, EMPLOYEE, signIn, useBrowser, web } from "./support/browser.js";
import { answerText, askNew, lastAnswer } from "./support/chat-page.js";
import { QUESTIONS, SLOW_WORDS } from "./support/model-server.js";
import { apiCall, tokenFor } from "./support/server.js";

const wordsIn = (text: string) => (text.match(/word\d+/g) ?? []).length;

/** Chat journeys with the Test Assistant, whose scripted model answers by the question (support/). */
describe("journey: chat", () => {
  const browser = useBrowser();

  async function employeePage() {
    const page = await browser.open("/chat");
    await signIn(page, EMPLOYEE);
    return page;
  }

  it("streams the answer token by token and shows tool steps as they happen", async () => {
    const page = await employeePage();
    await askNew(page, QUESTIONS.tool);
    const step = lastAnswer(page).getByRole("list", { name: "Tool steps" }).getByRole("listitem");
    await expect.poll(() => step.textContent()).toMatch(/current_datetime/);
    await expect.poll(() => answerText(page), { timeout: 20_000 }).toMatch(/The tool says what day it is/);
    expect(await step.textContent()).toMatch(/done/);

    // Count the words of the answer at every change the page renders (in the page, so a busy test
    // process cannot miss any): a streamed answer grows through many sizes, a buffered one jumps.
    await page.evaluate(`(() => {
      window.__sizes = [];
      const messages = document.querySelector(".messages");
      new MutationObserver(() => {
        const answers = messages.querySelectorAll('article[aria-label="Assistant"]');
        const text = answers[answers.length - 1]?.textContent ?? "";
        window.__sizes.push((text.match(/word\\d+/g) ?? []).length);
      }).observe(messages, { subtree: true, childList: true, characterData: true });
    })()`);
    await page.getByLabel("Your question").fill(QUESTIONS.slow);
    await page.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => answerText(page), { timeout: 30_000 }).toContain(`word${SLOW_WORDS}`);
    const sizes = await page.evaluate<number[]>("window.__sizes");
    const partial = new Set(sizes.filter((n) => n > 0 && n < SLOW_WORDS));
    expect(partial.size, `partial answers rendered: ${[...partial].join(",")}`).toBeGreaterThanOrEqual(5);
    await checkAccessibility(page, "conversation with tool steps");
  });

  it("stops generating on request and keeps what was said", async () => {
    const page = await employeePage();
    await askNew(page, QUESTIONS.verySlow);
    await expect.poll(() => answerText(page)).toMatch(/word5\b/);
    await page.getByRole("button", { name: "Stop generating" }).click();
    await expect.poll(() => answerText(page)).toMatch(/The answer was stopped/);
    expect(await answerText(page)).not.toContain(`word${SLOW_WORDS}`);
    await expect.poll(() => page.getByRole("button", { name: "Send" }).count()).toBe(1);
  });

  it("resumes an answer after the page is reloaded mid-answer", async () => {
    const page = await employeePage();
    const id = await askNew(page, QUESTIONS.slow);
    await expect.poll(() => answerText(page)).toMatch(/word10\b/);
    await page.reload();
    await expect.poll(() => answerText(page), { timeout: 30_000 }).toContain(`word${SLOW_WORDS}`);
    expect(wordsIn(await answerText(page))).toBe(SLOW_WORDS);
    expect(await page.getByRole("article", { name: "You" }).count(), "the question shows once").toBe(1);
    const token = await tokenFor(web().baseUrl, EMPLOYEE, web().password);
    const messages = () =>
      apiCall<{ items: { role: string; content: string }[] }>(
        web().baseUrl,
        "GET",
        `/conversations/${id}/messages`,
        { token },
      );
    // The last words reach the page a moment before the answer is stored: poll the stored list.
    await expect.poll(async () => (await messages()).items.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(wordsIn((await messages()).items[1]!.content)).toBe(SLOW_WORDS);
  });

  it("takes feedback with a comment on a reply", async () => {
    const page = await employeePage();
    const id = await askNew(page, "How many days of annual leave do I get?");
    await expect.poll(() => answerText(page)).toMatch(/Sources/);
    await lastAnswer(page).getByRole("button", { name: "Not helpful" }).click();
    await lastAnswer(page).getByLabel("Comment (optional)").fill("Please mention part-time staff.");
    await lastAnswer(page).getByRole("button", { name: "Send comment" }).click();
    await expect.poll(() => answerText(page)).toMatch(/Thanks for your feedback/);
    await page.reload();
    const thumb = lastAnswer(page).getByRole("button", { name: "Not helpful" });
    await expect.poll(() => thumb.getAttribute("aria-pressed")).toBe("true");
    const token = await tokenFor(web().baseUrl, EMPLOYEE, web().password);
    const stored = await apiCall<{
      items: { role: string; feedback: { rating: number; comment: string } | null }[];
    }>(web().baseUrl, "GET", `/conversations/${id}/messages`, { token });
    expect(stored.items.at(-1)?.feedback).toMatchObject({
      rating: -1,
      comment: "Please mention part-time staff.",
    });
  });

  it("finds conversations by title and by message text, and closes and reopens one", async () => {
    const page = await employeePage();
    const tag = `quokka${Date.now().toString(36)}`;
    await askNew(page, `About ${tag}: how many days of annual leave do I get?`);
    await expect.poll(() => answerText(page)).toMatch(/Sources/);
    const word = `narwhal${Date.now().toString(36)}`;
    await page.getByLabel("Your question").fill(`And what about the ${word} rule?`);
    await page.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => page.getByRole("article", { name: "Assistant" }).count()).toBe(2);
    await askNew(page, "Where do I report expenses?");

    const search = page.getByRole("searchbox", { name: "Search conversations" });
    const items = page.getByRole("navigation", { name: "Conversations" }).getByRole("listitem");
    await search.fill(tag);
    await expect.poll(() => items.count()).toBe(1);
    expect(await items.first().textContent()).toContain(tag);
    await search.fill(word); // in a message, not in the title
    await expect.poll(() => items.count()).toBe(1);
    expect(await items.first().textContent()).toContain(tag);
    await items.first().getByRole("link").click();

    await page.getByRole("button", { name: "Conversation actions" }).click();
    await page.getByRole("menuitem", { name: "Close conversation" }).click();
    await expect.poll(() => page.getByText("This conversation is closed.").count()).toBe(1);
    expect(await page.getByLabel("Your question").count()).toBe(0);
    await page.getByRole("button", { name: "Reopen" }).click();
    await expect.poll(() => page.getByLabel("Your question").count()).toBe(1);
  });

  it("renders HTML and scripts in model output as text, never as markup", async () => {
    const page = await employeePage();
    await askNew(page, QUESTIONS.unsafe);
    // Polled, not read once: on a busy machine the streamed answer is re-rendered from the stored
    // message after it ends, and a read in between sees the "answering" state.
    await expect.poll(() => answerText(page)).toMatch(/bold/);
    await expect.poll(() => answerText(page)).toContain('<img src="x" onerror="window.__xss=1">');
    await expect.poll(() => answerText(page)).toContain("<script>window.__xss=2</script>");
    const answer = lastAnswer(page);
    expect(await answer.locator("img, script").count()).toBe(0);
    expect(await answer.locator("strong").textContent(), "Markdown itself still renders").toBe("bold");
    const link = answer.getByRole("link", { name: "a link" });
    expect(await link.getAttribute("href"), "javascript: URLs are dropped").toBe("");
    await page.reload();
    await expect.poll(() => answerText(page)).toMatch(/bold/);
    expect(await page.evaluate("window.__xss")).toBeUndefined();
  });
});
