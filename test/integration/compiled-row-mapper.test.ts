import { desc, eq, getTableColumns, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Access } from "../../src/core/access.js";
import { compileRowMapper } from "../../src/db/compiled-row-mapper.js";
import { departments, organizations } from "../../src/db/schema/index.js";
import { withTransaction } from "../../src/db/transaction.js";
import { makeDepartment, makeOrg } from "../factories/index.js";
import { useTestContainer } from "../setup/container.js";

const everything = (excluded: string[] = []): Access => ({
  permissions: new Set(),
  allDepartments: true,
  departmentIds: new Set(),
  excludedDepartmentIds: new Set(excluded),
});

/** The compiled row mapper of prepared statements gives exactly what Drizzle's generic mapping gives. */
describe("compiled row mapper", () => {
  const t = useTestContainer();
  const repos = () => t.current.container.repositories;

  async function seed() {
    const org = await makeOrg(repos());
    const rows = [];
    for (let i = 0; i < 5; i++) {
      rows.push(
        await makeDepartment(repos(), org.id, {
          color: i % 2 ? null : "#123456",
          settings: i === 3 ? {} : { nested: { list: [i, "x", null] }, flag: i > 2 },
        }),
      );
    }
    await repos().departments.update(rows[1]!.id, { isArchived: true, archivedAt: new Date() });
    return { org, rows };
  }

  it("is installed on a plain select, and not where Drizzle's null-table rule is needed", () => {
    const db = t.current.container.database.db;
    const plain = db
      .select({ row: getTableColumns(departments), total: sql<number>`count(*) over()`.mapWith(Number) })
      .from(departments)
      .prepare("compiled_mapper_plain");
    expect(compileRowMapper(plain)).toBe(true);
    const joined = db
      .select()
      .from(departments)
      .leftJoin(organizations, eq(organizations.id, departments.orgId))
      .prepare("compiled_mapper_joined");
    expect(compileRowMapper(joined)).toBe(false);
  });

  it("maps the department page (prepared, compiled) exactly as the query builder does", async () => {
    const { org, rows } = await seed();
    for (const [access, includeArchived] of [
      [everything(), false],
      [everything(), true],
      [everything([rows[0]!.id]), true],
      [{ ...everything(), allDepartments: false, departmentIds: new Set([rows[2]!.id, rows[3]!.id]) }, true],
    ] as const) {
      const filter = { includeArchived };
      const query = { page: 1, pageSize: 3 };
      // The root database takes the prepared statement; inside a transaction the builder runs instead.
      const prepared = await repos().departments.pageVisible(org.id, access, filter, query);
      const built = await withTransaction(t.current.container.database.db, (tx) =>
        repos().departments.pageVisible(org.id, access, filter, query, tx),
      );
      expect(prepared).toEqual(built);
      expect(prepared.items.length).toBeGreaterThan(0);
      for (const item of prepared.items) {
        expect(item.createdAt).toBeInstanceOf(Date);
        expect(typeof item.settings).toBe("object");
      }
    }
    const direct = await t.current.container.database.db
      .select()
      .from(departments)
      .where(eq(departments.orgId, org.id))
      .orderBy(desc(departments.createdAt), desc(departments.id));
    const page = await repos().departments.pageVisible(
      org.id,
      everything(),
      { includeArchived: true },
      {
        page: 1,
        pageSize: 10,
      },
    );
    expect(page.items).toEqual(direct);
    expect(page.total).toBe(5);
  });
});
