import { beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../src/lib/errors.js";
import { makeDepartment, makeKnowledgeBase, makeOrg, makeUser } from "../factories/index.js";
import { buildKnowledgeServices, RecordingQueue, useServiceHarness } from "../setup/service-harness.js";

/**
 * The knowledge services built alone (test/setup/service-harness.ts): real repositories on a private
 * database, a recording job queue in place of the real one.
 */
describe("knowledge services, built alone with a fake job queue", () => {
  const h = useServiceHarness();
  let user: { id: string; orgId: string };
  let departmentId: string;
  let knowledgeBaseId: string;
  const writer = () =>
    h.contextOf(user, {
      permissions: new Set(["kb:read", "kb:write"]),
      departmentIds: new Set([departmentId]),
    });

  beforeAll(async () => {
    const r = h.repositories;
    const org = await makeOrg(r);
    const department = await makeDepartment(r, org.id);
    departmentId = department.id;
    user = await makeUser(r, org.id, { departmentId });
    knowledgeBaseId = (await makeKnowledgeBase(r, department, { createdById: user.id })).id;
  });

  it("queues the ingestion of a new document on the queue it was given, once per revision", async () => {
    const queue = new RecordingQueue();
    const { documents } = buildKnowledgeServices(h, { queue });

    const added = await documents.addText(writer(), knowledgeBaseId, {
      title: "Leave policy",
      body: "Parental leave is twenty weeks.",
    });

    expect(added.created).toBe(true);
    expect(queue.enqueued).toEqual([
      {
        kind: "document.ingest",
        payload: { documentId: added.document.id, orgId: user.orgId, revision: 1 },
        options: { dedupeKey: `document.ingest:${added.document.id}:1` },
      },
    ]);
    // The real queue was never reached: no job row exists.
    expect(await h.repositories.jobs.count(undefined)).toBe(0);
    expect(await h.repositories.documents.findById(added.document.id)).toMatchObject({
      status: "pending",
      knowledgeBaseId,
    });

    // The same text again is the same document: nothing new is queued.
    const again = await documents.addText(writer(), knowledgeBaseId, {
      title: "Leave policy",
      body: "Parental leave is twenty weeks.",
    });
    expect(again).toMatchObject({ created: false, document: { id: added.document.id } });
    expect(queue.enqueued).toHaveLength(1);
  });

  it("enqueues in the document's transaction: a queue that refuses leaves no document behind", async () => {
    const queue = new RecordingQueue();
    queue.refuse = new AppError("UNAVAILABLE", "the queue is down");
    const { documents } = buildKnowledgeServices(h, { queue });
    const before = await h.repositories.documents.count(undefined);

    await expect(
      documents.addText(writer(), knowledgeBaseId, { title: "Orphan", body: "Never stored." }),
    ).rejects.toMatchObject({ code: "UNAVAILABLE" });

    expect(await h.repositories.documents.count(undefined)).toBe(before);
    expect(queue.enqueued).toEqual([]);
  });

  it("refuses a caller without kb:write before anything is queued", async () => {
    const queue = new RecordingQueue();
    const { documents } = buildKnowledgeServices(h, { queue });
    const reader = h.contextOf(user, {
      permissions: new Set(["kb:read"]),
      departmentIds: new Set([departmentId]),
    });

    await expect(
      documents.addText(reader, knowledgeBaseId, { title: "Not mine", body: "Refused." }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(queue.enqueued).toEqual([]);
  });
});
