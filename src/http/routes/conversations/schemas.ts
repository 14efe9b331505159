import { z } from "zod";
import { MAX_PAGE_SIZE } from "../../../lib/pagination.js";
import { cursorPageOf, jsonObjectInput, pageOf, timestamp } from "../../schemas/common.js";
import { named } from "../../schemas/named.js";

export const conversationChannel = z.enum(["web", "whatsapp", "telegram", "slack", "email", "api"]);
export const conversationStatus = z.enum(["active", "closed", "escalated", "awaiting_approval"]);

export const conversation = named(
  z.object({
    id: z.uuid(),
    departmentId: z.uuid().nullable().describe("The agent's department; null for an org-wide agent"),
    userId: z.uuid().describe("The owner"),
    namespaceId: z.uuid().nullable(),
    agentId: z.uuid().nullable(),
    agentVersionId: z.uuid().nullable().describe("The agent version the conversation is pinned to"),
    agentName: z.string().nullable(),
    agentVersion: z.number().int().nullable(),
    channel: conversationChannel,
    externalId: z.string().nullable(),
    status: conversationStatus,
    title: z.string().nullable(),
    messageCount: z.number().int(),
    metadata: z.record(z.string(), z.unknown()),
    lastMessageAt: timestamp.nullable(),
    closedAt: timestamp.nullable(),
    assigneeId: z
      .uuid()
      .nullable()
      .describe("The person handling the conversation after a handoff (null: nobody, or the assistant)"),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
  "Conversation",
);

const title = z.string().trim().min(1).max(200);

export const createConversationBody = z
  .object({
    agentId: z.uuid().optional(),
    agentName: z.string().trim().min(1).max(200).optional(),
    namespaceId: z.uuid().optional().describe("A department assistant; its default agent answers"),
    title: title.nullish(),
    channel: conversationChannel.default("web"),
    metadata: jsonObjectInput.optional(),
  })
  .refine((b) => b.agentId || b.agentName || b.namespaceId, "name an agentId, an agentName or a namespaceId")
  .refine((b) => !(b.agentId && b.agentName), "give agentId or agentName, not both");

export const updateConversationBody = z
  .object({ title: title.nullable().optional(), metadata: jsonObjectInput.optional() })
  .refine((b) => Object.keys(b).length > 0, "send at least one field");

const optionalInt = (max: number) => z.coerce.number().int().min(1).max(max).optional();

export const listConversationsQuery = z.object({
  scope: z
    .enum(["mine", "department"])
    .default("mine")
    .describe("mine: your own conversations; department: your departments' (needs analytics:read)"),
  status: conversationStatus.optional(),
  agentId: z.uuid().optional(),
  channel: conversationChannel.optional(),
  q: z.string().trim().min(1).max(200).optional().describe("Searches titles and message text"),
  page: optionalInt(1_000_000).describe("Numbered pages (with a total); the default"),
  pageSize: optionalInt(MAX_PAGE_SIZE),
  cursor: z.string().max(200).optional().describe("Keyset pages: the nextCursor of the previous page"),
  limit: optionalInt(MAX_PAGE_SIZE).describe("Keyset page size; giving cursor or limit selects keyset pages"),
});

export const conversationList = z.union([pageOf(conversation), cursorPageOf(conversation)]);

export const feedback = z.object({
  rating: z.number().int(),
  comment: z.string().nullable(),
  updatedAt: timestamp,
});

export const message = z.object({
  id: z.uuid(),
  conversationId: z.uuid(),
  role: z.enum(["user", "assistant", "system", "tool"]),
  content: z.string(),
  parts: z.array(z.unknown()),
  sources: z.array(z.unknown()).describe("The citations the answer was checked against"),
  metadata: z.record(z.string(), z.unknown()),
  model: z.string().nullable(),
  tokenCount: z.number().int().nullable(),
  heldForApproval: z.boolean().describe("A reply waiting for an approver; its text is withheld"),
  authorId: z
    .uuid()
    .nullable()
    .describe(
      "Who wrote it, on messages of a handoff: the colleague who replied (role assistant) or the requester " +
        "writing to them; null otherwise (the assistant's replies; questions of ordinary turns are the owner's)",
    ),
  feedback: feedback.nullable().describe("Your own feedback on this message"),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const feedbackBody = z.object({
  rating: z.union([z.literal(1), z.literal(-1)]).describe("1 (helpful) or -1 (not helpful)"),
  comment: z.string().trim().max(2000).nullish(),
});

export const messageParams = z.object({
  id: z.uuid({ message: "must be a UUID" }),
  messageId: z.uuid({ message: "must be a UUID" }),
});
