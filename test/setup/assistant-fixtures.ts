import type { ExampleContext, ResourceFixture } from "./resource-fixtures.js";
import { marker } from "./world.js";

/**
 * Isolation-matrix fixtures of the assistants domain (personas, namespaces, agents), their example
 * bodies and path values. Kept here so resource-fixtures.ts only lists them.
 */
export const assistantFixtures: Record<string, ResourceFixture> = {
  /** A persona of the scope's department (department personas are as private as the department). */
  persona: {
    visibility: "department",
    async create(world, scope, kind) {
      const name = marker(kind, "persona");
      const persona = await world.repos.personas.create({
        ...scope,
        name,
        description: marker(kind, "persona-description"),
        prompt: `Speak like ${marker(kind, "persona-prompt")}`,
      });
      return { id: persona.id, identifiers: [persona.id, name, persona.description!, persona.prompt] };
    },
  },

  /** A namespace (department assistant) of the scope's department, with a Slack plugin configured. */
  namespace: {
    visibility: "department",
    async create(world, scope, kind) {
      const name = marker(kind, "namespace");
      const ns = await world.repos.namespaces.create({
        ...scope,
        name,
        slug: marker(kind, "ns"),
        description: marker(kind, "namespace-description"),
        systemPrompt: `You help ${marker(kind, "namespace-prompt")}`,
      });
      const channel = `#${marker(kind, "channel")}`;
      await world.repos.namespacePlugins.create({
        orgId: scope.orgId,
        namespaceId: ns.id,
        pluginId: "slack",
        config: { channel },
      });
      return { id: ns.id, identifiers: [ns.id, name, ns.slug, ns.description!, ns.systemPrompt, channel] };
    },
  },

  /** An agent of the scope's department, published as version 1. */
  agent: {
    visibility: "department",
    async create(world, scope, kind) {
      const name = marker(kind, "agent");
      const agent = await world.repos.agents.create({
        ...scope,
        name,
        description: marker(kind, "agent-description"),
        prompt: `Answer as ${marker(kind, "agent-prompt")}`,
      });
      const version = await world.repos.agentVersions.create({
        orgId: scope.orgId,
        agentId: agent.id,
        version: 1,
        name,
        prompt: agent.prompt,
        config: {
          snapshot: {
            name,
            description: agent.description,
            departmentId: agent.departmentId,
            personaId: null,
            persona: null,
            prompt: agent.prompt,
            primaryModelProvider: null,
            primaryModel: null,
            primaryModelTemperature: null,
            toolsEnabled: [],
            ragEnabled: [],
            maxSteps: agent.maxSteps,
            config: {},
          },
        },
      });
      await world.repos.agents.update(agent.id, { currentVersionId: version.id });
      return {
        id: agent.id,
        identifiers: [agent.id, version.id, name, agent.description!, agent.prompt!],
      };
    },
  },
};

export const assistantExampleBodies: Record<string, (ctx: ExampleContext) => unknown> = {
  "POST /personas": ({ world }) => ({
    departmentId: world.orgA.d1.id,
    name: marker("visible", "new-persona"),
  }),
  "PATCH /personas/:id": () => ({ description: marker("visible", "persona-changed") }),
  "POST /namespaces": ({ world }) => ({
    departmentId: world.orgA.d1.id,
    name: marker("visible", "new-namespace"),
    slug: marker("visible", "new-ns"),
  }),
  "PATCH /namespaces/:id": () => ({ description: marker("visible", "namespace-changed") }),
  "PUT /namespaces/:id/plugins/:pluginId": () => ({ enabled: true, config: { channel: "#matrix" } }),
  "POST /agents": ({ world }) => ({ departmentId: world.orgA.d1.id, name: marker("visible", "new-agent") }),
  "PATCH /agents/:id": () => ({ description: marker("visible", "agent-changed") }),
  "POST /agents/:id/publish": () => ({ changelog: "published by the isolation matrix" }),
};

export const assistantPathParams: Record<string, (ctx: ExampleContext) => Record<string, string>> = {
  "PUT /namespaces/:id/plugins/:pluginId": () => ({ pluginId: "slack" }),
  "DELETE /namespaces/:id/plugins/:pluginId": () => ({ pluginId: "slack" }),
  "GET /agents/:id/versions/:version": () => ({ version: "1" }),
};
