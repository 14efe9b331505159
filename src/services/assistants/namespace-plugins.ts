import { withTransaction } from "../../db/transaction.js";
import { AppError } from "../../lib/errors.js";
import type { Repositories } from "../../repositories/index.js";
import type { NamespacePluginRow, NamespaceRow } from "../../repositories/namespace.repository.js";
import { recordAudit } from "../audit/record-audit.js";
import type { ServiceContext } from "../context.js";
import { assertScopeWritable } from "./assistant-access.js";
import { assertPluginId, maskPluginConfig, NAMESPACE_PLUGINS } from "./plugins.js";

export interface PluginInput {
  enabled?: boolean | undefined;
  config?: Record<string, unknown> | undefined;
}

export type PluginView = Omit<NamespacePluginRow, "orgId">;

const view = ({ orgId: _orgId, ...plugin }: NamespacePluginRow): PluginView => ({
  ...plugin,
  config: maskPluginConfig(plugin.config),
});

/** A credential shown back as "[set]" and sent again unchanged keeps its stored value. */
function mergeConfig(stored: Record<string, unknown>, next: Record<string, unknown>) {
  return Object.fromEntries(
    Object.entries(next).map(([key, value]) => [
      key,
      value === "[set]" && key in stored ? stored[key] : value,
    ]),
  );
}

/** The plugins (integrations) enabled on a namespace; ids come from the code registry. */
export function createNamespacePlugins(
  r: Repositories,
  load: (ctx: ServiceContext, id: string) => Promise<NamespaceRow>,
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
      const available = Object.entries(NAMESPACE_PLUGINS).map(([id, description]) => ({ id, description }));
      return { items, available };
    },

    /** Enables (or reconfigures) a plugin; `enabled: false` keeps its settings but switches it off. */
    async put(ctx: ServiceContext, namespaceId: string, pluginId: string, input: PluginInput) {
      const { ns, id } = await loadWritable(ctx, namespaceId, pluginId);
      return withTransaction(ctx.db, async (tx) => {
        const existing = await r.namespacePlugins.findFor(ns.id, id, tx);
        const config = mergeConfig(existing?.config ?? {}, input.config ?? existing?.config ?? {});
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
