import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../src/lib/errors.js";
import { newId } from "../../src/lib/ids.js";
import {
  type DepartmentRow,
  feedbackValues,
  knowledgeBaseValues,
  makeConversation,
  makeDepartment,
  makeMessage,
  makeOrg,
  makeUser,
  type OrgRow,
  userValues,
} from "../factories/index.js";
import { useTestContainer } from "../setup/container.js";

/** Runs `action`, expects it to reject with an AppError (never a raw driver error) and returns it. */
async function appError(action: () => Promise<unknown>): Promise<AppError> {
  const error = await action().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "expected the call to reject").toBeDefined();
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("repositories: database rules surface as AppErrors", () => {
  const t = useTestContainer();
  let org: OrgRow;
  let department: DepartmentRow;
  const repos = () => t.current.container.repositories;

  beforeAll(async () => {
    org = await makeOrg(repos());
    department = await makeDepartment(repos(), org.id, { slug: "hr" });
  });

  it("a duplicate department slug in one organisation is a CONFLICT naming the constraint", async () => {
    const error = await appError(() => makeDepartment(repos(), org.id, { slug: "hr" }));
    expect(error.code).toBe("CONFLICT");
    expect(error.status).toBe(409);
    expect(error.details).toEqual({ constraint: "departments_org_slug_uq" });
    expect(error.message).not.toContain("hr");
    // The same slug in another organisation is fine.
    const other = await makeOrg(repos());
    await expect(makeDepartment(repos(), other.id, { slug: "hr" })).resolves.toMatchObject({ slug: "hr" });
  });

  it("a duplicate e-mail in one organisation is a CONFLICT on users_org_email_uq", async () => {
    const user = await makeUser(repos(), org.id);
    const error = await appError(() => repos().users.create(userValues(org.id, { email: user.email })));
    expect(error).toMatchObject({ code: "CONFLICT", details: { constraint: "users_org_email_uq" } });
  });

  it("an update that collides with a unique value is a CONFLICT too", async () => {
    const second = await makeDepartment(repos(), org.id);
    const error = await appError(() => repos().departments.update(second.id, { slug: department.slug }));
    expect(error).toMatchObject({ code: "CONFLICT", details: { constraint: "departments_org_slug_uq" } });
    expect((await repos().departments.findById(second.id))?.slug).toBe(second.slug);
  });

  it("a foreign key to a missing row is a VALIDATION error naming the constraint", async () => {
    const error = await appError(() =>
      repos().knowledgeBases.create(knowledgeBaseValues({ id: newId(), orgId: org.id })),
    );
    expect(error.code).toBe("VALIDATION");
    expect(error.status).toBe(400);
    expect(error.details?.constraint).toMatch(/^knowledge_bases_department_id_.*fk$/);
    expect(await repos().knowledgeBases.count(undefined)).toBe(0);
  });

  it("a foreign key to a missing row on update is a VALIDATION error", async () => {
    const user = await makeUser(repos(), org.id);
    const error = await appError(() => repos().users.update(user.id, { departmentId: newId() }));
    expect(error.code).toBe("VALIDATION");
    expect(error.details?.constraint).toMatch(/^users_department_id_/);
  });

  it("a missing required value is a VALIDATION error", async () => {
    const error = await appError(() =>
      repos().departments.create({ orgId: org.id, slug: "no-name", name: null as unknown as string }),
    );
    expect(error.code).toBe("VALIDATION");
    expect(error.message).toMatch(/required/i);
  });

  it("text that is not a uuid is a VALIDATION error, on reads and writes", async () => {
    const read = await appError(() => repos().departments.findById("not-a-uuid"));
    expect(read.code).toBe("VALIDATION");
    const cachedRead = await appError(() => repos().users.findById("also-not-a-uuid"));
    expect(cachedRead.code).toBe("VALIDATION");
    const write = await appError(() => makeDepartment(repos(), "definitely-not-a-uuid"));
    expect(write.code).toBe("VALIDATION");
  });

  it("a broken check constraint is a VALIDATION error naming it", async () => {
    const user = await makeUser(repos(), org.id);
    const conversation = await makeConversation(repos(), user);
    const message = await makeMessage(repos(), conversation);
    const error = await appError(() =>
      repos().feedback.create(feedbackValues(message, user.id, { rating: 5 })),
    );
    expect(error).toMatchObject({ code: "VALIDATION", details: { constraint: "feedback_rating_check" } });
  });

  it("an invalid enum value is a VALIDATION error", async () => {
    const user = await makeUser(repos(), org.id);
    const error = await appError(() => repos().users.update(user.id, { role: "superuser" as "admin" }));
    expect(error.code).toBe("VALIDATION");
  });

  it("a value out of range is a VALIDATION error", async () => {
    const user = await makeUser(repos(), org.id);
    const error = await appError(() => repos().users.update(user.id, { tokenVersion: 2 ** 40 }));
    expect(error.code).toBe("VALIDATION");
  });

  it("a programming error (unknown column) is not disguised as a client error", async () => {
    const error = await repos()
      .departments.findOne(sql`no_such_column = 1`)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const status = error instanceof AppError ? error.status : 500;
    expect(status).toBe(500);
  });
});
