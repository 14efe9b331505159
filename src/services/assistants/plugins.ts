import { decryptSecret, type EncryptionKey, encryptSecret } from "../../lib/encryption.js";
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

/** Keys whose values are credentials: stored sealed, never shown back (the client sees that one is set). */
const SECRET_KEY = /secret|token|password|key|credential/i;

export const isCredentialKey = (name: string) => SECRET_KEY.test(name);

/** Plugin settings as shown to clients and audit rows: credential values replaced by a marker. */
export function maskPluginConfig(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => [key, isCredentialKey(key) ? "[set]" : value]),
  );
}

/** The key that seals plugin credentials; its own HKDF purpose, so no other use shares it. */
export const PLUGIN_SECRETS_PURPOSE = "plugin-secrets";

/** How a credential is stored: AES-GCM over its JSON, so any JSON value round-trips. */
interface SealedValue {
  sealed: string;
}

function isSealed(value: unknown): value is SealedValue {
  return (
    typeof value === "object" &&
    value !== null &&
    Object.keys(value).length === 1 &&
    typeof (value as { sealed?: unknown }).sealed === "string"
  );
}

/** A credential value as stored. */
export function sealCredential(key: EncryptionKey, value: unknown): SealedValue {
  return { sealed: encryptSecret(key, JSON.stringify(value)) };
}

/** A stored value kept as it is: sealed already, or (rows written before sealing) sealed now. */
export function keepCredential(key: EncryptionKey, stored: unknown): SealedValue {
  return isSealed(stored) ? stored : sealCredential(key, stored);
}

/** Plugin settings with credentials in clear, for the channel adapter that uses them (never a client). */
export function openPluginConfig(
  key: EncryptionKey,
  config: Record<string, unknown>,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([name, value]) => [
      name,
      isCredentialKey(name) && isSealed(value)
        ? (JSON.parse(decryptSecret(key, value.sealed)) as unknown)
        : value,
    ]),
  );
}
