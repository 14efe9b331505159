import type { Queryable } from "../../src/db/client.js";
import type * as s from "../../src/db/schema/index.js";
import type { UserRow } from "./identity.js";
import type { Overrides, Repositories, Row, Values } from "./types.js";
import { unique } from "./unique.js";

export type ConversationRow = Row<typeof s.conversations>;
export type MessageRow = Row<typeof s.messages>;
type ConversationRef = Pick<ConversationRow, "id" | "orgId">;
type MessageRef = Pick<MessageRow, "id" | "orgId" | "conversationId">;

export function conversationValues(
  user: Pick<UserRow, "id" | "orgId">,
  overrides: Overrides<typeof s.conversations> = {},
): Values<typeof s.conversations> {
  return {
    orgId: user.orgId,
    userId: user.id,
    title: unique("Conversation"),
    metadata: { from: "factory" },
    ...overrides,
  };
}

export function makeConversation(
  repos: Repositories,
  user: Pick<UserRow, "id" | "orgId">,
  overrides: Overrides<typeof s.conversations> = {},
  tx?: Queryable,
) {
  return repos.conversations.create(conversationValues(user, overrides), tx);
}

export function messageValues(
  conversation: ConversationRef,
  overrides: Overrides<typeof s.messages> = {},
): Values<typeof s.messages> {
  const content = overrides.content ?? unique("Hello");
  return {
    orgId: conversation.orgId,
    conversationId: conversation.id,
    role: "user",
    content,
    textContent: content,
    parts: [{ type: "text", text: content }],
    ...overrides,
  };
}

export function makeMessage(
  repos: Repositories,
  conversation: ConversationRef,
  overrides: Overrides<typeof s.messages> = {},
  tx?: Queryable,
) {
  return repos.messages.create(messageValues(conversation, overrides), tx);
}

export function piiRedactionValues(
  conversation: ConversationRef,
  overrides: Overrides<typeof s.piiRedactionMaps> = {},
): Values<typeof s.piiRedactionMaps> {
  return {
    orgId: conversation.orgId,
    conversationId: conversation.id,
    placeholder: `[EMAIL_${unique("p")}]`,
    entityType: "email",
    encryptedValue: "v1:iv:ciphertext",
    ...overrides,
  };
}

export function feedbackValues(
  message: MessageRef,
  userId: string | null,
  overrides: Overrides<typeof s.feedback> = {},
): Values<typeof s.feedback> {
  return {
    orgId: message.orgId,
    conversationId: message.conversationId,
    messageId: message.id,
    userId,
    rating: 1,
    ...overrides,
  };
}
