import { z } from "zod";
import { jsonObjectInput, resourceName, timestamp } from "../../schemas/common.js";
import { named } from "../../schemas/named.js";

export const outputFormat = z.enum(["markdown", "html", "text", "pdf", "docx"]);

const variable = named(
  z.object({
    name: z.string().min(1).max(64),
    type: z.enum(["string", "number", "boolean", "date", "list", "object"]).optional(),
    description: z.string().max(1000).optional(),
    required: z.boolean().optional(),
    default: z.unknown().optional(),
    enum: z.array(z.unknown()).max(100).optional(),
    example: z.unknown().optional(),
  }),
  "TemplateVariable",
);

export const documentTemplate = named(
  z.object({
    id: z.uuid(),
    departmentId: z.uuid().nullable(),
    namespaceId: z.uuid().nullable(),
    name: z.string(),
    description: z.string().nullable(),
    category: z.string().nullable(),
    templateBody: z.string(),
    variables: z.array(variable),
    outputFormat,
    isActive: z.boolean(),
    version: z.number().int(),
    requiresApproval: z.boolean(),
    defaultKnowledgeBaseId: z.uuid().nullable(),
    legacyTemplateId: z.uuid().nullable(),
    createdById: z.uuid().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
  "DocumentTemplate",
);

export const templateVersion = named(
  z.object({
    id: z.uuid(),
    templateId: z.uuid(),
    version: z.number().int(),
    templateBody: z.string(),
    variables: z.array(variable),
    outputFormat,
    createdById: z.uuid().nullable(),
    createdAt: timestamp,
  }),
  "DocumentTemplateVersion",
);

export const createTemplateBody = z.object({
  departmentId: z.uuid().nullish(),
  namespaceId: z.uuid().nullish(),
  name: resourceName,
  description: z.string().max(2000).nullish(),
  category: z.string().max(100).nullish(),
  templateBody: z.string().min(1).max(200_000),
  variables: z.array(variable).max(100).optional(),
  outputFormat: outputFormat.optional(),
  requiresApproval: z.boolean().optional(),
  defaultKnowledgeBaseId: z.uuid().nullish(),
  isActive: z.boolean().optional(),
});

export const updateTemplateBody = createTemplateBody
  .omit({ departmentId: true, namespaceId: true })
  .partial()
  .refine((b) => Object.keys(b).length > 0, "send at least one field");

export const previewBody = z.object({ input: jsonObjectInput.optional() });

export const preview = named(
  z.object({
    output: z.string(),
    outputFormat,
    version: z.number().int(),
    input: z.record(z.string(), z.unknown()),
  }),
  "DocumentTemplatePreview",
);

export const generateBody = z.object({
  input: jsonObjectInput.optional(),
  knowledgeBaseId: z.uuid().nullish(),
  save: z.boolean().optional(),
  conversationId: z.uuid().nullish(),
});

export const generation = named(
  z.object({
    id: z.uuid(),
    departmentId: z.uuid().nullable(),
    templateId: z.uuid().nullable(),
    legacyTemplateId: z.uuid().nullable(),
    templateVersion: z.number().int().nullable(),
    userId: z.uuid().nullable(),
    conversationId: z.uuid().nullable(),
    input: z.record(z.string(), z.unknown()),
    outputFormat,
    status: z.enum(["pending", "rendering", "done", "failed", "awaiting_approval"]),
    error: z.string().nullable(),
    outputFileId: z.uuid().nullable(),
    knowledgeBaseId: z.uuid().nullable(),
    sizeBytes: z.number().int().nullable(),
    downloadUrl: z.string().nullable(),
    completedAt: timestamp.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
  "DocumentGeneration",
);
