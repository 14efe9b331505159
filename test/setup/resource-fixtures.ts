import { randomBytes } from "node:crypto";
import type { LegacyRole } from "../../src/core/permissions.js";
import { hashToken } from "../../src/lib/secrets.js";
import { testEmbedding, writeChunks } from "../factories/knowledge.js";
import { approvalExampleBodies, approvalFixtures, approvalPathParams } from "./approval-fixtures.js";
import { assistantExampleBodies, assistantFixtures, assistantPathParams } from "./assistant-fixtures.js";
import { assistantMessageOf, conversationIn, exampleAgentOf } from "./conversation-fixture.js";
import { documentExampleBodies, documentFixtures } from "./document-fixtures.js";
import { intentExampleBodies, intentFixtures, intentPathParams } from "./intent-fixtures.js";
import { runIn } from "./run-fixture.js";
import { scheduleExampleBodies, scheduleFixtures } from "./schedule-fixtures.js";
import { type IsolationWorld, makeApiKey, marker, passwordHash, WORLD_PASSWORD } from "./world.js";

/**
 * Resource fixtures for the isolation matrix, keyed by the `resource` kind a route declares in its
 * config (`config: { resource: "department" }`). Each creates one resource inside the given
 * organisation and department and returns its id plus every string that identifies it (ids, names,
 * emails) so a response can be searched for leaks.
 *
 * Adding a kind (knowledge bases, conversations, runs…): add one entry to `resourceFixtures` that
 * inserts the row through `world.repos` and names it with `marker(kind, …)`. A route declaring a kind
 * missing here makes the matrix fail with a message pointing at this file.
 */

export interface ResourceScope {
  orgId: string;
  departmentId: string;
}

export interface CreatedResource {
  id: string;
  /** Strings that must not appear in a response that refuses or filters this resource. */
  identifiers: string[];
}

export interface ResourceFixture {
  /**
   * "department": the resource belongs to one department and is invisible (404, absent from lists)
   * to callers who do not reach it. "organisation": every member of the organisation may see it
   * (roles: people need to know what a role means), but it must not reveal the hidden departments it
   * refers to; the department cases then check the answer for hidden data instead of expecting 404.
   */
  visibility: "department" | "organisation";
  create(world: IsolationWorld, scope: ResourceScope, kind: "hidden" | "visible"): Promise<CreatedResource>;
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000);

async function builtInRole(world: IsolationWorld, orgId: string, slug: LegacyRole) {
  const role = await world.repos.systemRoles.findBySlug(orgId, slug);
  if (!role) throw new Error(`organisation ${orgId} has no built-in ${slug} role`);
  return role;
}

async function userIn(world: IsolationWorld, scope: ResourceScope, kind: "hidden" | "visible") {
  const name = marker(kind, "user");
  const role = await builtInRole(world, scope.orgId, "employee");
  const user = await world.repos.users.create({
    orgId: scope.orgId,
    email: `${name}@example.test`,
    name,
    role: "employee",
    roleId: role.id,
    departmentId: scope.departmentId,
  });
  await world.repos.orgMembers.create({ orgId: scope.orgId, userId: user.id, role: "member" });
  return user;
}

/** A knowledge base with one ready document and one searchable chunk, all named with markers. */
async function knowledgeIn(world: IsolationWorld, scope: ResourceScope, kind: "hidden" | "visible") {
  const name = marker(kind, "kb");
  const kb = await world.repos.knowledgeBases.create({
    ...scope,
    name,
    description: marker(kind, "kb-note"),
  });
  const title = marker(kind, "document");
  const document = await world.repos.documents.create({
    ...scope,
    knowledgeBaseId: kb.id,
    title,
    type: "text",
    sourceKind: "freeform",
    status: "ready",
    content: `Matrix handbook ${title}`,
    revision: 1,
  });
  const content = `Matrix handbook chunk ${marker(kind, "chunk")} about leave and expenses.`;
  await writeChunks(world.repos, [
    {
      ...scope,
      knowledgeBaseId: kb.id,
      documentId: document.id,
      ordinal: 0,
      content,
      tokenCount: 12,
      embedding: testEmbedding(1, { exact: true }),
      embeddingModel: kb.embeddingModel,
    },
  ]);
  return { kb, document, identifiers: [kb.id, name, kb.description!, document.id, title, content] };
}

