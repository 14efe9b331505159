import { and, eq, gt } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { notifications } from "../../src/db/schema/index.js";
import { AppError } from "../../src/lib/errors.js";
import { encodeCursor } from "../../src/lib/pagination.js";
import {
  makeConversation,
  makeNotification,
  makeOrg,
  makeUser,
  notificationValues,
  type UserRow,
} from "../factories/index.js";
import { useTestContainer } from "../setup/container.js";

const TOTAL = 25;

describe("repositories: pagination", () => {
  const t = useTestContainer();
  const repos = () => t.current.container.repositories;
  let user: UserRow;
  let other: UserRow;
  /** Ids of the user's notifications in creation order. */
  const created: string[] = [];

  beforeAll(async () => {
    const org = await makeOrg(repos());
    user = await makeUser(repos(), org.id);
    other = await makeUser(repos(), org.id);
    for (let i = 0; i < TOTAL; i++)
      created.push((await makeNotification(repos(), user, { title: `n${i}` })).id);
    // Rows of another user that every filtered query must leave out.
    await repos().notifications.createMany([0, 1, 2].map(() => notificationValues(other)));
  });

  const mine = () => eq(notifications.userId, user.id);

  describe("offset pages", () => {
    it("report page, pageSize, total and totalPages, newest first, without overlap", async () => {
      const seen: string[] = [];
      const expectedSizes = [10, 10, 5];
      for (const [index, size] of expectedSizes.entries()) {
        const page = await repos().notifications.page(mine(), { page: index + 1, pageSize: 10 });
        expect(page).toMatchObject({ page: index + 1, pageSize: 10, total: TOTAL, totalPages: 3 });
        expect(page.items).toHaveLength(size);
        expect(page.items.every((n) => n.userId === user.id)).toBe(true);
        seen.push(...page.items.map((n) => n.id));
      }
      expect(new Set(seen).size).toBe(TOTAL);
      expect(seen).toEqual([...created].reverse());
    });

    it("sorts by createdAt descending", async () => {
      const page = await repos().notifications.page(mine(), { page: 1, pageSize: 100 });
      const times = page.items.map((n) => n.createdAt.getTime());
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(page.items[0]?.title).toBe(`n${TOTAL - 1}`);
    });

    it("returns an empty page past the end with the real totals", async () => {
      const page = await repos().notifications.page(mine(), { page: 4, pageSize: 10 });
      expect(page).toEqual({ items: [], page: 4, pageSize: 10, total: TOTAL, totalPages: 3 });
    });

    it("counts only matching rows", async () => {
      const page = await repos().notifications.page(eq(notifications.userId, other.id), {
        page: 1,
        pageSize: 2,
      });
      expect(page).toMatchObject({ total: 3, totalPages: 2 });
      expect(page.items).toHaveLength(2);
      const none = await repos().notifications.page(and(mine(), gt(notifications.title, "zzz")), {
        page: 1,
        pageSize: 10,
      });
      expect(none).toEqual({ items: [], page: 1, pageSize: 10, total: 0, totalPages: 0 });
    });
  });

  describe("keyset pages (pageAfter)", () => {
    it("walks every row exactly once, newest first, ending with a null cursor", async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await repos().notifications.pageAfter(mine(), { cursor, limit: 7 });
        pages++;
        expect(page.items.length).toBeLessThanOrEqual(7);
        seen.push(...page.items.map((n) => n.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor && pages < 10);
      expect(pages).toBe(4);
      expect(seen).toEqual([...created].reverse());
    });

    it("gives a null cursor when the rows fit exactly in one page", async () => {
      const page = await repos().notifications.pageAfter(eq(notifications.userId, other.id), { limit: 3 });
      expect(page.items).toHaveLength(3);
      expect(page.nextCursor).toBeNull();
    });

    it("stays stable when rows are inserted mid-walk", async () => {
      const first = await repos().notifications.pageAfter(mine(), { limit: 10 });
      expect(first.items.map((n) => n.id)).toEqual([...created].reverse().slice(0, 10));
      const inserted: string[] = [];
      for (let i = 0; i < 3; i++)
        inserted.push((await makeNotification(repos(), user, { title: `late${i}` })).id);

      const seen = first.items.map((n) => n.id);
      let cursor = first.nextCursor ?? undefined;
      while (cursor) {
        const page = await repos().notifications.pageAfter(mine(), { cursor, limit: 10 });
        seen.push(...page.items.map((n) => n.id));
        cursor = page.nextCursor ?? undefined;
      }
      expect(seen).toEqual([...created].reverse());
      expect(seen.some((id) => inserted.includes(id))).toBe(false);

      // A new walk sees the new rows first.
      const fresh = await repos().notifications.pageAfter(mine(), { limit: 3 });
      expect(fresh.items.map((n) => n.id)).toEqual([...inserted].reverse());
      await repos().notifications.deleteWhere(and(mine(), gt(notifications.id, created.at(-1)!)));
      expect(await repos().notifications.count(mine())).toBe(TOTAL);
    });

    it("rejects a garbage cursor with a VALIDATION AppError", async () => {
      for (const cursor of ["garbage!", "bm90LWpzb24", encodeCursor({ id: "not-a-uuid" })]) {
        const error = await repos()
          .notifications.pageAfter(mine(), { cursor, limit: 5 })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).code).toBe("VALIDATION");
      }
    });

    it("pages conversations of a user through ConversationRepository.listForUser", async () => {
      const conversations: string[] = [];
      for (let i = 0; i < 5; i++) conversations.push((await makeConversation(repos(), user)).id);
      await makeConversation(repos(), other);
      const first = await repos().conversations.listForUser(user.orgId, user.id, { limit: 3 });
      const second = await repos().conversations.listForUser(user.orgId, user.id, {
        cursor: first.nextCursor!,
        limit: 3,
      });
      expect(second.nextCursor).toBeNull();
      expect([...first.items, ...second.items].map((c) => c.id)).toEqual([...conversations].reverse());
    });
  });
});
