import { beforeAll, describe, expect, it } from "vitest";
import { addMember, call, createDepartment, seedKnowledge, signUp, useChatApp } from "./chat-helpers.js";
import type { Tenant } from "./identity-helpers.js";

const SECTIONS = Array.from(
  { length: 6 },
  (_, i) =>
    `## Section ${i + 1}\n\n${`Rule ${i + 1} says the office opens at ${i + 7} o'clock. `.repeat(40)}`,
).join("\n\n");

/** What a citation opens: the cited passage in its document, read in order. */
describe("GET /documents/:id/chunks", () => {
  const t = useChatApp();
  let tenant: Tenant;
  let documentId: string;

  beforeAll(async () => {
    tenant = await signUp(t);
    ({ documentId } = await seedKnowledge(t, tenant.token, tenant.generalId, "Office hours", SECTIONS));
  });

  it("lists the chunks in reading order with their text and synthetic questions, paged", async () => {
    const first = await call(t, "GET", `/documents/${documentId}/chunks?pageSize=2`, { token: tenant.token });
    expect(first.status).toBe(200);
    expect(first.body.total).toBeGreaterThan(2);
    expect(first.body.items).toHaveLength(2);
    const all = await call(t, "GET", `/documents/${documentId}/chunks?pageSize=100`, { token: tenant.token });
    const ordinals = all.body.items.map((c: { ordinal: number }) => c.ordinal);
    expect(ordinals).toEqual([...ordinals].sort((a, b) => a - b));
    expect(all.body.items.map((c: { content: string }) => c.content).join(" ")).toContain("Rule 6 says");
    expect(all.body.items[0]).toMatchObject({
      id: expect.any(String),
      tokenCount: expect.any(Number),
      syntheticQuestions: expect.any(Array),
      metadata: expect.any(Object),
    });
    expect(all.body.items[0]).not.toHaveProperty("embedding");
    const second = await call(t, "GET", `/documents/${documentId}/chunks?pageSize=2&page=2`, {
      token: tenant.token,
    });
    expect(second.body.items[0].ordinal).toBe(all.body.items[2].ordinal);
  });

  it("answers 404 to someone outside the document's department, like a missing document", async () => {
    const other = await createDepartment(t, tenant.token, "Elsewhere");
    const outsider = await addMember(t, tenant.token, other, "employee");
    const res = await call(t, "GET", `/documents/${documentId}/chunks`, { token: outsider.token });
    expect(res.status).toBe(404);
    const missing = await call(t, "GET", "/documents/01a25013-f418-7089-8991-d089aaaac2f5/chunks", {
      token: tenant.token,
    });
    expect(missing.status).toBe(404);
  });
});
