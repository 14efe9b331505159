import type { FastifyPluginAsync } from "fastify";
import { agentRoutes } from "./agents.js";
import { namespaceRoutes } from "./namespaces.js";
import { personaRoutes } from "./personas.js";

/** Assistants administration: personas, namespaces (department assistants) with plugins, agents. */
export const assistantRoutes: FastifyPluginAsync = async (app) => {
  await app.register(personaRoutes);
  await app.register(namespaceRoutes);
  await app.register(agentRoutes);
};
