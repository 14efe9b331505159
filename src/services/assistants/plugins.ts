import { AppError } from "../../lib/errors.js";

/** Integrations a namespace can enable (the code registry); channel adapters look them up by id. */
export const NAMESPACE_PLUGINS = {
  slack: "Slack workspace channel",
  telegram: "Telegram bot",
  whatsapp: "WhatsApp Business number",
  email: "Inbound and outbound email",
  calendar: "Calendar lookups and bookings",
  webhook: "Outgoing webhook on conversation events",
} as const;

export type NamespacePluginId = keyof typeof NAMESPACE_PLUGINS;
export const NAMESPACE_PLUGIN_IDS = Object.keys(NAMESPACE_PLUGINS) as NamespacePluginId[];

export function assertPluginId(pluginId: string): NamespacePluginId {
  if (Object.hasOwn(NAMESPACE_PLUGINS, pluginId)) return pluginId as NamespacePluginId;
  throw new AppError("VALIDATION", `Unknown plugin; use one of ${NAMESPACE_PLUGIN_IDS.join(", ")}`, {
    field: "pluginId",
    allowed: NAMESPACE_PLUGIN_IDS,
  });
}

/** Keys whose values are credentials: stored, never shown back (the client sees that one is set). */
const SECRET_KEY = /secret|token|password|key|credential/i;

/** Plugin settings as shown to clients and audit rows: credential values replaced by a marker. */
export function maskPluginConfig(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => [key, SECRET_KEY.test(key) ? "[set]" : value]),
  );
}
