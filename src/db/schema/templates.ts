import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns.js";
import { namespaces } from "./assistants.js";
import { conversations } from "./conversations.js";
import { documentGenerationStatus, outputFormat } from "./enums.js";
import { departments, organizations, users } from "./identity.js";
import { documents, knowledgeBases } from "./knowledge.js";

/** The types a template variable may declare. */
export type TemplateVariableType = "string" | "number" | "boolean" | "date" | "list" | "object";

/**
 * Variable a template expects: name, type, whether it must be supplied, a default, allowed values
 * (`enum`), a description and an example (used by previews). Legacy rows hold only name/description/
 * required; a missing type reads as "string".
 */
export interface TemplateVariable {
  name: string;
  type?: TemplateVariableType;
  description?: string;
  required?: boolean;
  default?: unknown;
  enum?: unknown[];
  example?: unknown;
}

/** Legacy file-backed template (seed 000 `Template`); the file lives in the storage provider. */
export const templates = pgTable(
  "templates",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    departmentId: uuid().references(() => departments.id, { onDelete: "cascade" }),
    name: text().notNull(),
    description: text(),
    filePath: text().notNull(),
    variables: jsonb().$type<TemplateVariable[]>().notNull().default([]),
    createdById: uuid().references(() => users.id, { onDelete: "set null" }),
    ...timestamps(),
  },
  (t) => [
    index("templates_org_id_idx").on(t.orgId),
    index("templates_department_id_idx").on(t.departmentId),
    index("templates_created_by_id_idx").on(t.createdById),
  ],
);

/** API-managed Handlebars template (seed 000 `DocumentTemplate`). */
export const documentTemplates = pgTable(
  "document_templates",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    departmentId: uuid().references(() => departments.id, { onDelete: "cascade" }),
    namespaceId: uuid().references(() => namespaces.id, { onDelete: "cascade" }),
    name: text().notNull(),
    description: text(),
    category: text(),
    templateBody: text().notNull(),
    variables: jsonb().$type<TemplateVariable[]>().notNull().default([]),
    outputFormat: outputFormat().notNull().default("markdown"),
    isActive: boolean().notNull().default(true),
    /** Bumped each time the body or the variables change; earlier ones are in document_template_versions. */
    version: integer().notNull().default(1),
    /** Generations are held as approvals (`approvals.document_generation_id`) until an approver decides. */
    requiresApproval: boolean().notNull().default(false),
    /** Where outputs are saved when a generation does not say (null: not saved unless asked). */
    defaultKnowledgeBaseId: uuid().references(() => knowledgeBases.id, { onDelete: "set null" }),
    /** The legacy file-backed template this one was converted from. */
    legacyTemplateId: uuid().references(() => templates.id, { onDelete: "set null" }),
    createdById: uuid().references(() => users.id, { onDelete: "set null" }),
    ...timestamps(),
  },
  (t) => [
    index("document_templates_org_id_idx").on(t.orgId),
    index("document_templates_department_id_idx").on(t.departmentId),
    index("document_templates_namespace_id_idx").on(t.namespaceId),
    index("document_templates_created_by_id_idx").on(t.createdById),
    index("document_templates_default_knowledge_base_id_idx").on(t.defaultKnowledgeBaseId),
    index("document_templates_legacy_template_id_idx").on(t.legacyTemplateId),
  ],
);

/** A body and variable declaration a template had: one row per version, the current one included. */
export const documentTemplateVersions = pgTable(
  "document_template_versions",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    templateId: uuid()
      .notNull()
      .references(() => documentTemplates.id, { onDelete: "cascade" }),
    version: integer().notNull(),
    templateBody: text().notNull(),
    variables: jsonb().$type<TemplateVariable[]>().notNull().default([]),
    outputFormat: outputFormat().notNull(),
    createdById: uuid().references(() => users.id, { onDelete: "set null" }),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex("document_template_versions_template_version_uq").on(t.templateId, t.version),
    index("document_template_versions_org_id_idx").on(t.orgId),
    index("document_template_versions_created_by_id_idx").on(t.createdById),
  ],
);

/**
 * One render of a template (seed 000 `DocumentGeneration`). History outlives its template. A saved
 * output becomes a `documents` row (source kind `generated`) referenced by `outputFileId`.
 */
export const documentGenerations = pgTable(
  "document_generations",
  {
    id: id(),
    orgId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    departmentId: uuid().references(() => departments.id, { onDelete: "cascade" }),
    templateId: uuid().references(() => documentTemplates.id, { onDelete: "set null" }),
    legacyTemplateId: uuid().references(() => templates.id, { onDelete: "set null" }),
    userId: uuid().references(() => users.id, { onDelete: "set null" }),
    conversationId: uuid().references(() => conversations.id, { onDelete: "set null" }),
    input: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    output: text(),
    outputFormat: outputFormat().notNull().default("markdown"),
    outputFileId: uuid().references(() => documents.id, { onDelete: "set null" }),
    /** The rendered file in blob storage (null until done, and after the output is deleted). */
    storageKey: text(),
    sizeBytes: integer(),
    /** The template version rendered. */
    templateVersion: integer(),
    /** Where the output is (or was asked to be) saved as a document. */
    knowledgeBaseId: uuid().references(() => knowledgeBases.id, { onDelete: "set null" }),
    status: documentGenerationStatus().notNull().default("pending"),
    error: text(),
    completedAt: timestamp({ withTimezone: true }),
    ...timestamps(),
  },
  (t) => [
    index("document_generations_org_id_created_at_idx").on(t.orgId, t.createdAt),
    index("document_generations_department_id_idx").on(t.departmentId),
    index("document_generations_template_id_idx").on(t.templateId),
    index("document_generations_legacy_template_id_idx").on(t.legacyTemplateId),
    index("document_generations_user_id_idx").on(t.userId),
    index("document_generations_conversation_id_idx").on(t.conversationId),
    index("document_generations_output_file_id_idx").on(t.outputFileId),
    index("document_generations_knowledge_base_id_idx").on(t.knowledgeBaseId),
  ],
);
