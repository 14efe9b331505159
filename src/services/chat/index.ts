export type { ApiChat, ApiChatRequest, ApiMessage } from "./api-chat.js";
export { createApiChat } from "./api-chat.js";
export type { ChatService, SendOptions, TurnOutcome } from "./chat-service.js";
export { createChatService } from "./chat-service.js";
export { TURN_STAGES } from "./pipeline.js";
export type { RunTrace } from "./run-trace.js";
export { FINISHED_TURN_RETENTION_MS, TurnHub } from "./turn-hub.js";
