import { deriveKey } from "../../lib/encryption.js";
import type { Repositories } from "../../repositories/index.js";
import { createAgentService } from "./agent-service.js";
import { createNamespaceService } from "./namespace-service.js";
import { createPersonaService } from "./persona-service.js";
import { PLUGIN_SECRETS_PURPOSE } from "./plugins.js";

export type { AgentInput, AgentPatch, AgentService } from "./agent-service.js";
export type { AgentForChat, AgentRef, ResolvedAgent } from "./resolve-agent.js";
export { createAgentResolver } from "./resolve-agent.js";

/** Assistants administration: personas, namespaces (department assistants) and agents with versions. */
export function createAssistantServices(repositories: Repositories, authSecret: string) {
  return {
    personas: createPersonaService(repositories),
    namespaces: createNamespaceService(repositories, deriveKey(authSecret, PLUGIN_SECRETS_PURPOSE)),
    agents: createAgentService(repositories),
  };
}
