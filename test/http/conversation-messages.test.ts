import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestApp } from "../setup/container.js";
import {
  audits,
  type ConversationWorld,
  call,
  conversationWorld,
  exchange,
  feedbackRows,
  startConversation,
} from "./conversations-helpers.js";

describe("conversation messages and feedback", () => {
  const t = useTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "1000" } });
  let w: ConversationWorld;

  beforeAll(async () => {
    w = await conversationWorld(t);
  });

  const get = (token: string, url: string) => call(t, "GET", url, { token });

  it("lists messages oldest first with cursors, the caller's feedback, and held replies withheld", async () => {
    const conversation = await startConversation(t, w.ana.token, { agentId: w.hrAgent.id });
    const ref = { id: conversation.id, orgId: w.tenant.orgId };
    const first = await exchange(t, ref, "First question?", "First answer [1].");
    const second = await exchange(t, ref, "Second question?", "Second answer [1].");
    const held = await exchange(t, ref, "Third question?", "A sensitive reply.", { heldForApproval: true });
    const url = `/conversations/${conversation.id}/messages`;
    await call(t, "POST", `${url}/${first.answerId}/feedback`, { token: w.ana.token, body: { rating: 1 } });

    const all: { id: string; role: string; content: string; feedback: unknown; heldForApproval: boolean }[] =
      [];
    let cursor: string | null = null;
    do {
      const res = await get(w.ana.token, `${url}?limit=4${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      all.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(all.map((m) => m.id)).toEqual([
      first.questionId,
      first.answerId,
      second.questionId,
      second.answerId,
      held.questionId,
      held.answerId,
    ]);
    expect(all.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant", "user", "assistant"]);
    expect(all[1]).toMatchObject({ content: "First answer [1].", feedback: { rating: 1, comment: null } });
    expect(all[3]?.feedback).toBeNull();
    expect(all[5]).toMatchObject({ heldForApproval: true, content: "", parts: [], sources: [] });
    const conversationNow = await get(w.ana.token, `/conversations/${conversation.id}`);
    expect(conversationNow.body.messageCount).toBe(6);
    // A reviewer sees the thread but not the owner's feedback (feedback is per person).
    const reviewed = await get(w.hrHead.token, `${url}?limit=100`);
    expect(reviewed.body.items[1].feedback).toBeNull();
    // The admin may decide approvals, so sees what is waiting.
    const asAdmin = await get(w.tenant.token, `${url}?limit=100`);
    expect(asAdmin.body.items[5].content).toBe("A sensitive reply.");
  });

  it("takes one rating per person and reply, only from the owner and only on assistant replies", async () => {
    const conversation = await startConversation(t, w.ana.token, { agentId: w.hrAgent.id });
    const ref = { id: conversation.id, orgId: w.tenant.orgId };
    const { questionId, answerId } = await exchange(t, ref, "Question?", "Answer [1].");
    const held = await exchange(t, ref, "Another?", "Held.", { heldForApproval: true });
    const url = (messageId: string) => `/conversations/${conversation.id}/messages/${messageId}/feedback`;
    const rate = (token: string, messageId: string, body: unknown) =>
      call(t, "POST", url(messageId), { token, body });

    const up = await rate(w.ana.token, answerId, { rating: 1, comment: "Spot on" });
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ rating: 1, comment: "Spot on" });
    const down = await rate(w.ana.token, answerId, { rating: -1, comment: "Actually outdated" });
    expect(down.body).toMatchObject({ rating: -1, comment: "Actually outdated" });
    const rows = await feedbackRows(t, answerId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ rating: -1, userId: w.ana.id, conversationId: conversation.id });

    for (const body of [
      { rating: 0 },
      { rating: 2 },
      { rating: "1" },
      {},
      { rating: 1, comment: "x".repeat(2001) },
    ]) {
      expect((await rate(w.ana.token, answerId, body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await rate(w.ana.token, questionId, { rating: 1 })).status).toBe(400);
    expect((await rate(w.ana.token, held.answerId, { rating: 1 })).status).toBe(412);
    expect((await rate(w.ana.token, randomUUID(), { rating: 1 })).status).toBe(404);
    // A reply of another conversation cannot be rated through this one.
    const elsewhere = await startConversation(t, w.ana.token, { agentId: w.hrAgent.id });
    const foreign = await exchange(t, { id: elsewhere.id, orgId: w.tenant.orgId }, "Q?", "A.");
    expect((await rate(w.ana.token, foreign.answerId, { rating: 1 })).status).toBe(404);
    expect((await rate(w.ben.token, answerId, { rating: 1 })).status).toBe(404);
    expect((await rate(w.hrHead.token, answerId, { rating: 1 })).status).toBe(403);
    expect((await rate(w.tenant.token, answerId, { rating: 1 })).status).toBe(403);

    expect((await call(t, "DELETE", url(answerId), { token: w.ana.token })).status).toBe(204);
    expect(await feedbackRows(t, answerId)).toHaveLength(0);
    expect((await call(t, "DELETE", url(answerId), { token: w.ana.token })).status).toBe(204);
    const actions = (await audits(t, w.tenant.orgId))
      .filter((a) => a.entityId === answerId)
      .map((a) => a.action);
    expect(actions).toEqual(["feedback.created", "feedback.updated", "feedback.deleted"]);
  });
});
