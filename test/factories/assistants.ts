import type { Queryable } from "../../src/db/client.js";
import type * as s from "../../src/db/schema/index.js";
import type { DepartmentRow } from "./identity.js";
import type { Overrides, Repositories, Row, Values } from "./types.js";
import { unique } from "./unique.js";

export type NamespaceRow = Row<typeof s.namespaces>;
export type AgentRow = Row<typeof s.agents>;
type DepartmentRef = Pick<DepartmentRow, "id" | "orgId">;
type NamespaceRef = Pick<NamespaceRow, "id" | "orgId">;

export function personaValues(
  orgId: string,
  overrides: Overrides<typeof s.personas> = {},
): Values<typeof s.personas> {
  return {
    orgId,
    name: unique("Persona"),
    prompt: "Be concise and cite sources.",
    tone: "friendly",
    ...overrides,
  };
}

export function makePersona(
  repos: Repositories,
  orgId: string,
  overrides: Overrides<typeof s.personas> = {},
  tx?: Queryable,
) {
  return repos.personas.create(personaValues(orgId, overrides), tx);
}

export function namespaceValues(
  department: DepartmentRef,
  overrides: Overrides<typeof s.namespaces> = {},
): Values<typeof s.namespaces> {
  const slug = unique("ns");
  return {
    orgId: department.orgId,
    departmentId: department.id,
    name: `Assistant ${slug}`,
    slug,
    systemPrompt: "You help the department.",
    config: { adapter: "extractive" },
    ...overrides,
  };
}

export function makeNamespace(
  repos: Repositories,
  department: DepartmentRef,
  overrides: Overrides<typeof s.namespaces> = {},
  tx?: Queryable,
) {
  return repos.namespaces.create(namespaceValues(department, overrides), tx);
}

export function namespacePluginValues(
  namespace: NamespaceRef,
  overrides: Overrides<typeof s.namespacePlugins> = {},
): Values<typeof s.namespacePlugins> {
  return { orgId: namespace.orgId, namespaceId: namespace.id, pluginId: unique("plugin"), ...overrides };
}

export function agentValues(
  orgId: string,
  overrides: Overrides<typeof s.agents> = {},
): Values<typeof s.agents> {
  return {
    orgId,
    name: unique("Agent"),
    prompt: "Answer from the knowledge base.",
    primaryModelProvider: "openai",
    primaryModel: "gpt-test",
    primaryModelTemperature: 0.5,
    toolsEnabled: ["search"],
    ...overrides,
  };
}

export function makeAgent(
  repos: Repositories,
  orgId: string,
  overrides: Overrides<typeof s.agents> = {},
  tx?: Queryable,
) {
  return repos.agents.create(agentValues(orgId, overrides), tx);
}

export function agentVersionValues(
  agent: Pick<AgentRow, "id" | "orgId" | "name">,
  version: number,
  overrides: Overrides<typeof s.agentVersions> = {},
): Values<typeof s.agentVersions> {
  return {
    orgId: agent.orgId,
    agentId: agent.id,
    version,
    name: agent.name,
    config: { snapshot: true },
    ...overrides,
  };
}

export function makeAgentVersion(
  repos: Repositories,
  agent: Pick<AgentRow, "id" | "orgId" | "name">,
  version: number,
  overrides: Overrides<typeof s.agentVersions> = {},
  tx?: Queryable,
) {
  return repos.agentVersions.create(agentVersionValues(agent, version, overrides), tx);
}

export function toolValues(orgId: string, overrides: Overrides<typeof s.tools> = {}): Values<typeof s.tools> {
  return {
    orgId,
    name: unique("tool"),
    description: "Looks things up",
    kind: "http",
    inputSchema: { type: "object", properties: { q: { type: "string" } } },
    config: { url: "https://api.example.test/lookup", method: "GET" },
    ...overrides,
  };
}

export function makeTool(
  repos: Repositories,
  orgId: string,
  overrides: Overrides<typeof s.tools> = {},
  tx?: Queryable,
) {
  return repos.tools.create(toolValues(orgId, overrides), tx);
}