export const resourceFixtures: Record<string, ResourceFixture> = {
  ...assistantFixtures,
  ...intentFixtures,
  ...approvalFixtures,
  ...documentFixtures,
  ...scheduleFixtures,

  /** The department itself is the resource (so the revoked-department override applies to it). */
  department: {
    visibility: "department",
    async create(world, scope) {
      const department = await world.repos.departments.findById(scope.departmentId);
      if (department?.orgId !== scope.orgId) throw new Error(`no department ${scope.departmentId}`);
      const { id, name, slug, description } = department;
      return { id, identifiers: [id, name, slug, description ?? ""].filter(Boolean) };
    },
  },

  /** An employee whose home department is the scope's department. */
  user: {
    visibility: "department",
    async create(world, scope, kind) {
      const user = await userIn(world, scope, kind);
      return { id: user.id, identifiers: [user.id, user.email, user.name!] };
    },
  },

  /** A custom role that reaches only the scope's department. */
  role: {
    visibility: "organisation",
    async create(world, scope, kind) {
      const name = marker(kind, "role");
      const role = await world.repos.systemRoles.create({
        orgId: scope.orgId,
        name,
        slug: name,
        description: marker(kind, "role-description"),
        permissions: ["kb:read", "chat:use"],
        departmentIds: [scope.departmentId],
      });
      return { id: role.id, identifiers: [role.id, role.name, role.slug, role.description!] };
    },
  },

  /** A pending invitation into the scope's department. */
  invitation: {
    visibility: "department",
    async create(world, scope, kind) {
      const email = `${marker(kind, "invitee")}@example.test`;
      const role = await builtInRole(world, scope.orgId, "employee");
      const invitation = await world.repos.invitations.create({
        orgId: scope.orgId,
        email,
        tokenHash: hashToken(randomBytes(32).toString("base64url")),
        role: "employee",
        roleId: role.id,
        departmentId: scope.departmentId,
        expiresAt: inDays(7),
      });
      return { id: invitation.id, identifiers: [invitation.id, email] };
    },
  },

  /** A knowledge base of the scope's department, with a document and a chunk. */
  knowledge_base: {
    visibility: "department",
    async create(world, scope, kind) {
      const { kb, identifiers } = await knowledgeIn(world, scope, kind);
      return { id: kb.id, identifiers };
    },
  },

  /** A document (with a chunk) in a knowledge base of the scope's department. */
  document: {
    visibility: "department",
    async create(world, scope, kind) {
      const { document, identifiers } = await knowledgeIn(world, scope, kind);
      return { id: document.id, identifiers };
    },
  },

  /** A web source of a knowledge base of the scope's department (never crawled: no job runs here). */
  web_source: {
    visibility: "department",
    async create(world, scope, kind) {
      const { kb, identifiers } = await knowledgeIn(world, scope, kind);
      const rootUrl = `https://${marker(kind, "site")}.example.test/`;
      const source = await world.repos.webSources.create({ ...scope, knowledgeBaseId: kb.id, rootUrl });
      return { id: source.id, identifiers: [...identifiers, source.id, rootUrl] };
    },
  },

  /** An HTTP tool of the scope's department (its .example.test host never resolves), with a secret that must never show. */
  tool: {
    visibility: "department",
    async create(world, scope, kind) {
      const name = marker(kind, "tool");
      const host = `${marker(kind, "tool-host")}.example.test`;
      const row = await world.repos.tools.create({
        ...scope,
        name,
        description: marker(kind, "tool-description"),
        kind: "http",
        inputSchema: { type: "object", properties: { id: { type: "string" } } },
        config: {
          url: `https://${host}/items/{{id}}`,
          method: "GET",
          headers: {},
          secrets: {},
          allowedHosts: [host],
          timeoutMs: 10_000,
          maxResponseBytes: 262_144,
          bodyFromInput: false,
        },
      });
      return { id: row.id, identifiers: [row.id, name, row.description, host] };
    },
  },

  /** An employee of the scope's department with a memory profile (`:id` is the user's id). */
  employee_profile: {
    visibility: "department",
    async create(world, scope, kind) {
      const user = await userIn(world, scope, kind);
      const summary = marker(kind, "profile-summary");
      const project = marker(kind, "profile-project");
      await world.repos.employeeProfiles.create({
        orgId: scope.orgId,
        userId: user.id,
        departmentId: scope.departmentId,
        summary,
        currentProjects: [project],
        profileVersion: 1,
      });
      return { id: user.id, identifiers: [user.id, user.email, user.name!, summary, project] };
    },
  },

  /** A key owned by a member of the scope's department and limited to that department. */
  api_key: {
    visibility: "department",
    async create(world, scope, kind) {
      const owner = await userIn(world, scope, kind);
      const name = marker(kind, "api-key");
      const key = await makeApiKey(world.repos, {
        orgId: scope.orgId,
        userId: owner.id,
        name,
        permissions: ["kb:read"],
        departmentIds: [scope.departmentId],
      });
      const prefix = key.presented.split("_")[1]!;
      return { id: key.id, identifiers: [key.id, name, prefix, owner.id, owner.email] };
    },
  },

  /**
   * A conversation of the scope's department with messages and feedback. Conversations are private:
   * hidden ones belong to a member of their department, visible ones to the org admin (see the file).
   */
  conversation: {
    visibility: "department",
    create: conversationIn,
  },

  /** A finished run (task, tool call, model run, retrieval hit) of a conversation of the department. */
  run: {
    visibility: "department",
    create: runIn,
  },
};

