import { canSeeDepartment, hasPermission, requirePermission } from "../../core/access.js";
import { withTransaction } from "../../db/transaction.js";
import type { EncryptionKey } from "../../lib/encryption.js";
import { AppError } from "../../lib/errors.js";
import type { PageQuery } from "../../lib/pagination.js";
import type { Repositories } from "../../repositories/index.js";
import type { ToolFilter, ToolRow } from "../../repositories/tool.repository.js";
import { diff, recordAudit } from "../audit/record-audit.js";
import type { ServiceContext } from "../context.js";
import { isBuiltinTool } from "./builtins/names.js";
import { assertValidInputSchema } from "./input-validation.js";
import type { McpStdioServers, McpStdioServerView } from "./mcp-stdio-servers.js";
import type { RuntimeTool, ToolResolver } from "./runtime-tool.js";
import type { ToolConfigInput, ToolKind } from "./tool-config.js";
import { TOOL_NAME_PATTERN } from "./tool-names.js";
import { openSecrets, publicConfig, sameSealedValues, sealedValuesOf, storeConfig } from "./tool-secrets.js";
import { runToolTestCall, type ToolTestRequest, type ToolTestResult } from "./tool-test-call.js";

export type ToolServiceRepositories = Pick<Repositories, "auditLogs" | "departments" | "tools">;

export interface ToolInput {
  /** Null or omitted: an org-wide tool (needs a role that reaches every department). */
  departmentId?: string | null | undefined;
  name: string;
  description?: string | undefined;
  kind: ToolKind;
  inputSchema?: Record<string, unknown> | undefined;
  config: ToolConfigInput;
  requiresApproval?: boolean | undefined;
  enabled?: boolean | undefined;
}

export type ToolPatch = Partial<Omit<ToolInput, "kind">>;

/** A tool as the API shows it: configuration without secret values. */
export type ToolView = Omit<ToolRow, "orgId" | "kind"> & { kind: ToolKind };

export interface BuiltinToolView {
  name: string;
  kind: "builtin";
  description: string;
  inputSchema: Record<string, unknown>;
  requiresApproval: boolean;
}

const DEFAULT_INPUT_SCHEMA = { type: "object", properties: {} };

const view = (row: ToolRow): ToolView => {
  const { orgId: _org, ...rest } = row;
  return { ...rest, kind: row.kind as ToolKind, config: publicConfig(row.config) };
};

function assertName(name: string): void {
  if (!TOOL_NAME_PATTERN.test(name)) {
    throw new AppError("VALIDATION", "name: 1-64 letters, digits, _ or - (the rules for function names)");
  }
  if (isBuiltinTool(name)) throw new AppError("CONFLICT", `"${name}" is the name of a built-in tool`);
}

