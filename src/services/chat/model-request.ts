import type { ResolvedAgent } from "../assistants/agent-loader.js";

/**
 * What the agent version asks of the model provider; unset fields take the configured defaults. Used
 * by the stages that record (persist-user-message) and make (model-call) the model call.
 */
export function modelRequest(agent: ResolvedAgent): { provider?: string; model?: string } {
  return {
    ...(agent.provider ? { provider: agent.provider } : {}),
    ...(agent.model ? { model: agent.model } : {}),
  };
}
