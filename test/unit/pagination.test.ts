import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "../../src/lib/errors.js";
import { newId } from "../../src/lib/ids.js";
import {
  buildCursorPage,
  buildPage,
  decodeCursor,
  encodeCursor,
  MAX_PAGE_SIZE,
  pageQuerySchema,
  toOffset,
} from "../../src/lib/pagination.js";

function validationError(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("VALIDATION");
    return error as AppError;
  }
  throw new Error("expected a VALIDATION error");
}

describe("cursor encoding", () => {
  it("round-trips any uuid", () => {
    fc.assert(
      fc.property(fc.uuid(), (id) => {
        expect(decodeCursor(encodeCursor({ id }))).toEqual({ id });
      }),
    );
    const id = newId();
    expect(decodeCursor(encodeCursor({ id }))).toEqual({ id });
  });

  it("is URL-safe and opaque", () => {
    const cursor = encodeCursor({ id: newId() });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain("=");
  });

  it("rejects garbage, non-JSON, wrong shapes and non-uuid ids as VALIDATION", () => {
    const b64 = (text: string) => Buffer.from(text).toString("base64url");
    for (const bad of [
      "",
      "!!!",
      "bm90LWpzb24",
      b64("[]"),
      b64("null"),
      b64('{"id":1}'),
      b64('{"id":"x"}'),
    ]) {
      validationError(() => decodeCursor(bad));
    }
    validationError(() => decodeCursor(encodeCursor({ id: "not-a-uuid" })));
  });

  it("never throws anything but an AppError for arbitrary input", () => {
    fc.assert(
      fc.property(fc.string(), (input) => {
        try {
          decodeCursor(input);
        } catch (error) {
          expect(error).toBeInstanceOf(AppError);
        }
      }),
    );
  });
});

describe("buildCursorPage", () => {
  const rows = (n: number) => Array.from({ length: n }, () => ({ id: newId() }));

  it("returns `limit` items and the cursor of the last one when a further row exists", () => {
    const input = rows(6);
    const page = buildCursorPage(input, 5);
    expect(page.items).toEqual(input.slice(0, 5));
    expect(page.nextCursor).not.toBeNull();
    expect(decodeCursor(page.nextCursor!)).toEqual({ id: input[4]!.id });
  });

  it("returns a null cursor on the last page", () => {
    expect(buildCursorPage(rows(5), 5).nextCursor).toBeNull();
    expect(buildCursorPage(rows(2), 5)).toMatchObject({ nextCursor: null });
    expect(buildCursorPage([], 5)).toEqual({ items: [], nextCursor: null });
  });
});

describe("offset pages", () => {
  it("computes totalPages from total and pageSize", () => {
    const query = { page: 1, pageSize: 10 };
    expect(buildPage([], query, 0).totalPages).toBe(0);
    expect(buildPage([], query, 1).totalPages).toBe(1);
    expect(buildPage([], query, 10).totalPages).toBe(1);
    expect(buildPage([], query, 11).totalPages).toBe(2);
    expect(buildPage(["a"], { page: 3, pageSize: 10 }, 25)).toEqual({
      items: ["a"],
      page: 3,
      pageSize: 10,
      total: 25,
      totalPages: 3,
    });
  });

  it("turns a page into limit and offset", () => {
    expect(toOffset({ page: 1, pageSize: 20 })).toEqual({ limit: 20, offset: 0 });
    expect(toOffset({ page: 4, pageSize: 25 })).toEqual({ limit: 25, offset: 75 });
  });

  it("parses query strings with defaults and bounds", () => {
    expect(pageQuerySchema.parse({})).toEqual({ page: 1, pageSize: 20 });
    expect(pageQuerySchema.parse({ page: "3", pageSize: "50" })).toEqual({ page: 3, pageSize: 50 });
    expect(pageQuerySchema.safeParse({ pageSize: String(MAX_PAGE_SIZE + 1) }).success).toBe(false);
    expect(pageQuerySchema.safeParse({ page: "0" }).success).toBe(false);
    expect(pageQuerySchema.safeParse({ page: "1.5" }).success).toBe(false);
    expect(pageQuerySchema.safeParse({ pageSize: "abc" }).success).toBe(false);
  });
});
