import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns.js";
import { toolKind } from "./enums.js";
import { departments, organizations, users } from "./identity.js";

/** Reusable persona (seed 001 `personas`): voice and standing instructions. Null department = org-wide. */
export const personas = pgTable(
  "personas",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    departmentId: uuid().references(() => departments.id, { onDelete: "cascade" }),
    name: text().notNull(),
    description: text(),
    /** Instructions prepended to the system prompt. */
    prompt: text().notNull().default(""),
    tone: text(),
    greeting: text(),
    avatarUrl: text(),
    config: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    isArchived: boolean().notNull().default(false),
    createdById: uuid().references(() => users.id, { onDelete: "set null" }),
    ...timestamps(),
  },
  (t) => [
    index("personas_org_id_idx").on(t.orgId),
    index("personas_department_id_idx").on(t.departmentId),
    index("personas_created_by_id_idx").on(t.createdById),
  ],
);

/**
 * Department assistant (seed 000 `Namespace`): scopes persona, trust matrix, adapter config, plugins,
 * conversations, document templates and agent tasks. `config` holds adapter and trust defaults.
 */
export const namespaces = pgTable(
  "namespaces",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    departmentId: uuid()
      .notNull()
      .references(() => departments.id, { onDelete: "cascade" }),
    name: text().notNull(),
    slug: text().notNull(),
    description: text(),
    systemPrompt: text().notNull().default(""),
    /** Inline persona text (seed 000); `personaId` links a reusable persona instead. */
    persona: text(),
    personaId: uuid().references(() => personas.id, { onDelete: "set null" }),
    config: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    isActive: boolean().notNull().default(true),
    /**
     * What happens to personal data in this namespace's chat turns (ADR 0007): `off`, `mask` (replaced
     * by placeholders before anything leaves for a model or tool; the default for new namespaces) or
     * `block` (the turn is refused, naming the kinds found).
     */
    piiPolicy: text().$type<"off" | "mask" | "block">().notNull().default("mask"),
    /** The namespace's own detectors: `{ patterns: [{kind, pattern, ignoreCase?}], dictionaries: [{kind, terms}] }`. */
    piiRules: jsonb()
      .$type<{
        patterns?: Array<{ kind: string; pattern: string; ignoreCase?: boolean | undefined }> | undefined;
        dictionaries?: Array<{ kind: string; terms: string[] }> | undefined;
      }>()
      .notNull()
      .default({}),
    /** Store the person's question masked too (by default it is kept as written, their own words). */
    piiMaskStoredQuestion: boolean().notNull().default(false),
    ...timestamps(),
  },
  (t) => [
    check("namespaces_pii_policy_check", sql`${t.piiPolicy} in ('off', 'mask', 'block')`),
    uniqueIndex("namespaces_org_slug_uq").on(t.orgId, t.slug),
    index("namespaces_department_id_idx").on(t.departmentId),
    index("namespaces_persona_id_idx").on(t.personaId),
  ],
);

/** Integration plugin enabled on a namespace (seed 000 `NamespacePlugin`). */
export const namespacePlugins = pgTable(
  "namespace_plugins",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    namespaceId: uuid()
      .notNull()
      .references(() => namespaces.id, { onDelete: "cascade" }),
    /** Plugin identifier from the code registry, e.g. `slack`, `telegram`, `calendar`. */
    pluginId: text().notNull(),
    /** Plugin settings; secrets inside are encrypted by the application. */
    config: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    enabled: boolean().notNull().default(true),
    ...timestamps(),
  },
  (t) => [
    index("namespace_plugins_org_id_idx").on(t.orgId),
    uniqueIndex("namespace_plugins_namespace_plugin_uq").on(t.namespaceId, t.pluginId),
  ],
);

/**
 * Agent definition (seed 001 `agents`), editable draft. Publishing snapshots it into agent_versions;
 * `currentVersionId` is what new conversations use. Null department = org-wide agent.
 */
