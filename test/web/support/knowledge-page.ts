import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";

export const HEAD = "hr.head@demo.atrium.local";

/**
 * Drags files from disk onto the page's drop zone as a person dragging them from their desktop
 * would: Chromium's own drag and drop (DevTools protocol), so the page gets real file entries (a
 * DataTransfer built in script has none, and drop zones skip such items).
 */
export async function dropFiles(page: Page, files: { name: string; text: string }[]) {
  const dir = mkdtempSync(join(tmpdir(), "atrium-drop-"));
  const paths = files.map((f) => {
    const path = join(dir, f.name);
    writeFileSync(path, f.text);
    return path;
  });
  const box = await page.locator(".drop-zone").boundingBox();
  if (!box) throw new Error("no drop zone on the page");
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  const cdp = await page.context().newCDPSession(page);
  const data = { items: [], files: paths, dragOperationsMask: 1 };
  for (const type of ["dragEnter", "dragOver", "drop"] as const) {
    await cdp.send("Input.dispatchDragEvent", { type, x, y, data });
  }
  await cdp.detach();
}

/** The Documents table's row of the document titled `title`. */
export const documentRow = (page: Page, title: string) =>
  page.getByRole("grid", { name: "Documents" }).getByRole("row").filter({ hasText: title });

/** Nothing on the page is wider than the screen. */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
}
