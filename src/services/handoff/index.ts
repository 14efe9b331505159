export type { HandedOffMessage, HandoffService } from "./handoff-service.js";
export { createHandoffService } from "./handoff-service.js";
