import { index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns.js";
import { departments, organizations, users } from "./identity.js";

/**
 * Long-term memory extracted from a user's conversations (seed 000 `EmployeeProfile`), one per user.
 * `profileVersion` increments on every extraction so concurrent extractors can compare-and-set.
 */
export const employeeProfiles = pgTable(
  "employee_profiles",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .unique()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Copy of the user's department at extraction time, for department-scoped reads. */
    departmentId: uuid().references(() => departments.id, { onDelete: "set null" }),
    summary: text().notNull().default(""),
    currentProjects: jsonb().$type<string[]>().notNull().default([]),
    preferences: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    frequentIntents: jsonb().$type<{ intent: string; count: number }[]>().notNull().default([]),
    accessLevel: text(),
    profileVersion: integer().notNull().default(0),
    lastExtractedAt: timestamp({ withTimezone: true }),
    ...timestamps(),
  },
  (t) => [
    index("employee_profiles_org_id_idx").on(t.orgId),
    index("employee_profiles_department_id_idx").on(t.departmentId),
  ],
);
