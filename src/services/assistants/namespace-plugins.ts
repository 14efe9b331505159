import { withTransaction } from "../../db/transaction.js";
import type { EncryptionKey } from "../../lib/encryption.js";
import { AppError } from "../../lib/errors.js";
import type { Repositories } from "../../repositories/index.js";
import type { NamespacePluginRow, NamespaceRow } from "../../repositories/namespace.repository.js";
import { recordAudit } from "../audit/record-audit.js";
import type { ServiceContext } from "../context.js";
import { assertScopeWritable } from "./assistant-access.js";
import {
  assertPluginId,
  credentialPaths,
  maskPluginConfig,
  NAMESPACE_PLUGIN_IDS,
  NAMESPACE_PLUGINS,
  type NamespacePluginId,
  nextPluginConfig,
  openPluginConfig,
  resealPluginConfig,
} from "./plugins.js";

export type NamespacePluginsRepositories = Pick<
  Repositories,
  "auditLogs" | "departments" | "namespacePlugins"
>;

export interface PluginInput {
  enabled?: boolean | undefined;
  config?: Record<string, unknown> | undefined;
}

export type PluginView = Omit<NamespacePluginRow, "orgId">;

const view = ({ orgId: _orgId, ...plugin }: NamespacePluginRow): PluginView => ({
  ...plugin,
  config: maskPluginConfig(plugin.pluginId as NamespacePluginId, plugin.config),
});

/** What a client may enable, with the settings that are credentials (shown back as "[set]"). */
const AVAILABLE = NAMESPACE_PLUGIN_IDS.map((id) => ({
  id,
  description: NAMESPACE_PLUGINS[id].description,
  credentials: credentialPaths(NAMESPACE_PLUGINS[id].config),
}));

/**
 * The plugins (integrations) enabled on a namespace; ids and settings schemas come from the code
 * registry (`plugins.ts`). Credentials — the fields each plugin's schema declares as such, at any
 * depth — are stored sealed with `secretKey` and shown back as "[set]"; `configFor` opens them for the
 * channel adapter that needs them.
 */
export function createNamespacePlugins(
  r: NamespacePluginsRepositories,
  load: (ctx: ServiceContext, id: string) => Promise<NamespaceRow>,
  secretKey: EncryptionKey,
) {
  async function loadWritable(ctx: ServiceContext, namespaceId: string, pluginId: string) {
    const ns = await load(ctx, namespaceId);
    await assertScopeWritable(r, ctx, ns.departmentId);
    return { ns, id: assertPluginId(pluginId) };
  }

  return {
    async list(ctx: ServiceContext, namespaceId: string) {
      const ns = await load(ctx, namespaceId);
      const items = (await r.namespacePlugins.listFor(ns.id, ctx.db)).map(view);
      return { items, available: AVAILABLE };
    },

    /** Enables (or reconfigures) a plugin; `enabled: false` keeps its settings but switches it off. */
    async put(ctx: ServiceContext, namespaceId: string, pluginId: string, input: PluginInput) {
      const { ns, id } = await loadWritable(ctx, namespaceId, pluginId);
      return withTransaction(ctx.db, async (tx) => {
        const existing = await r.namespacePlugins.findFor(ns.id, id, tx);
        const stored = existing?.config ?? {};
        // No config in the request keeps the stored settings (sealing any written before sealing was).
        const config = input.config
          ? nextPluginConfig(secretKey, id, stored, input.config)
          : resealPluginConfig(secretKey, id, stored);
        const enabled = input.enabled ?? true;
        const plugin = existing
          ? await r.namespacePlugins.update(existing.id, { config, enabled }, tx)
          : await r.namespacePlugins.create(
              { orgId: ctx.orgId, namespaceId: ns.id, pluginId: id, config, enabled },
              tx,
            );
        await recordAudit(
          r,
          ctx,
          {
            action: existing ? "namespace.plugin_updated" : "namespace.plugin_added",
            entityType: "namespace",
            entityId: ns.id,
            departmentId: ns.departmentId,
            changes: { pluginId: id, enabled, configKeys: Object.keys(config) },
          },
          tx,
        );
        return view(plugin!);
      });
    },

    /** A plugin's settings with its credentials in clear: for channel adapters, never sent to a client. */
    async configFor(ctx: ServiceContext, namespaceId: string, pluginId: string) {
      const ns = await load(ctx, namespaceId);
      const id = assertPluginId(pluginId);
      const plugin = await r.namespacePlugins.findFor(ns.id, id, ctx.db);
      if (!plugin) throw new AppError("NOT_FOUND", `Plugin ${pluginId} is not configured on this namespace`);
      return { enabled: plugin.enabled, config: openPluginConfig(secretKey, id, plugin.config) };
    },

    async remove(ctx: ServiceContext, namespaceId: string, pluginId: string): Promise<void> {
      const { ns, id } = await loadWritable(ctx, namespaceId, pluginId);
      await withTransaction(ctx.db, async (tx) => {
        const existing = await r.namespacePlugins.findFor(ns.id, id, tx);
        if (!existing) throw new AppError("NOT_FOUND", `Plugin ${id} is not configured on this namespace`);
        await r.namespacePlugins.delete(existing.id, tx);
        await recordAudit(
          r,
          ctx,
          {
            action: "namespace.plugin_removed",
            entityType: "namespace",
            entityId: ns.id,
            departmentId: ns.departmentId,
            changes: { pluginId: id },
          },
          tx,
        );
      });
    },
  };
}
