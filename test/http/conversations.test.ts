import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { makeNamespace } from "../factories/assistants.js";
import { useTestApp } from "../setup/container.js";
import {
  addMember,
  audits,
  type ConversationWorld,
  call,
  conversationWorld,
  exchange,
  publishedAgent,
  signUp,
  startConversation,
} from "./conversations-helpers.js";
import type { Member } from "./identity-helpers.js";

type Conversation = { id: string; title: string | null; status: string; departmentId: string | null };

describe("conversations", () => {
  const t = useTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "1000" } });
  let w: ConversationWorld;
  let tenant: ConversationWorld["tenant"];
  let hr: string;
  let sales: string;
  let hrAgent: ConversationWorld["hrAgent"];
  let salesAgent: ConversationWorld["salesAgent"];
  let orgAgent: ConversationWorld["orgAgent"];
  let ana: Member;
  let ben: Member;
  let hrHead: Member;
  let salesHead: Member;

  beforeAll(async () => {
    w = await conversationWorld(t);
    ({ tenant, hr, sales, hrAgent, salesAgent, orgAgent, ana, ben, hrHead, salesHead } = w);
  });

  const get = (token: string, url: string) => call(t, "GET", url, { token });
  const ids = (body: { items: { id: string }[] }) => body.items.map((c) => c.id);

  it("starts a conversation pinned to the agent's current version, by id or by name", async () => {
    const byId = await call(t, "POST", "/conversations", {
      token: ana.token,
      body: { agentId: hrAgent.id, title: "Leave question", metadata: { source: "test" } },
    });
    expect(byId.status, JSON.stringify(byId.body)).toBe(201);
    expect(byId.body).toMatchObject({
      userId: ana.id,
      departmentId: hr,
      agentId: hrAgent.id,
      agentVersionId: hrAgent.versionId,
      agentName: hrAgent.name,
      agentVersion: 1,
      channel: "web",
      status: "active",
      title: "Leave question",
      messageCount: 0,
      metadata: { source: "test" },
      closedAt: null,
    });
    const byName = await startConversation(t, ana.token, {
      agentName: hrAgent.name.toUpperCase(),
      channel: "slack",
    });
    expect(byName).toMatchObject({ departmentId: hr, title: null, channel: "slack" });
    const orgWide = await startConversation(t, ana.token, { agentId: orgAgent.id });
    expect(orgWide.departmentId).toBeNull();
    // Through a department assistant (namespace): its default agent answers, in its department.
    const namespace = await makeNamespace(
      t.context.container.repositories,
      { id: hr, orgId: tenant.orgId },
      {
        config: { defaultAgentId: orgAgent.id },
      },
    );
    const viaNamespace = await startConversation(t, ana.token, { namespaceId: namespace.id });
    expect(viaNamespace).toMatchObject({ namespaceId: namespace.id, agentId: orgAgent.id, departmentId: hr });
    const created = await audits(t, tenant.orgId, "conversation.created");
    expect(created.map((a) => a.entityId)).toEqual(expect.arrayContaining([byId.body.id, byName.id]));
    expect(created.find((a) => a.entityId === byId.body.id)).toMatchObject({
      userId: ana.id,
      departmentId: hr,
    });
  });

  it("refuses agents the caller cannot see (404 like a missing one), disabled agents and empty requests", async () => {
    const hidden = await call(t, "POST", "/conversations", {
      token: ana.token,
      body: { agentId: salesAgent.id },
    });
    const missing = await call(t, "POST", "/conversations", {
      token: ana.token,
      body: { agentId: randomUUID() },
    });
    expect([hidden.status, missing.status]).toEqual([404, 404]);
    expect(hidden.body.error.message).not.toContain(salesAgent.name);
    const hiddenByName = await call(t, "POST", "/conversations", {
      token: ana.token,
      body: { agentName: salesAgent.name },
    });
    expect(hiddenByName.status).toBe(404);
    const other = await signUp(t, "Other Co");
    const foreign = await call(t, "POST", "/conversations", {
      token: other.token,
      body: { agentId: hrAgent.id },
    });
    expect(foreign.status).toBe(404);

    const disabled = await publishedAgent(t, tenant.orgId, hr, { enabled: false });
    const refused = await call(t, "POST", "/conversations", {
      token: ana.token,
      body: { agentId: disabled.id },
    });
    expect(refused.status).toBe(412);
    expect(refused.body.error.code).toBe("PRECONDITION_FAILED");

    for (const body of [
      {},
      { title: "no agent" },
      { agentId: hrAgent.id, agentName: hrAgent.name },
      { agentId: "x" },
    ]) {
      const res = await call(t, "POST", "/conversations", { token: ana.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const noChat = await call(t, "POST", "/conversations", {
      token: (await addMember(t, tenant.token, hr, "approver")).token,
      body: { agentId: hrAgent.id, channel: "carrier-pigeon" },
    });
    expect(noChat.status).toBe(400);
  });

  it("keeps conversations private: owner, department reviewers and admins only", async () => {
    const mine = await startConversation(t, ana.token, { agentId: hrAgent.id, title: "Private matter" });
    const orgWide = await startConversation(t, ana.token, { agentId: orgAgent.id, title: "Org-wide" });
    const url = `/conversations/${mine.id}`;
    expect((await get(ana.token, url)).status).toBe(200);
    // A colleague in the same department, and another department's head: as if it did not exist.
    const colleague = await get(ben.token, url);
    expect(colleague.status).toBe(404);
    const ghost = await get(ben.token, `/conversations/${randomUUID()}`);
    expect(colleague.body.error.message.replace(mine.id, "<id>")).toBe(
      ghost.body.error.message.replace(/[0-9a-f-]{36}/, "<id>"),
    );
    expect((await get(salesHead.token, url)).status).toBe(404);
    // The department head reviews (reads) but cannot change it or speak for the owner.
    expect((await get(hrHead.token, url)).status).toBe(200);
    expect((await get(hrHead.token, `${url}/messages`)).status).toBe(200);
    const patch = await call(t, "PATCH", url, { token: hrHead.token, body: { title: "mine now" } });
    expect(patch.status).toBe(403);
    expect((await call(t, "POST", `${url}/close`, { token: hrHead.token })).status).toBe(403);
    expect((await call(t, "DELETE", url, { token: hrHead.token })).status).toBe(403);
    // Org-wide conversations have no department to review: owner and admin only.
    expect((await get(hrHead.token, `/conversations/${orgWide.id}`)).status).toBe(404);
    expect((await get(tenant.token, `/conversations/${orgWide.id}`)).status).toBe(200);
    expect((await get(tenant.token, url)).status).toBe(200);
  });

  it("lists the caller's own conversations, or a department's for reviewers", async () => {
    const ana1 = await startConversation(t, ana.token, { agentId: hrAgent.id, title: "Ana list one" });
    const ben1 = await startConversation(t, ben.token, { agentId: hrAgent.id, title: "Ben list one" });
    const salesOne = await startConversation(t, salesHead.token, {
      agentId: salesAgent.id,
      title: "Sales one",
    });
    const benOrg = await startConversation(t, ben.token, { agentId: orgAgent.id, title: "Ben org-wide" });

    const anaList = await get(ana.token, "/conversations?pageSize=100");
    expect(anaList.status).toBe(200);
    expect(ids(anaList.body)).toContain(ana1.id);
    expect(ids(anaList.body)).not.toContain(ben1.id);
    expect(anaList.body.items.every((c: { userId: string }) => c.userId === ana.id)).toBe(true);
    const benList = ids((await get(ben.token, "/conversations?pageSize=100")).body);
    expect(benList).toEqual(expect.arrayContaining([ben1.id, benOrg.id]));

    // An admin reaches every department: their own list holds department and org-wide conversations.
    const adminHr = await startConversation(t, tenant.token, { agentId: hrAgent.id });
    const adminOrg = await startConversation(t, tenant.token, { agentId: orgAgent.id });
    const adminList = ids((await get(tenant.token, "/conversations?pageSize=100")).body);
    expect(adminList).toEqual(expect.arrayContaining([adminHr.id, adminOrg.id]));
    expect(adminList).not.toContain(ana1.id);

    expect((await get(ana.token, "/conversations?scope=department")).status).toBe(403);
    const review = await get(hrHead.token, "/conversations?scope=department&pageSize=100");
    expect(review.status).toBe(200);
    expect(ids(review.body)).toEqual(expect.arrayContaining([ana1.id, ben1.id]));
    expect(ids(review.body)).not.toContain(salesOne.id);
    expect(ids(review.body)).not.toContain(benOrg.id);
    expect(review.body.items.every((c: Conversation) => c.departmentId === hr)).toBe(true);
    const salesReview = ids((await get(salesHead.token, "/conversations?scope=department&limit=100")).body);
    expect(salesReview).toContain(salesOne.id);
    expect(salesReview).not.toContain(ana1.id);
  });

  it("searches titles and message text, and filters by status, agent and channel", async () => {
    const member = await addMember(t, tenant.token, hr, "employee", "Searcher");
    const travel = await startConversation(t, member.token, { agentId: hrAgent.id, title: "Travel booking" });
    const expenses = await startConversation(t, member.token, {
      agentId: hrAgent.id,
      title: "Quick question",
    });
    const other = await startConversation(t, member.token, {
      agentId: orgAgent.id,
      title: "Laptop refresh",
      channel: "email",
    });
    const orgId = tenant.orgId;
    await exchange(
      t,
      { id: expenses.id, orgId },
      "How are hotel reimbursements handled?",
      "Within 30 days [1].",
    );
    await exchange(t, { id: other.id, orgId }, "When do laptops get replaced?", "Every three years [1].");
    // Someone else's conversation mentioning the same words must never show up.
    const foreign = await startConversation(t, ben.token, { agentId: hrAgent.id, title: "travel too" });
    await exchange(t, { id: foreign.id, orgId }, "reimbursement for travel", "Yes [1].");

    const search = async (query: string) =>
      ids((await get(member.token, `/conversations?${query}`)).body).sort();
    expect(await search("q=travel")).toEqual([travel.id]);
    // Full text with stemming: "reimbursement" finds "reimbursements"; web-search syntax is accepted.
    expect(await search("q=reimbursement")).toEqual([expenses.id]);
    expect(await search(`q=${encodeURIComponent('"hotel reimbursements"')}`)).toEqual([expenses.id]);
    expect(await search(`q=${encodeURIComponent("laptops -hotel")}`)).toEqual([other.id]);
    expect(await search("q=nothing-matches-this")).toEqual([]);
    expect(await search("q=100%25")).toEqual([]);
    expect(await search(`agentId=${orgAgent.id}`)).toEqual([other.id]);
    expect(await search("channel=email")).toEqual([other.id]);
    expect(await search("channel=web&q=question")).toEqual([expenses.id]);

    expect((await call(t, "POST", `/conversations/${travel.id}/close`, { token: member.token })).status).toBe(
      200,
    );
    expect(await search("status=closed")).toEqual([travel.id]);
    expect(await search("status=active")).toEqual([expenses.id, other.id].sort());
    expect((await get(member.token, "/conversations?status=sleeping")).status).toBe(400);
  });

  it("pages with numbers and totals, or with keyset cursors", async () => {
    const member = await addMember(t, tenant.token, sales, "employee", "Pager");
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      created.push(
        (await startConversation(t, member.token, { agentId: salesAgent.id, title: `Page ${i}` })).id,
      );
    }
    const newestFirst = [...created].reverse();
    const numbered: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const res = await get(member.token, `/conversations?page=${page}&pageSize=2`);
      expect(res.body).toMatchObject({ page, pageSize: 2, total: 5, totalPages: 3 });
      expect(res.body.nextCursor).toBeUndefined();
      numbered.push(...ids(res.body));
    }
    expect(numbered).toEqual(newestFirst);
    const defaults = await get(member.token, "/conversations");
    expect(defaults.body).toMatchObject({ page: 1, pageSize: 20, total: 5 });

    const keyset: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(member.token, `/conversations?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      expect(res.body.total).toBeUndefined();
      keyset.push(...ids(res.body));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(keyset).toEqual(newestFirst);
    expect(pages).toBe(3);
    const bad = await get(member.token, "/conversations?cursor=not-a-cursor");
    expect(bad.status).toBe(400);
    expect((await get(member.token, "/conversations?pageSize=101")).status).toBe(400);
  });

  it("renames, closes and reopens, with audit rows", async () => {
    const conversation = await startConversation(t, ana.token, { agentId: hrAgent.id });
    const url = `/conversations/${conversation.id}`;
    const renamed = await call(t, "PATCH", url, {
      token: ana.token,
      body: { title: "  Parental leave  ", metadata: { pinned: true } },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ title: "Parental leave", metadata: { pinned: true } });
    expect((await call(t, "PATCH", url, { token: ana.token, body: {} })).status).toBe(400);

    const closed = await call(t, "POST", `${url}/close`, { token: ana.token });
    expect(closed.body).toMatchObject({ status: "closed", closedAt: expect.any(String) });
    const again = await call(t, "POST", `${url}/close`, { token: ana.token });
    expect(again.body.closedAt).toBe(closed.body.closedAt);
    const reopened = await call(t, "POST", `${url}/reopen`, { token: ana.token });
    expect(reopened.body).toMatchObject({ status: "active", closedAt: null });

    await t.context.container.repositories.conversations.update(conversation.id, {
      status: "awaiting_approval",
    });
    const waiting = await call(t, "POST", `${url}/reopen`, { token: ana.token });
    expect(waiting.status).toBe(412);
    expect((await call(t, "POST", `${url}/close`, { token: ana.token })).body.status).toBe("closed");

    const actions = (await audits(t, tenant.orgId))
      .filter((a) => a.entityId === conversation.id)
      .map((a) => a.action);
    expect(actions).toEqual([
      "conversation.created",
      "conversation.updated",
      "conversation.closed",
      "conversation.reopened",
      "conversation.closed",
    ]);
    const update = (await audits(t, tenant.orgId, "conversation.updated")).find(
      (a) => a.entityId === conversation.id,
    );
    expect(update?.changes).toMatchObject({ title: { from: null, to: "Parental leave" } });
  });

  it("deletes the caller's own conversations with their messages; admins may delete any", async () => {
    const repos = t.context.container.repositories;
    const own = await startConversation(t, ana.token, { agentId: hrAgent.id, title: "To delete" });
    const { answerId } = await exchange(t, { id: own.id, orgId: tenant.orgId }, "Question?", "Answer.");
    await repos.messages.listRecent(own.id); // warm the history cache: deleting must drop it
    expect((await call(t, "DELETE", `/conversations/${own.id}`, { token: ben.token })).status).toBe(404);
    expect((await call(t, "DELETE", `/conversations/${own.id}`, { token: ana.token })).status).toBe(204);
    expect((await get(ana.token, `/conversations/${own.id}`)).status).toBe(404);
    expect(await repos.messages.findById(answerId)).toBeUndefined();
    expect(await repos.messages.listRecent(own.id)).toEqual([]);
    expect((await call(t, "DELETE", `/conversations/${own.id}`, { token: ana.token })).status).toBe(404);

    const bens = await startConversation(t, ben.token, { agentId: orgAgent.id });
    expect((await call(t, "DELETE", `/conversations/${bens.id}`, { token: tenant.token })).status).toBe(204);
    const deleted = (await audits(t, tenant.orgId, "conversation.deleted")).map((a) => a.entityId);
    expect(deleted).toEqual(expect.arrayContaining([own.id, bens.id]));
  });
});
