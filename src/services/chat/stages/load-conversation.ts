import { AppError } from "../../../lib/errors.js";
import { createAgentLoader } from "../../assistants/agent-loader.js";
import { loadConversation } from "../../conversations/conversation-access.js";
import type { TurnStageOf } from "../turn-state.js";

/** The conversation (visible, writable by the caller, `active`) and the agent version it is pinned to. */
export const loadConversationStage: TurnStageOf<"new"> = {
  name: "load-conversation",
  needs: "new",
  async run(state) {
    const { ctx, deps } = state;
    const conversation = await loadConversation(deps.repositories, ctx, state.conversationId, "write");
    // A resumed turn (its tool call approved) continues the conversation that waited for it.
    const resuming = state.resume !== undefined && conversation.status === "awaiting_approval";
    if (conversation.status !== "active" && !resuming) {
      throw new AppError(
        "PRECONDITION_FAILED",
        `The conversation is ${conversation.status.replace(/_/g, " ")}; reopen it to ask more`,
        { status: conversation.status },
      );
    }
    const { agent, pinVersionId } = await createAgentLoader(deps.repositories).forConversation(
      ctx,
      conversation,
    );
    state.conversation = conversation;
    state.agent = agent;
    state.pinVersionId = pinVersionId;
  },
};
