import { and, eq, inArray, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { systemAccess } from "../../src/core/access.js";
import type { Queryable } from "../../src/db/client.js";
import { conversations } from "../../src/db/schema/index.js";
import { withTransaction } from "../../src/db/transaction.js";
import { conversationsWithMessagesMatching } from "../../src/repositories/conversation.repository.js";
import {
  conversationValues,
  makeDepartment,
  makeMessage,
  makeOrg,
  makeUser,
  messageValues,
} from "../factories/index.js";
import { useTestContainer } from "../setup/container.js";

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

/** The plan of a query with sequential scans discouraged, as on a table too big to scan. */
async function explain(db: Queryable, query: { toSQL(): { sql: string; params: unknown[] } }) {
  const { sql: text, params } = query.toSQL();
  return withTransaction(db, async (tx) => {
    await tx.execute(sql`SET LOCAL enable_seqscan = off`);
    // Bind the parameters as literals so EXPLAIN sees the same constants the real query gets.
    const literal = text.replace(
      /\$(\d+)/g,
      (_, n: string) => `'${String(params[Number(n) - 1]).replace(/'/g, "''")}'`,
    );
    const result = await tx.execute(sql.raw(`EXPLAIN ${literal}`));
    return rowsOf<Record<string, string>>(result)
      .map((r) => r["QUERY PLAN"])
      .join("\n");
  });
}

describe("conversation search", () => {
  const t = useTestContainer();
  const repos = () => t.current.container.repositories;
  let orgId: string;
  let userId: string;
  let matching: string;

  beforeAll(async () => {
    const org = await makeOrg(repos());
    const department = await makeDepartment(repos(), org.id);
    const user = await makeUser(repos(), org.id, { departmentId: department.id });
    orgId = org.id;
    userId = user.id;
    // Enough rows that scanning one organisation's messages costs more than asking the GIN index.
    const threads = await repos().conversations.createMany(
      Array.from({ length: 200 }, () => conversationValues(user, { departmentId: department.id })),
    );
    await repos().messages.createMany(
      threads.flatMap((thread, i) =>
        Array.from({ length: 10 }, (_, j) =>
          messageValues(thread, { content: `Routine message ${i}.${j} about the canteen menu and rota` }),
        ),
      ),
    );
    const needle = threads[117]!;
    await makeMessage(repos(), needle, { content: "The quartermaster reimburses zeppelin tickets" });
    matching = needle.id;
    // Statistics as a live database has them, so the planner weighs the indexes on real numbers.
    await t.current.container.database.db.execute(sql`ANALYZE messages, conversations`);
  }, 120_000);

  it("finds conversations by message text with the messages GIN index", async () => {
    const db = t.current.container.database.db;
    const subquery = conversationsWithMessagesMatching(db, orgId, "zeppelin reimbursement");
    const plan = await explain(db, subquery);
    expect(plan).toContain("messages_text_content_gin_idx");
    const whole = db
      .select({ id: conversations.id })
      .from(conversations)
      .where(and(eq(conversations.orgId, orgId), inArray(conversations.id, subquery)));
    expect(await explain(db, whole)).toContain("messages_text_content_gin_idx");
  });

  it("lists exactly the conversations whose messages match, stemmed", async () => {
    const page = await repos().conversations.pageVisible(
      orgId,
      systemAccess,
      { kind: "owner", userId },
      { q: "reimbursed zeppelins" },
      { page: 1, pageSize: 20 },
    );
    expect(page.items.map((c) => c.id)).toEqual([matching]);
    expect(page.total).toBe(1);
  });
});