export const agents = pgTable(
  "agents",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    departmentId: uuid().references(() => departments.id, { onDelete: "cascade" }),
    personaId: uuid().references(() => personas.id, { onDelete: "set null" }),
    name: text().notNull(),
    description: text(),
    prompt: text(),
    primaryModelProvider: text(),
    primaryModel: text(),
    primaryModelTemperature: real(),
    /** Tool names the agent may call. */
    toolsEnabled: text().array().notNull().default(sql`'{}'::text[]`),
    /** Knowledge base ids the agent retrieves from. */
    ragEnabled: uuid().array().notNull().default(sql`'{}'::uuid[]`),
    maxSteps: integer().notNull().default(8),
    config: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    enabled: boolean().notNull().default(true),
    archived: boolean().notNull().default(false),
    currentVersionId: uuid().references((): AnyPgColumn => agentVersions.id, { onDelete: "set null" }),
    createdById: uuid().references(() => users.id, { onDelete: "set null" }),
    ...timestamps(),
  },
  (t) => [
    index("agents_org_id_idx").on(t.orgId),
    index("agents_department_id_idx").on(t.departmentId),
    index("agents_persona_id_idx").on(t.personaId),
    index("agents_current_version_id_idx").on(t.currentVersionId),
    index("agents_created_by_id_idx").on(t.createdById),
    // The OpenAI-compatible endpoint addresses agents by name, so live names must not collide.
    uniqueIndex("agents_org_name_active_uq")
      .on(t.orgId, sql`lower(${t.name})`)
      .where(sql`${t.archived} = false`),
  ],
);

/** Immutable published snapshot of an agent (seed 001 `agentVersions`). */
export const agentVersions = pgTable(
  "agent_versions",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    agentId: uuid()
      .notNull()
      .references((): AnyPgColumn => agents.id, { onDelete: "cascade" }),
    version: integer().notNull(),
    name: text().notNull(),
    prompt: text(),
    primaryModelProvider: text(),
    primaryModel: text(),
    primaryModelTemperature: real(),
    toolsEnabled: text().array().notNull().default(sql`'{}'::text[]`),
    ragEnabled: uuid().array().notNull().default(sql`'{}'::uuid[]`),
    maxSteps: integer().notNull().default(8),
    personaId: uuid().references(() => personas.id, { onDelete: "set null" }),
    /** Full snapshot of the agent (and persona text) at publish time. */
    config: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    changelog: text(),
    publishedById: uuid().references(() => users.id, { onDelete: "set null" }),
    publishedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    ...timestamps(),
  },
  (t) => [
    index("agent_versions_org_id_idx").on(t.orgId),
    uniqueIndex("agent_versions_agent_version_uq").on(t.agentId, t.version),
    index("agent_versions_persona_id_idx").on(t.personaId),
    index("agent_versions_published_by_id_idx").on(t.publishedById),
  ],
);

/**
 * Tool an agent can call (seed 001 `tools`): built-in (code), HTTP endpoint or MCP server.
 * `inputSchema` is JSON Schema; `config` holds url/method/headers or the MCP server address.
 */
export const tools = pgTable(
  "tools",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    departmentId: uuid().references(() => departments.id, { onDelete: "cascade" }),
    name: text().notNull(),
    description: text().notNull().default(""),
    kind: toolKind().notNull(),
    inputSchema: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    config: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    /** A call to this tool always waits for a human approver, regardless of intent trust. */
    requiresApproval: boolean().notNull().default(false),
    enabled: boolean().notNull().default(true),
    createdById: uuid().references(() => users.id, { onDelete: "set null" }),
    /**
     * Who last set the tool's secrets (HTTP secrets, MCP headers' secrets, stdio env values); only they
     * or an org:admin may change a tool holding them. Null: no secrets, or their setter is gone.
     */
    secretsSetById: uuid().references(() => users.id, { onDelete: "set null" }),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex("tools_org_name_uq").on(t.orgId, t.name),
    index("tools_department_id_idx").on(t.departmentId),
    index("tools_created_by_id_idx").on(t.createdById),
    index("tools_secrets_set_by_id_idx").on(t.secretsSetById),
  ],
);
