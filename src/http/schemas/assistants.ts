import { z } from "zod";
import { LLM_PROVIDERS } from "../../config/llm-providers.js";
import { PII_POLICIES } from "../../services/pii/settings.js";
import { jsonObjectInput, resourceName, timestamp } from "./common.js";
import { named } from "./named.js";

const name = resourceName;
const longText = z.string().max(20_000);
const shortText = z.string().max(2000);
const booleanQuery = z.enum(["true", "false"]).transform((v) => v === "true");

export const optionalBoolean = booleanQuery.optional();
export const includeFlag = booleanQuery.default(false);

export const persona = named(
  z.object({
    id: z.uuid(),
    departmentId: z.uuid().nullable(),
    name: z.string(),
    description: z.string().nullable(),
    prompt: z.string(),
    tone: z.string().nullable(),
    greeting: z.string().nullable(),
    avatarUrl: z.string().nullable(),
    config: z.record(z.string(), z.unknown()),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
  "Persona",
);

export const createPersonaBody = z.object({
  departmentId: z.uuid().nullish(),
  name,
  description: shortText.nullish(),
  prompt: longText.optional(),
  tone: z.string().max(200).nullish(),
  greeting: shortText.nullish(),
  avatarUrl: z.url().max(2000).nullish(),
  config: jsonObjectInput.optional(),
});

export const updatePersonaBody = createPersonaBody
  .omit({ departmentId: true })
  .partial()
  .refine((b) => Object.keys(b).length > 0, "send at least one field");

export const namespace = named(
  z.object({
    id: z.uuid(),
    departmentId: z.uuid(),
    name: z.string(),
    slug: z.string(),
    description: z.string().nullable(),
    systemPrompt: z.string(),
    persona: z.string().nullable(),
    personaId: z.uuid().nullable(),
    config: z.record(z.string(), z.unknown()),
    isActive: z.boolean(),
    piiPolicy: z.enum(PII_POLICIES),
    piiRules: z.object({
      patterns: z
        .array(z.object({ kind: z.string(), pattern: z.string(), ignoreCase: z.boolean().optional() }))
        .optional(),
      dictionaries: z.array(z.object({ kind: z.string(), terms: z.array(z.string()) })).optional(),
    }),
    piiMaskStoredQuestion: z.boolean(),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
  "Namespace",
);

const piiKind = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{1,39}$/, "2-40 capitals, digits or _, starting with a letter")
  .describe("the kind its findings get; placeholders read <KIND_n>");

/** A namespace's own PII detectors (ADR 0007). */
export const piiRulesInput = z
  .object({
    patterns: z
      .array(
        z
          .object({
            kind: piiKind,
            pattern: z.string().min(1).max(200).describe("a JavaScript regular expression, without slashes"),
            ignoreCase: z.boolean().optional(),
          })
          .strict(),
      )
      .max(50)
      .optional(),
    dictionaries: z
      .array(
        z
          .object({
            kind: piiKind,
            terms: z.array(z.string().trim().min(2).max(200)).min(1).max(5000),
          })
          .strict(),
      )
      .max(20)
      .optional(),
  })
  .strict();

export const createNamespaceBody = z.object({
  departmentId: z.uuid(),
  name,
  slug: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "lowercase letters, digits and single dashes"),
  description: shortText.nullish(),
  systemPrompt: longText.optional(),
  persona: longText.nullish(),
  personaId: z.uuid().nullish(),
  config: jsonObjectInput.optional(),
  isActive: z.boolean().optional(),
  piiPolicy: z
    .enum(PII_POLICIES)
    .optional()
    .describe("off, mask (placeholders before any model or tool; the default) or block (refuse the turn)"),
  piiRules: piiRulesInput.optional(),
  piiMaskStoredQuestion: z
    .boolean()
    .optional()
    .describe("store the person's question masked too (by default it is kept as written)"),
});

export const updateNamespaceBody = createNamespaceBody
  .omit({ departmentId: true })
  .partial()
  .refine((b) => Object.keys(b).length > 0, "send at least one field");

export const plugin = z.object({
  id: z.uuid(),
  namespaceId: z.uuid(),
  pluginId: z.string(),
  enabled: z.boolean(),
  /** Credential values come back as "[set]"; sending "[set]" again keeps the stored value. */
  config: z.record(z.string(), z.unknown()),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const pluginList = z.object({
  items: z.array(plugin),
  available: z.array(
    z.object({
      id: z.string(),
      description: z.string(),
      credentials: z
        .array(z.string())
        .describe(
          'Settings that are credentials (dotted paths, `*` for any key): sealed, shown back as "[set]"',
        ),
    }),
  ),
});

export const putPluginBody = z.object({
  enabled: z.boolean().optional(),
  config: jsonObjectInput.optional(),
});

export const pluginParams = z.object({
  id: z.uuid({ message: "must be a UUID" }),
  pluginId: z.string().min(1).max(50),
});

const agentFields = {
  name: z.string(),
  description: z.string().nullable(),
  departmentId: z.uuid().nullable(),
  personaId: z.uuid().nullable(),
  prompt: z.string().nullable(),
  primaryModelProvider: z.string().nullable(),
  primaryModel: z.string().nullable(),
  primaryModelTemperature: z.number().nullable(),
  toolsEnabled: z.array(z.string()),
  ragEnabled: z.array(z.uuid()),
  maxSteps: z.number().int(),
  config: z.record(z.string(), z.unknown()),
};

export const agent = named(
  z.object({
    id: z.uuid(),
    ...agentFields,
    enabled: z.boolean(),
    archived: z.boolean(),
    currentVersionId: z.uuid().nullable(),
    currentVersion: z.number().int().nullable(),
    hasUnpublishedChanges: z.boolean(),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
  "Agent",
);

export const agentVersion = z.object({
  id: z.uuid(),
  agentId: z.uuid(),
  version: z.number().int(),
  ...agentFields,
  /** The persona's text as it was when the version was published. */
  persona: z.string().nullable(),
  changelog: z.string().nullable(),
  publishedById: z.uuid().nullable(),
  publishedAt: timestamp,
});

export const createAgentBody = z.object({
  name,
  description: shortText.nullish(),
  departmentId: z.uuid().nullish(),
  personaId: z.uuid().nullish(),
  prompt: longText.nullish(),
  primaryModelProvider: z.enum(LLM_PROVIDERS).nullish(),
  primaryModel: z.string().trim().min(1).max(200).nullish(),
  primaryModelTemperature: z.number().min(0).max(2).nullish(),
  toolsEnabled: z.array(z.string().min(1).max(200)).max(100).optional(),
  ragEnabled: z.array(z.uuid()).max(100).optional(),
  maxSteps: z.number().int().min(1).max(20).optional(),
  config: jsonObjectInput.optional(),
});

export const updateAgentBody = createAgentBody
  .omit({ departmentId: true })
  .partial()
  .refine((b) => Object.keys(b).length > 0, "send at least one field");

export const publishBody = z.object({ changelog: z.string().trim().max(2000).optional() });

export const versionParams = z.object({
  id: z.uuid({ message: "must be a UUID" }),
  version: z.coerce.number().int().min(1).max(1_000_000),
});
