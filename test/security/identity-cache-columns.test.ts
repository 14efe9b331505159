import { getTableColumns } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sessions, users } from "../../src/db/schema/index.js";
import { SESSION_COLUMNS, SESSION_SECRET_COLUMNS } from "../../src/repositories/identity.repositories.js";
import { USER_COLUMNS, USER_SECRET_COLUMNS } from "../../src/repositories/user.repository.js";

/**
 * Finding 7: user and session rows are read (and cached) through an explicit column set. A column
 * added to either table must be put in that set or declared secret, on purpose.
 */
describe("security: identity rows carry an explicit column set", () => {
  it.each([
    ["users", users, USER_COLUMNS, USER_SECRET_COLUMNS],
    ["sessions", sessions, SESSION_COLUMNS, SESSION_SECRET_COLUMNS],
  ] as const)(
    "every column of %s is either read with the row or declared secret",
    (_name, table, columns, secret) => {
      const all = Object.keys(getTableColumns(table)).sort();
      expect([...Object.keys(columns), ...secret].sort()).toEqual(all);
      for (const name of secret) expect(Object.keys(columns)).not.toContain(name);
    },
  );
});