/**
 * Rows that are not the target of any route but must stay hidden from other departments and
 * organisations wherever they surface (audit log entries), created once per scope.
 */
export async function createHiddenRecords(world: IsolationWorld, scope: ResourceScope): Promise<string[]> {
  const note = marker("hidden", "audit-note");
  const actor = marker("hidden", "audit-actor");
  await world.repos.auditLogs.create({
    orgId: scope.orgId,
    departmentId: scope.departmentId,
    actorType: "system",
    actorId: actor,
    action: "matrix.hidden_event",
    entityType: "department",
    entityId: scope.departmentId,
    changes: { note },
  });
  return [note, actor];
}

export function fixtureFor(kind: string): ResourceFixture {
  const fixture = Object.hasOwn(resourceFixtures, kind) ? resourceFixtures[kind] : undefined;
  if (!fixture) {
    throw new Error(
      `No resource fixture for kind "${kind}": add one to resourceFixtures in test/setup/resource-fixtures.ts`,
    );
  }
  return fixture;
}

/** What an example body may refer to: the world, and the id the request is aimed at. */
export interface ExampleContext {
  world: IsolationWorld;
  /** The `:id` of the request, when the route has one. */
  id?: string;
}

/**
 * A minimal valid body for every route with a body schema, keyed by `METHOD url`. The matrix needs
 * them so that a department/organisation case reaches the service (validation runs after
 * authentication but before the handler) and fails if a body route has none. Bodies are functions so
 * unique values (slugs, emails) stay unique across calls.
 */
