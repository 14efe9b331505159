import { deriveKey } from "../../lib/encryption.js";
import type { Repositories } from "../../repositories/index.js";
import { createAgentService } from "./agent-service.js";
import { createNamespaceService } from "./namespace-service.js";
import { createPersonaService } from "./persona-service.js";
import { PLUGIN_SECRETS_PURPOSE } from "./plugins.js";

export type AssistantsRepositories = Pick<
  Repositories,
  | "agentVersions"
  | "agents"
  | "auditLogs"
  | "departments"
  | "knowledgeBases"
  | "namespacePlugins"
  | "namespaces"
  | "personas"
>;

export type { AgentForChat, AgentLoader, AgentRef, ResolvedAgent } from "./agent-loader.js";
export { createAgentLoader } from "./agent-loader.js";
export type { AgentInput, AgentPatch, AgentService } from "./agent-service.js";

/** Assistants administration: personas, namespaces (department assistants) and agents with versions. */
export function createAssistantServices(repositories: AssistantsRepositories, authSecret: string) {
  return {
    personas: createPersonaService(repositories),
    namespaces: createNamespaceService(repositories, deriveKey(authSecret, PLUGIN_SECRETS_PURPOSE)),
    agents: createAgentService(repositories),
  };
}
