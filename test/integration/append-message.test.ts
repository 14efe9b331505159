import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { agentTasks, auditLogs, messages } from "../../src/db/schema/index.js";
import { newId } from "../../src/lib/ids.js";
import {
  type ConversationRow,
  makeConversation,
  makeOrg,
  makeUser,
  messageValues,
  type OrgRow,
} from "../factories/index.js";
import { useTestContainer } from "../setup/container.js";

/** `ConversationRepository.appendMessage`: a message and the rows that belong with it, in one statement. */
describe("appending a message with its companion rows", () => {
  const t = useTestContainer();
  const repos = () => t.current.container.repositories;
  const db = () => t.current.container.database.db;
  let org: OrgRow;
  let userId: string;

  beforeAll(async () => {
    org = await makeOrg(repos());
    userId = (await makeUser(repos(), org.id)).id;
  });

  const taskFor = (conversation: ConversationRow, messageId: string, id = newId()) =>
    repos().agentTasks.insertRowsStatement([
      {
        id,
        orgId: org.id,
        conversationId: conversation.id,
        messageId,
        userId,
        adapterType: "ai-sdk",
        status: "running",
        input: {},
      },
    ]);

  it("writes the message, the counters, the patch and companions that point at the message", async () => {
    const conversation = await makeConversation(repos(), { id: userId, orgId: org.id }, { title: null });
    const cachedBefore = await repos().conversations.findById(conversation.id); // now cached
    expect(cachedBefore?.messageCount).toBe(0);
    await repos().messages.listRecent(conversation.id); // cache the (empty) history too
    const messageId = newId();
    const taskId = newId();
    const audit = repos().auditLogs.insertRowsStatement([
      {
        orgId: org.id,
        actorType: "user",
        actorId: userId,
        action: "conversation.message_sent",
        entityType: "conversation",
        entityId: conversation.id,
      },
    ]);
    const message = await repos().conversations.appendMessage(
      messageValues(conversation, { id: messageId, content: "Hello there" }),
      { patch: { title: "Hello there" }, companions: [taskFor(conversation, messageId, taskId), audit] },
    );
    expect(message).toMatchObject({ id: messageId, content: "Hello there", conversationId: conversation.id });
    expect(message.createdAt).toBeInstanceOf(Date);

    // The cached conversation and history were dropped: reads see the new state.
    const after = await repos().conversations.findById(conversation.id);
    expect(after).toMatchObject({ messageCount: 1, title: "Hello there" });
    expect(after!.lastMessageAt?.getTime()).toBe(message.createdAt.getTime());
    expect((await repos().messages.listRecent(conversation.id)).map((m) => m.id)).toEqual([messageId]);
    const [task] = await db().select().from(agentTasks).where(eq(agentTasks.id, taskId));
    expect(task?.messageId).toBe(messageId);
    const audits = await db().select().from(auditLogs).where(eq(auditLogs.entityId, conversation.id));
    expect(audits.map((a) => a.action)).toEqual(["conversation.message_sent"]);
  });

  it("carries many rows as one jsonb parameter, with their types, defaults and made ids", async () => {
    const conversation = await makeConversation(repos(), { id: userId, orgId: org.id });
    const messageId = newId();
    const startedAt = new Date("2026-12-04T02:05:28.852Z");
    const tasks = [1, 2, 3].map((n) => ({
      orgId: org.id,
      conversationId: conversation.id,
      messageId,
      userId,
      adapterType: "ai-sdk",
      status: "running" as const,
      input: { n, nested: { text: 'it\'s "quoted"' } },
      promptTokens: n * 10,
      costUsd: n / 4,
      startedAt,
    }));
    await repos().conversations.appendMessage(messageValues(conversation, { id: messageId }), {
      companions: [repos().agentTasks.insertRowsStatement(tasks)],
    });
    const stored = await db()
      .select()
      .from(agentTasks)
      .where(eq(agentTasks.conversationId, conversation.id))
      .orderBy(agentTasks.promptTokens);
    expect(stored.map((row) => [row.input, row.promptTokens, row.costUsd, row.startedAt?.getTime()])).toEqual(
      tasks.map((task) => [task.input, task.promptTokens, task.costUsd, startedAt.getTime()]),
    );
    expect(new Set(stored.map((row) => row.id)).size).toBe(3);
    expect(stored.every((row) => row.createdAt instanceof Date && row.metadata !== null)).toBe(true);
  });

  it("writes nothing at all when one companion fails", async () => {
    const conversation = await makeConversation(repos(), { id: userId, orgId: org.id });
    const messageId = newId();
    // A task pointing at a message that does not exist breaks its foreign key at the statement's end.
    const broken = taskFor(conversation, newId());
    const good = taskFor(conversation, messageId);
    await expect(
      repos().conversations.appendMessage(messageValues(conversation, { id: messageId }), {
        companions: [good, broken],
      }),
    ).rejects.toMatchObject({ code: "VALIDATION", message: expect.stringMatching(/referenced record/) });
    expect(await db().select().from(messages).where(eq(messages.id, messageId))).toEqual([]);
    expect(
      await db().select().from(agentTasks).where(eq(agentTasks.conversationId, conversation.id)),
    ).toEqual([]);
    expect((await repos().conversations.findById(conversation.id))?.messageCount).toBe(0);
  });
});