export const exampleBodies: Record<string, (ctx: ExampleContext) => unknown> = {
  ...assistantExampleBodies,
  ...intentExampleBodies,
  ...approvalExampleBodies,
  ...documentExampleBodies,
  ...scheduleExampleBodies,
  "POST /departments": () => {
    const name = marker("visible", "new-department");
    return { name, slug: name, color: "#336699", description: "made by the isolation matrix" };
  },
  "PATCH /departments/:id": () => ({ description: marker("visible", "changed") }),
  "POST /api-keys": ({ world }) => ({
    name: marker("visible", "new-key"),
    permissions: ["kb:read"],
    departmentIds: [world.orgA.d1.id],
  }),
  "PATCH /org": () => ({ settings: { locale: "en" } }),
  "PATCH /users/me": () => ({ phone: "+1 555 0100" }),
  // The same password again: a real change (sessions end, tokenVersion moves) that keeps the world usable.
  "POST /users/me/password": () => ({
    currentPassword: WORLD_PASSWORD,
    newPassword: `${WORLD_PASSWORD}-new`,
  }),
  "PATCH /users/:id": () => ({ phone: "+1 555 0101" }),
  "POST /users/:id/transfer": ({ world }) => ({ departmentId: world.orgA.d1.id }),
  "POST /roles": ({ world }) => {
    const name = marker("visible", "new-role");
    return { name, slug: name, permissions: ["kb:read"], departmentIds: [world.orgA.d1.id] };
  },
  "PATCH /roles/:id": () => ({ description: marker("visible", "role-changed") }),
  "POST /knowledge-bases": ({ world }) => ({
    departmentId: world.orgA.d1.id,
    name: marker("visible", "new-kb"),
  }),
  "PATCH /knowledge-bases/:id": () => ({ description: marker("visible", "kb-changed") }),
  "POST /knowledge-bases/:id/documents": () => ({
    filename: `${marker("visible", "upload")}.txt`,
    contentBase64: Buffer.from(`Uploaded by the matrix ${marker("visible", "body")}`).toString("base64"),
  }),
  "POST /knowledge-bases/:id/documents/text": () => ({
    title: marker("visible", "text"),
    body: "Freeform text added by the isolation matrix.",
  }),
  "POST /knowledge-bases/:id/documents/table": () => ({
    title: marker("visible", "table"),
    columns: ["item", "cost"],
    rows: [["desk", 120]],
  }),
  "POST /knowledge-bases/:id/web-sources": () => ({
    url: `https://${marker("visible", "site")}.example.test/`,
    mode: "single",
  }),
  "POST /knowledge-bases/:id/search": () => ({ query: "matrix handbook leave" }),
  "POST /search": () => ({ query: "matrix handbook leave" }),
  "POST /tools": ({ world }) => ({
    departmentId: world.orgA.d1.id,
    name: marker("visible", "new-tool"),
    kind: "http",
    config: { url: "https://api.example.test/items/{{id}}", allowedHosts: ["api.example.test"] },
  }),
  "PATCH /tools/:id": () => ({ description: marker("visible", "tool-changed") }),
  "POST /tools/:id/test": () => ({ input: { id: "1" } }),
  "POST /conversations": ({ world }) => ({
    agentId: exampleAgentOf(world),
    title: marker("visible", "chat"),
  }),
  "PATCH /conversations/:id": () => ({ title: marker("visible", "chat-renamed") }),
  "POST /conversations/:id/messages": () => ({ text: "How many leave days do I get?" }),
  "POST /conversations/:id/handoff": () => ({ reason: "I would like to talk to a person" }),
  // The org A admin may handle handoffs everywhere; the fixture conversation is not escalated (412).
  "POST /conversations/:id/assign": ({ world }) => ({ userId: world.orgA.users.admin.id }),
  "POST /conversations/:id/replies": () => ({ content: "A colleague here: how can I help?" }),
  // `model` may name the agent by id too, which is what the example knows synchronously.
  "POST /v1/chat/completions": ({ world }) => ({
    model: exampleAgentOf(world),
    messages: [{ role: "user", content: "How many leave days do I get?" }],
  }),
  "POST /conversations/:id/messages/:messageId/feedback": () => ({ rating: -1, comment: "matrix says no" }),
  // Removing budgets keeps the matrix's own world unlimited while still writing (and auditing).
  "PUT /budgets/org": () => ({ monthlyBudgetUsd: null }),
  "PUT /departments/:id/budget": () => ({ monthlyBudgetUsd: 250 }),
  "POST /invitations": ({ world }) => ({
    email: `${marker("visible", "invitee")}@example.test`,
    departmentId: world.orgA.d1.id,
  }),
};

/**
 * State an example request changes that later cases rely on, put back after each case: a password
 * change (a new password must differ from the current one) leaves every world user on WORLD_PASSWORD.
 */
export const exampleCleanups: Record<string, (world: IsolationWorld) => Promise<void>> = {
  "POST /users/me/password": async (world) => {
    await world.repos.users.updateWhere(undefined, { passwordHash: await passwordHash() });
  },
};

export function exampleBodyFor(method: string, url: string): ((ctx: ExampleContext) => unknown) | undefined {
  const key = `${method} ${url}`;
  return Object.hasOwn(exampleBodies, key) ? exampleBodies[key] : undefined;
}

/**
 * Query strings a route needs to do its job (required filters), keyed by `METHOD url`. Routes whose
 * query parameters are all optional need no entry.
 */
export const exampleQueries: Record<string, (ctx: ExampleContext) => Record<string, string>> = {
  // Analytics reports grouped by assistant: a leak would show the hidden department's agent by name.
  ...Object.fromEntries(
    ["activity", "tokens", "feedback", "citations", "unanswered", "approvals", "autonomy", "schedules"].map(
      (r) => [`GET /analytics/${r}`, () => ({ groupBy: "assistant", interval: "total" })],
    ),
  ),
};

/**
 * Values for path parameters other than `:id` (which is always the resource fixture's id), keyed by
 * `METHOD url`. A non-public route with another parameter and no entry here fails the matrix.
 */
export const extraPathParams: Record<string, (ctx: ExampleContext) => Record<string, string>> = {
  ...assistantPathParams,
  ...intentPathParams,
  ...approvalPathParams,
  "POST /conversations/:id/messages/:messageId/feedback": ({ id }) => ({ messageId: assistantMessageOf(id) }),
  "DELETE /conversations/:id/messages/:messageId/feedback": ({ id }) => ({
    messageId: assistantMessageOf(id),
  }),
};
