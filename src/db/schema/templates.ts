import { boolean, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns.js";
import { namespaces } from "./assistants.js";
import { conversations } from "./conversations.js";
import { documentGenerationStatus, outputFormat } from "./enums.js";
import { departments, organizations, users } from "./identity.js";
import { documents } from "./knowledge.js";

/** Variable a template expects: name, optional description, whether it must be supplied. */
export interface TemplateVariable {
  name: string;
  description?: string;
  required?: boolean;
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
    createdById: uuid().references(() => users.id, { onDelete: "set null" }),
    ...timestamps(),
  },
  (t) => [
    index("document_templates_org_id_idx").on(t.orgId),
    index("document_templates_department_id_idx").on(t.departmentId),
    index("document_templates_namespace_id_idx").on(t.namespaceId),
    index("document_templates_created_by_id_idx").on(t.createdById),
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
  ],
);
