import { z } from "zod";
import { httpToolConfigInput, mcpToolConfigInput } from "../../../services/tools/tool-config.js";
import { TOOL_NAME_PATTERN } from "../../../services/tools/tool-names.js";
import { jsonObjectInput, timestamp } from "../../schemas/common.js";
import { named } from "../../schemas/named.js";

const name = z.string().regex(TOOL_NAME_PATTERN, "1-64 letters, digits, _ or -");
const description = z.string().max(2000);

export const tool = named(
  z.object({
    id: z.uuid(),
    /** Null: an org-wide tool. */
    departmentId: z.uuid().nullable(),
    name: z.string(),
    description: z.string(),
    kind: z.enum(["http", "mcp"]),
    inputSchema: z.record(z.string(), z.unknown()),
    /** The configuration without secret values: `secretNames` / `envNames` list what is set. */
    config: z.record(z.string(), z.unknown()),
    requiresApproval: z.boolean(),
    enabled: z.boolean(),
    createdById: z.uuid().nullable(),
    /** Who set the tool's secrets: only they or an org:admin may change the tool (null: no secrets). */
    secretsSetById: z.uuid().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
  "Tool",
);

export const builtinTool = z.object({
  name: z.string(),
  kind: z.literal("builtin"),
  description: z.string(),
  inputSchema: z.record(z.string(), z.unknown()),
  requiresApproval: z.boolean(),
});

export const mcpStdioServer = z.object({
  name: z.string(),
  description: z.string(),
  /** Environment variables a tool of this server may set (config.env), e.g. its own API token. */
  tenantEnv: z.array(z.string()),
});

/** A call of the tool pauses the turn until an approver decides (ADR 0008). */
const requiresApproval = z
  .boolean()
  .optional()
  .describe(
    "true: every call waits for an approver (the turn is held; approving runs it, rejecting never does)",
  );

const common = {
  departmentId: z.uuid().nullish(),
  name,
  description: description.optional(),
  /** JSON Schema of the input object (default: an object with no declared properties). */
  inputSchema: jsonObjectInput.optional(),
  requiresApproval,
  enabled: z.boolean().optional(),
};

export const createToolBody = z.discriminatedUnion("kind", [
  z.object({ ...common, kind: z.literal("http"), config: httpToolConfigInput }),
  z.object({ ...common, kind: z.literal("mcp"), config: mcpToolConfigInput }),
]);

export const updateToolBody = z
  .object({
    departmentId: z.uuid().nullable().optional(),
    name: name.optional(),
    description: description.optional(),
    inputSchema: jsonObjectInput.optional(),
    /** The whole configuration of the tool's kind; secrets not sent are kept, a secret sent as null is removed. */
    config: z.union([httpToolConfigInput, mcpToolConfigInput]).optional(),
    requiresApproval,
    enabled: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, "send at least one field");

export const toolTestBody = z.object({
  /** For an MCP tool: the server's tool to call, by the name the server lists. */
  tool: z.string().min(1).max(200).optional(),
  /** The tool's input, validated against its inputSchema as in a chat turn. */
  input: jsonObjectInput.default({}),
});

export const toolTestResult = named(
  z.object({
    ok: z.boolean(),
    tool: z.string(),
    status: z.number().int().nullable(),
    durationMs: z.number().int(),
    output: z.string(),
    truncated: z.boolean(),
    errorCode: z.string().nullable(),
  }),
  "ToolTestResult",
);