export function createToolService(deps: {
  repositories: ToolServiceRepositories;
  secretKey: EncryptionKey;
  builtins: () => RuntimeTool[];
  mcpStdio: McpStdioServers;
  /** The per-turn resolver: a test call runs a tool exactly as a chat turn would. */
  resolver: ToolResolver;
}) {
  const r = deps.repositories;

  function requireRead(ctx: ServiceContext): void {
    if (!hasPermission(ctx.access, "chat:use") && !hasPermission(ctx.access, "agents:manage")) {
      throw new AppError("FORBIDDEN", "This needs the chat:use or agents:manage permission", {
        permission: "chat:use",
      });
    }
  }

  /** Org-wide tools are seen by everyone in the organisation; department tools like other department data. */
  async function load(ctx: ServiceContext, id: string): Promise<ToolRow> {
    const row = await r.tools.findInOrg(ctx.orgId, id, ctx.db);
    if (!row || (row.departmentId !== null && !canSeeDepartment(ctx.access, row.departmentId))) {
      throw AppError.notFound("Tool", id);
    }
    return row;
  }

  /** Writing in a department needs to reach it; writing an org-wide tool needs every department. */
  async function assertWritable(ctx: ServiceContext, departmentId: string | null): Promise<void> {
    if (departmentId === null) {
      if (!ctx.access.allDepartments) {
        throw new AppError(
          "FORBIDDEN",
          "Org-wide tools can be changed only by a role that reaches every department",
        );
      }
      return;
    }
    const department = await r.departments.findInOrg(ctx.orgId, departmentId, ctx.db);
    if (!department || !canSeeDepartment(ctx.access, department.id)) {
      throw AppError.notFound("Department", departmentId);
    }
  }

  /**
   * A tool's secrets are its setter's: an editor who did not set them could otherwise change what the
   * tool does with them. Only the setter or an org:admin may change such a tool; anyone who may write
   * it can still switch it on or off, or delete it.
   */
  function assertMaySetterEdit(ctx: ServiceContext, row: ToolRow, patch: ToolPatch): void {
    if (Object.keys(sealedValuesOf(row.config)).length === 0) return;
    if (row.secretsSetById !== null && row.secretsSetById === ctx.actor.userId) return;
    if (hasPermission(ctx.access, "org:admin")) return;
    if (Object.keys(patch).every((field) => field === "enabled")) return;
    throw new AppError(
      "FORBIDDEN",
      "This tool holds secrets someone else set: only they or an org:admin may change it (you may switch it off or delete it)",
      { permission: "org:admin" },
    );
  }

  /**
   * Which process may run on the server is the operator's decision (the MCP_STDIO_SERVERS allow-list,
   * checked here by name and for the environment names a tool sets); choosing one of them for a tool
   * is an administrator's.
   */
  function assertTransportAllowed(ctx: ServiceContext, kind: ToolKind, config: unknown): void {
    if (kind !== "mcp") return;
    const stdio = config as { transport?: unknown; server?: unknown; env?: unknown };
    if (stdio?.transport !== "stdio") return;
    if (!hasPermission(ctx.access, "org:admin")) {
      throw new AppError(
        "FORBIDDEN",
        "MCP servers started as local processes need the org:admin permission",
        {
          permission: "org:admin",
        },
      );
    }
    if (typeof stdio.server === "string") {
      const env = stdio.env && typeof stdio.env === "object" ? Object.keys(stdio.env) : [];
      deps.mcpStdio.check(stdio.server, env);
    }
  }

  return {
    async list(ctx: ServiceContext, filter: ToolFilter, page: PageQuery) {
      requireRead(ctx);
      const result = await r.tools.pageVisible(ctx.orgId, ctx.access, filter, page, ctx.db);
      return { ...result, items: result.items.map(view) };
    },

    /** The built-in tools every agent may enable by name (they have no row). */
    builtins(ctx: ServiceContext): BuiltinToolView[] {
      requireRead(ctx);
      return deps.builtins().map((t) => ({
        name: t.name,
        kind: "builtin",
        description: t.description,
        inputSchema: t.inputSchema,
        requiresApproval: t.requiresApproval,
      }));
    },

    /** The MCP servers over stdio the operator allows: names and descriptions, never commands. */
    mcpServers(ctx: ServiceContext): McpStdioServerView[] {
      requireRead(ctx);
      return deps.mcpStdio.list();
    },

    async get(ctx: ServiceContext, id: string): Promise<ToolView> {
      requireRead(ctx);
      return view(await load(ctx, id));
    },

    async create(ctx: ServiceContext, input: ToolInput): Promise<ToolView> {
      requirePermission(ctx, "agents:manage");
      const departmentId = input.departmentId ?? null;
      await assertWritable(ctx, departmentId);
      assertName(input.name);
      assertTransportAllowed(ctx, input.kind, input.config);
      const inputSchema = input.inputSchema ?? DEFAULT_INPUT_SCHEMA;
      assertValidInputSchema(inputSchema);
      const config = storeConfig(deps.secretKey, input.kind, input.config);
      return withTransaction(ctx.db, async (tx) => {
        const row = await r.tools.create(
          {
            orgId: ctx.orgId,
            departmentId,
            name: input.name,
            description: input.description ?? "",
            kind: input.kind,
            inputSchema,
            config: config as unknown as Record<string, unknown>,
            requiresApproval: input.requiresApproval ?? false,
            enabled: input.enabled ?? true,
            createdById: ctx.actor.userId ?? null,
            secretsSetById:
              Object.keys(sealedValuesOf(config as never)).length > 0 ? (ctx.actor.userId ?? null) : null,
          },
          tx,
        );
        await recordAudit(
          r,
          ctx,
          {
            action: "tool.created",
            entityType: "tool",
            entityId: row.id,
            departmentId,
            changes: { name: row.name, kind: row.kind, config: publicConfig(row.config) },
          },
          tx,
        );
        return view(row);
      });
    },

    async update(ctx: ServiceContext, id: string, patch: ToolPatch): Promise<ToolView> {
      requirePermission(ctx, "agents:manage");
      const row = await load(ctx, id);
      await assertWritable(ctx, row.departmentId);
      const kind = row.kind as ToolKind;
      if (patch.departmentId !== undefined && patch.departmentId !== row.departmentId) {
        await assertWritable(ctx, patch.departmentId);
      }
      assertMaySetterEdit(ctx, row, patch);
      if (patch.name !== undefined) assertName(patch.name);
      if (patch.inputSchema !== undefined) assertValidInputSchema(patch.inputSchema);
      if (patch.config !== undefined) assertTransportAllowed(ctx, kind, patch.config);
      const config =
        patch.config === undefined ? undefined : storeConfig(deps.secretKey, kind, patch.config, row.config);
      const values = {
        ...(patch.departmentId !== undefined ? { departmentId: patch.departmentId } : {}),
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.inputSchema !== undefined ? { inputSchema: patch.inputSchema } : {}),
        ...(config ? { config: config as unknown as Record<string, unknown> } : {}),
        // Whoever changes the secrets (sends one, removes one, or drops them by moving the tool) owns them.
        ...(config && !sameSealedValues(row.config, config as never)
          ? {
              secretsSetById:
                Object.keys(sealedValuesOf(config as never)).length > 0 ? (ctx.actor.userId ?? null) : null,
            }
          : {}),
        ...(patch.requiresApproval !== undefined ? { requiresApproval: patch.requiresApproval } : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      };
      return withTransaction(ctx.db, async (tx) => {
        const updated = await r.tools.update(id, values, tx);
        const { config: _c, ...plainValues } = values;
        const changes = diff(row, plainValues);
        if (config) changes.config = { from: publicConfig(row.config), to: publicConfig(config as never) };
        await recordAudit(
          r,
          ctx,
          {
            action: "tool.updated",
            entityType: "tool",
            entityId: id,
            departmentId: updated!.departmentId,
            changes,
          },
          tx,
        );
        return view(updated!);
      });
    },

    /**
     * Runs the tool once with the given input, as a chat turn would (same network and stdio rules,
     * time limits, input validation); needs the rights to change the tool. Secrets never come back.
     */
    async testCall(ctx: ServiceContext, id: string, request: ToolTestRequest): Promise<ToolTestResult> {
      requirePermission(ctx, "agents:manage");
      const row = await load(ctx, id);
      await assertWritable(ctx, row.departmentId);
      return runToolTestCall(ctx, row, request, {
        resolver: deps.resolver,
        secrets: (sealed) => openSecrets(deps.secretKey, sealed),
      });
    },

    async delete(ctx: ServiceContext, id: string): Promise<void> {
      requirePermission(ctx, "agents:manage");
      const row = await load(ctx, id);
      await assertWritable(ctx, row.departmentId);
      await withTransaction(ctx.db, async (tx) => {
        await r.tools.delete(id, tx);
        await recordAudit(
          r,
          ctx,
          {
            action: "tool.deleted",
            entityType: "tool",
            entityId: id,
            departmentId: row.departmentId,
            changes: { name: row.name, kind: row.kind },
          },
          tx,
        );
      });
    },
  };
}

export type ToolService = ReturnType<typeof createToolService>;
