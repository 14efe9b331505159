import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { departments, organizations } from "../../src/db/schema/index.js";
import { afterCommit, withTransaction } from "../../src/db/transaction.js";
import { AppError } from "../../src/lib/errors.js";
import { newId } from "../../src/lib/ids.js";
import {
  knowledgeBaseValues,
  makeDepartment,
  makeOrg,
  makeUser,
  type OrgRow,
  unique,
} from "../factories/index.js";
import { useTestContainer } from "../setup/container.js";

describe("transactions", () => {
  const t = useTestContainer();
  const repos = () => t.current.container.repositories;
  const db = () => t.current.container.database.db;
  let org: OrgRow;

  beforeAll(async () => {
    org = await makeOrg(repos());
  });

  const orgBySlug = (slug: string) => repos().organizations.findOne(eq(organizations.slug, slug));
  const departmentBySlug = (slug: string) => repos().departments.findOne(eq(departments.slug, slug));

  it("commits every write when the work succeeds", async () => {
    const slug = unique("committed");
    const result = await withTransaction(db(), async (tx) => {
      const created = await makeOrg(repos(), { slug }, tx);
      await makeDepartment(repos(), created.id, { slug: `${slug}-d` }, tx);
      return created.id;
    });
    expect((await orgBySlug(slug))?.id).toBe(result);
    expect(await departmentBySlug(`${slug}-d`)).toBeDefined();
  });

  it("persists nothing when the work throws after several inserts", async () => {
    const slug = unique("rolled-back");
    const boom = new Error("boom");
    await expect(
      withTransaction(db(), async (tx) => {
        const created = await makeOrg(repos(), { slug }, tx);
        await makeDepartment(repos(), created.id, { slug: `${slug}-1` }, tx);
        await makeDepartment(repos(), created.id, { slug: `${slug}-2` }, tx);
        await makeUser(repos(), created.id, {}, tx);
        // Visible inside the transaction…
        expect(await repos().departments.count(eq(departments.orgId, created.id), tx)).toBe(2);
        throw boom;
      }),
    ).rejects.toBe(boom);
    // …and gone after it.
    expect(await orgBySlug(slug)).toBeUndefined();
    expect(await departmentBySlug(`${slug}-1`)).toBeUndefined();
    expect(await departmentBySlug(`${slug}-2`)).toBeUndefined();
  });

  it("rolls back earlier inserts when a foreign key fails mid-transaction, as an AppError", async () => {
    const slug = unique("fk-fail");
    const error = await withTransaction(db(), async (tx) => {
      await makeDepartment(repos(), org.id, { slug }, tx);
      await repos().knowledgeBases.create(knowledgeBaseValues({ id: newId(), orgId: org.id }), tx);
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("VALIDATION");
    expect(await departmentBySlug(slug)).toBeUndefined();
  });

  it("a failed nested transaction rolls back to its savepoint and the outer one commits", async () => {
    const slug = unique("outer");
    await withTransaction(db(), async (tx) => {
      await makeDepartment(repos(), org.id, { slug: `${slug}-before` }, tx);
      const inner = await withTransaction(tx, async (nested) => {
        await makeDepartment(repos(), org.id, { slug: `${slug}-inner` }, nested);
        // A database error inside the savepoint: the outer transaction must stay usable.
        await makeDepartment(repos(), org.id, { slug: `${slug}-before` }, nested);
      }).catch((e: unknown) => e);
      expect(inner).toBeInstanceOf(AppError);
      expect((inner as AppError).code).toBe("CONFLICT");
      await makeDepartment(repos(), org.id, { slug: `${slug}-after` }, tx);
    });
    expect(await departmentBySlug(`${slug}-before`)).toBeDefined();
    expect(await departmentBySlug(`${slug}-inner`)).toBeUndefined();
    expect(await departmentBySlug(`${slug}-after`)).toBeDefined();
  });

  it("a successful nested transaction is undone when the outer one fails", async () => {
    const slug = unique("nested-ok");
    await expect(
      withTransaction(db(), async (tx) => {
        await withTransaction(tx, async (nested) => {
          await makeDepartment(repos(), org.id, { slug }, nested);
        });
        expect(await repos().departments.findOne(eq(departments.slug, slug), tx)).toBeDefined();
        // Another connection cannot see it yet. (PGlite has one connection, which the transaction holds:
        // a query outside it would wait for the transaction to end.)
        if (t.current.container.database.kind === "postgres")
          expect(await departmentBySlug(slug)).toBeUndefined();
        throw new Error("outer fails");
      }),
    ).rejects.toThrow("outer fails");
    expect(await departmentBySlug(slug)).toBeUndefined();
  });

  it("afterCommit hooks run once the outermost transaction commits, and never after a rollback", async () => {
    const events: string[] = [];
    const record = (event: string) => async () => {
      events.push(event);
    };
    await withTransaction(db(), async (tx) => {
      expect(afterCommit(tx, record("outer"))).toBe(true);
      await withTransaction(tx, async (nested) => {
        afterCommit(nested, record("nested"));
      });
      expect(events).toEqual([]);
    });
    expect(events).toEqual(["outer", "nested"]);

    events.length = 0;
    await expect(
      withTransaction(db(), async (tx) => {
        afterCommit(tx, record("rolled back"));
        throw new Error("no");
      }),
    ).rejects.toThrow("no");
    expect(events).toEqual([]);
    expect(afterCommit(db(), record("no transaction"))).toBe(false);

    const failing = await withTransaction(db(), async (tx) => {
      afterCommit(tx, () => Promise.reject(new Error("hook failed")));
      afterCommit(tx, record("still runs"));
      return "committed";
    });
    expect(failing).toBe("committed");
    expect(events).toEqual(["still runs"]);
  });

  it("cached reads inside a transaction see uncommitted rows and never cache them", async () => {
    const email = `${unique("tx-user")}@example.test`;
    let id = "";
    await expect(
      withTransaction(db(), async (tx) => {
        const user = await makeUser(repos(), org.id, { email }, tx);
        id = user.id;
        expect((await repos().users.findById(id, tx))?.email).toBe(email);
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect(await repos().users.findById(id)).toBeUndefined();
    expect(await t.current.container.cache.get(`user:${id}`)).toBeUndefined();
  });
});
