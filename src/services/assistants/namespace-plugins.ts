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
  isCredentialKey,
  keepCredential,
  maskPluginConfig,
  NAMESPACE_PLUGINS,
  openPluginConfig,
  sealCredential,
} from "./plugins.js";

export interface PluginInput {
  enabled?: boolean | undefined;
  config?: Record<string, unknown> | undefined;
}

export type PluginView = Omit<NamespacePluginRow, "orgId">;

const view = ({ orgId: _orgId, ...plugin }: NamespacePluginRow): PluginView => ({
  ...plugin,
  config: maskPluginConfig(plugin.config),
});

/**
 * The settings to store: the client's, with every credential sealed. A credential shown back as
 * "[set]" and sent again unchanged keeps its stored value; a client cannot send a sealed value itself.
 */
function nextConfig(key: EncryptionKey, stored: Record<string, unknown>, next: Record<string, unknown>) {
  return Object.fromEntries(
    Object.entries(next).map(([name, value]) => {
      if (!isCredentialKey(name)) return [name, value];
      if (value !== "[set]") return [name, sealCredential(key, value)];
      if (Object.hasOwn(stored, name)) return [name, keepCredential(key, stored[name])];
      throw new AppError(
        "VALIDATION",
        `config.${name}: "[set]" keeps a stored credential, and none is stored`,
        {
          field: `config.${name}`,
        },
      );
    }),
  );
}

/**
 * The plugins (integrations) enabled on a namespace; ids come from the code registry. Credentials
 * (keys named like secret, token, password, key, credential) are stored sealed with `secretKey` and
 * shown back as "[set]"; `configFor` opens them for the channel adapter that needs them.
 */
export function createNamespacePlugins(
  r: Repositories,
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
      const available = Object.entries(NAMESPACE_PLUGINS).map(([id, description]) => ({ id, description }));
      return { items, available };
    },

    /** Enables (or reconfigures) a plugin; `enabled: false` keeps its settings but switches it off. */
    async put(ctx: ServiceContext, namespaceId: string, pluginId: string, input: PluginInput) {
      const { ns, id } = await loadWritable(ctx, namespaceId, pluginId);
      return withTransaction(ctx.db, async (tx) => {
        const existing = await r.namespacePlugins.findFor(ns.id, id, tx);
        const stored = existing?.config ?? {};
        // No config in the request keeps the stored settings (sealing any written before sealing was).
        const config = nextConfig(secretKey, stored, input.config ?? maskPluginConfig(stored));
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
      const plugin = await r.namespacePlugins.findFor(ns.id, assertPluginId(pluginId), ctx.db);
      if (!plugin) throw new AppError("NOT_FOUND", `Plugin ${pluginId} is not configured on this namespace`);
      return { enabled: plugin.enabled, config: openPluginConfig(secretKey, plugin.config) };
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
