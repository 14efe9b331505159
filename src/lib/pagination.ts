import { z } from "zod";
import { AppError } from "./errors.js";

export const MAX_PAGE_SIZE = 100;

export const pageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20),
});
export type PageQuery = z.infer<typeof pageQuerySchema>;

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
  totalPages: number;
}

export function toOffset({ page, pageSize }: PageQuery): { limit: number; offset: number } {
  return { limit: pageSize, offset: (page - 1) * pageSize };
}

export function buildPage<T>(items: T[], query: PageQuery, total: number): Page<T> {
  return {
    items,
    page: query.page,
    pageSize: query.pageSize,
    total,
    totalPages: Math.ceil(total / query.pageSize),
  };
}

/**
 * Keyset position: the id of the last row seen. Ids are UUID v7, so id order is creation order with no
 * ties, and the cursor needs no timestamp (whose microseconds a JS Date would lose).
 */
export interface Cursor {
  id: string;
}

export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

const cursorSchema = z.object({ id: z.uuid() });

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

export function decodeCursor(value: string): Cursor {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(value, "base64url").toString("utf8")));
  } catch {
    throw new AppError("VALIDATION", "The cursor is not valid; start again without one");
  }
}

/** Given `limit + 1` rows, returns `limit` of them and the cursor of the last one when more exist. */
export function buildCursorPage<T extends { id: string }>(rows: T[], limit: number): CursorPage<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const nextCursor = rows.length > limit && last ? encodeCursor({ id: last.id }) : null;
  return { items, nextCursor };
}
