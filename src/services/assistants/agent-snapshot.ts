import type { AgentRow, AgentVersionRow } from "../../repositories/agent.repository.js";
import type { PersonaRow } from "../../repositories/persona.repository.js";
import { personaText } from "./persona-service.js";

/**
 * What a published version pins: every field of the draft that shapes a conversation, with the
 * persona's text as it was (a persona edited later does not change a published version).
 */
export interface AgentSnapshot {
  name: string;
  description: string | null;
  departmentId: string | null;
  personaId: string | null;
  persona: string | null;
  prompt: string | null;
  primaryModelProvider: string | null;
  primaryModel: string | null;
  primaryModelTemperature: number | null;
  toolsEnabled: string[];
  ragEnabled: string[];
  maxSteps: number;
  config: Record<string, unknown>;
}

export function snapshotOf(agent: AgentRow, persona: PersonaRow | undefined): AgentSnapshot {
  return {
    name: agent.name,
    description: agent.description,
    departmentId: agent.departmentId,
    personaId: agent.personaId,
    persona: persona ? personaText(persona) : null,
    prompt: agent.prompt,
    primaryModelProvider: agent.primaryModelProvider,
    primaryModel: agent.primaryModel,
    primaryModelTemperature: agent.primaryModelTemperature,
    toolsEnabled: agent.toolsEnabled,
    ragEnabled: agent.ragEnabled,
    maxSteps: agent.maxSteps,
    config: agent.config,
  };
}

/** The snapshot a version row was published with. */
export function snapshotOfVersion(version: AgentVersionRow): AgentSnapshot {
  return version.config.snapshot as AgentSnapshot;
}

/** JSON with sorted keys: jsonb does not keep key order, so plain JSON.stringify would see changes. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

export function sameSnapshot(a: AgentSnapshot, b: AgentSnapshot | undefined): boolean {
  return b !== undefined && canonical(a) === canonical(b);
}

/** The columns of a new version row. */
export function versionValues(agent: AgentRow, snapshot: AgentSnapshot, version: number) {
  return {
    orgId: agent.orgId,
    agentId: agent.id,
    version,
    name: snapshot.name,
    prompt: snapshot.prompt,
    primaryModelProvider: snapshot.primaryModelProvider,
    primaryModel: snapshot.primaryModel,
    primaryModelTemperature: snapshot.primaryModelTemperature,
    toolsEnabled: snapshot.toolsEnabled,
    ragEnabled: snapshot.ragEnabled,
    maxSteps: snapshot.maxSteps,
    personaId: snapshot.personaId,
    config: { snapshot } as unknown as Record<string, unknown>,
  };
}

/** A version as clients see it: the pinned fields, flattened out of the stored snapshot. */
export function versionView(version: AgentVersionRow) {
  const snapshot = snapshotOfVersion(version);
  return {
    id: version.id,
    agentId: version.agentId,
    version: version.version,
    ...snapshot,
    changelog: version.changelog,
    publishedById: version.publishedById,
    publishedAt: version.publishedAt,
  };
}

export type AgentVersionView = ReturnType<typeof versionView>;
