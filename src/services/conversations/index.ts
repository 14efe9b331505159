import type { Repositories } from "../../repositories/index.js";
import type { PiiService } from "../pii/index.js";
import { createConversationService } from "./conversation-service.js";
import { createMessageService } from "./message-service.js";

export type ConversationsRepositories = Pick<
  Repositories,
  | "agentVersions"
  | "agents"
  | "auditLogs"
  | "conversations"
  | "feedback"
  | "messages"
  | "namespaces"
  | "personas"
>;

export type {
  ConversationPatch,
  CreateConversationInput,
  ListPaging,
  ListScope,
} from "./conversation-service.js";
export { titleFromFirstMessage } from "./title.js";
export type { ConversationView, MessageView } from "./views.js";

/** `services.conversations`: conversation CRUD and search, message history and feedback. */
export function createConversationsService(repositories: ConversationsRepositories, pii?: PiiService) {
  return { ...createConversationService(repositories), ...createMessageService(repositories, pii) };
}

export type ConversationsService = ReturnType<typeof createConversationsService>;
