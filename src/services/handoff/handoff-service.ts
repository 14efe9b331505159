import { createHandoffAssignment } from "./handoff-assignment.js";
import { createHandoffBasics, type HandoffServiceDeps } from "./handoff-basics.js";
import { createHandoffMessages } from "./handoff-messages.js";

export type { HandoffServiceDeps, HandoffServiceRepositories } from "./handoff-basics.js";
export type { HandedOffMessage } from "./handoff-messages.js";

/**
 * Human handoff (ADR 0012): an `escalated` conversation is claimed by, or assigned to, a colleague
 * who may handle the department's handoffs (`conversations:handoff` and department reach); they reply
 * as themselves (messages with an author), and hand the conversation back to the assistant or close
 * it. While it is escalated, the requester's messages are stored for that person and never reach a
 * model. Every state change is a conditional update: two colleagues claiming at once, one wins.
 */
export function createHandoffService(deps: HandoffServiceDeps) {
  const basics = createHandoffBasics(deps);
  return { ...createHandoffAssignment(deps, basics), ...createHandoffMessages(deps, basics) };
}

export type HandoffService = ReturnType<typeof createHandoffService>;
