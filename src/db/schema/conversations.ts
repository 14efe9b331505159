import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns.js";
import { agents, agentVersions, namespaces } from "./assistants.js";
import { conversationChannel, conversationStatus, messageRole } from "./enums.js";
import { departments, organizations, users } from "./identity.js";

/**
 * Conversation thread (seed 000 `Conversation` + seed 001 `threads`). Talks either to a namespace
 * (department assistant) or to an agent (pinned to the version it started with). Null department =
 * conversation with an org-wide agent.
 */
export const conversations = pgTable(
  "conversations",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    departmentId: uuid().references(() => departments.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    namespaceId: uuid().references(() => namespaces.id, { onDelete: "set null" }),
    agentId: uuid().references(() => agents.id, { onDelete: "set null" }),
    agentVersionId: uuid().references(() => agentVersions.id, { onDelete: "set null" }),
    channel: conversationChannel().notNull().default("web"),
    /** Thread/chat id on the external channel (Slack thread ts, Telegram chat id, e-mail thread id). */
    externalId: text(),
    status: conversationStatus().notNull().default("active"),
    title: text(),
    /** Denormalised count, maintained in the same transaction as message inserts. */
    messageCount: integer().notNull().default(0),
    metadata: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    lastMessageAt: timestamp({ withTimezone: true }),
    closedAt: timestamp({ withTimezone: true }),
    /**
     * The person handling the conversation after a handoff (ADR 0012): set by a claim or an
     * assignment while the conversation is `escalated`, cleared when it goes back to the assistant.
     */
    assigneeId: uuid().references(() => users.id, { onDelete: "set null" }),
    ...timestamps(),
  },
  (t) => [
    index("conversations_assignee_id_idx").on(t.assigneeId),
    index("conversations_org_channel_external_id_idx").on(t.orgId, t.channel, t.externalId),
    index("conversations_department_id_idx").on(t.departmentId),
    index("conversations_user_id_created_at_idx").on(t.userId, t.createdAt),
    index("conversations_namespace_id_idx").on(t.namespaceId),
    index("conversations_agent_id_idx").on(t.agentId),
    index("conversations_agent_version_id_idx").on(t.agentVersionId),
  ],
);

/**
 * Message (seed 000 `Message` + seed 001 `messages`). `content` is what the model saw (PII masked),
 * `parts` the structured AI SDK parts, `sources` the verified citations, `textContent` plain text for
 * full-text search. An assistant reply waiting for an approver has `heldForApproval = true`.
 */
export const messages = pgTable(
  "messages",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    role: messageRole().notNull(),
    content: text().notNull().default(""),
    textContent: text(),
    parts: jsonb().$type<unknown[]>().notNull().default([]),
    sources: jsonb().$type<unknown[]>().notNull().default([]),
    metadata: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    model: text(),
    tokenCount: integer(),
    heldForApproval: boolean().notNull().default(false),
    /**
     * Who wrote the message, on messages of a handoff (ADR 0012): the colleague who replied (role
     * `assistant` with an author) or the requester writing to them. Null otherwise: the model's
     * replies, and questions of ordinary turns (their author is the conversation's owner).
     */
    authorId: uuid().references(() => users.id, { onDelete: "set null" }),
    ...timestamps(),
  },
  (t) => [
    index("messages_org_id_idx").on(t.orgId),
    index("messages_conversation_id_created_at_idx").on(t.conversationId, t.createdAt),
    index("messages_author_id_idx").on(t.authorId).where(sql`${t.authorId} is not null`),
    index("messages_text_content_gin_idx").using(
      "gin",
      sql`to_tsvector('english', coalesce(${t.textContent}, ''))`,
    ),
  ],
);

/**
 * Reversible PII placeholder for one conversation (seed 000 `PiiRedactionMap`): the model sees
 * `placeholder`; the original is AES-GCM encrypted. `valueHash` (keyed HMAC) lets the same value reuse
 * the same placeholder without decrypting.
 */
export const piiRedactionMaps = pgTable(
  "pii_redaction_maps",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    messageId: uuid().references(() => messages.id, { onDelete: "set null" }),
    placeholder: text().notNull(),
    entityType: text().notNull(),
    encryptedValue: text().notNull(),
    valueHash: text(),
    ...timestamps(),
  },
  (t) => [
    index("pii_redaction_maps_org_id_idx").on(t.orgId),
    uniqueIndex("pii_redaction_maps_conversation_placeholder_uq").on(t.conversationId, t.placeholder),
    index("pii_redaction_maps_message_id_idx").on(t.messageId),
  ],
);

/** Thumbs up/down (+1 / -1) and optional comment on a message (seed 001 feedback). One per user. */
export const feedback = pgTable(
  "feedback",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    messageId: uuid()
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    userId: uuid().references(() => users.id, { onDelete: "set null" }),
    rating: smallint().notNull(),
    comment: text(),
    ...timestamps(),
  },
  (t) => [
    index("feedback_org_id_created_at_idx").on(t.orgId, t.createdAt),
    index("feedback_conversation_id_idx").on(t.conversationId),
    uniqueIndex("feedback_message_user_uq").on(t.messageId, t.userId),
    index("feedback_user_id_idx").on(t.userId),
    check("feedback_rating_check", sql`${t.rating} in (-1, 1)`),
  ],
);
