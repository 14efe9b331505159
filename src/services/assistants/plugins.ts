import { z } from "zod";
import { decryptSecret, type EncryptionKey, encryptSecret } from "../../lib/encryption.js";
import { AppError } from "../../lib/errors.js";

/**
 * Integrations a namespace can enable (the code registry); channel adapters look them up by id. Each
 * declares its settings as a strict schema in which every credential is a `credential()` field:
 * tokens, passwords, signing secrets, webhook URLs (their path is the key) and URLs that may carry a
 * user and password (DSNs). Credentials are found by the schema, at any depth, never by key name:
 * they are stored sealed and shown back as "[set]". A setting the schema does not declare is refused,
 * so nothing can be stored in clear under a name the registry does not know.
 */

/** Every schema made by `credential()`; the walkers below recognise credentials by membership. */
const CREDENTIALS = new WeakSet<z.ZodType>();

/** A credential setting: a string stored sealed and shown back as "[set]". */
function credential(description: string) {
  const schema = z.string().min(1).max(8192).describe(`${description} (credential: shown back as "[set]")`);
  CREDENTIALS.add(schema);
  return schema;
}

const text = (max = 500) => z.string().max(max);
const port = z.number().int().min(1).max(65_535);
const mailServer = z.strictObject({
  host: text(255).optional(),
  port: port.optional(),
  secure: z.boolean().optional(),
  username: text(320).optional(),
  password: credential("Mailbox password").optional(),
});
/** HTTP header values a plugin sends (Authorization, API keys): every value is a credential. */
const headers = z.record(
  z.string().regex(/^[A-Za-z0-9-]{1,100}$/, "must be an HTTP header name"),
  credential("Header value"),
);

export const NAMESPACE_PLUGINS = {
  slack: {
    description: "Slack workspace channel",
    config: z.strictObject({
      channel: text(200).optional(),
      teamId: text(100).optional(),
      botToken: credential("Bot token (xoxb-…)").optional(),
      appToken: credential("App-level token (xapp-…)").optional(),
      signingSecret: credential("Signing secret").optional(),
    }),
  },
  telegram: {
    description: "Telegram bot",
    config: z.strictObject({
      botToken: credential("Bot token").optional(),
      webhookSecret: credential("Secret token Telegram sends with each update").optional(),
      allowedChatIds: z.array(text(100)).max(100).optional(),
    }),
  },
  whatsapp: {
    description: "WhatsApp Business number",
    config: z.strictObject({
      phoneNumberId: text(100).optional(),
      businessAccountId: text(100).optional(),
      accessToken: credential("Access token").optional(),
      appSecret: credential("App secret").optional(),
      verifyToken: credential("Webhook verify token").optional(),
    }),
  },
  email: {
    description: "Inbound and outbound email",
    config: z.strictObject({
      address: text(320).optional(),
      displayName: text(200).optional(),
      imap: mailServer.optional(),
      smtp: mailServer.optional(),
    }),
  },
  calendar: {
    description: "Calendar lookups and bookings",
    config: z.strictObject({
      provider: z.enum(["google", "microsoft", "caldav"]).optional(),
      calendarId: text(500).optional(),
      caldavUrl: credential("CalDAV URL (may carry a user and password)").optional(),
      serviceAccountKey: credential("Service account key (JSON text)").optional(),
      accessToken: credential("Access token").optional(),
      refreshToken: credential("Refresh token").optional(),
    }),
  },
  webhook: {
    description: "Outgoing webhook on conversation events",
    config: z.strictObject({
      url: credential("Where events are posted (a webhook URL is its own key)").optional(),
      events: z
        .array(z.string().regex(/^[a-z][a-z_.]{0,63}$/))
        .max(50)
        .optional(),
      headers: headers.optional(),
      signingSecret: credential("Secret signing each delivery").optional(),
    }),
  },
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

export const pluginSchema = (id: NamespacePluginId): z.ZodType => NAMESPACE_PLUGINS[id].config;

/** What shows a stored credential (and, sent back, keeps it). */
export const CREDENTIAL_SET = "[set]";

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The schema under optional/nullable wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable)
    current = current.unwrap() as z.ZodType;
  return current;
}

/** The schema of one child of `schema` (an object's key, a record's or array's value), if declared. */
function childSchema(schema: z.ZodType, key: string | number): z.ZodType | undefined {
  if (schema instanceof z.ZodObject) {
    const shape = schema.shape as Record<string, z.ZodType>;
    return typeof key === "string" && Object.hasOwn(shape, key) ? unwrap(shape[key]!) : undefined;
  }
  if (schema instanceof z.ZodRecord) return unwrap(schema._zod.def.valueType as z.ZodType);
  if (schema instanceof z.ZodArray) return unwrap(schema.element as z.ZodType);
  return undefined;
}

/** The paths of a plugin's credential settings (`headers.*` for every key of a record). */
export function credentialPaths(schema: z.ZodType, prefix = ""): string[] {
  const node = unwrap(schema);
  if (CREDENTIALS.has(node)) return [prefix];
  const join = (key: string) => (prefix ? `${prefix}.${key}` : key);
  if (node instanceof z.ZodObject)
    return Object.entries(node.shape as Record<string, z.ZodType>).flatMap(([key, child]) =>
      credentialPaths(child, join(key)),
    );
  if (node instanceof z.ZodRecord) return credentialPaths(node._zod.def.valueType as z.ZodType, join("*"));
  if (node instanceof z.ZodArray) return credentialPaths(node.element as z.ZodType, join("*"));
  return [];
}

/**
 * Maps every credential position of `value` (by the schema). Values the schema does not describe —
 * settings stored before the schema existed — are treated as credentials, so they are never shown or
 * kept in clear.
 */
function mapCredentials(
  schema: z.ZodType | undefined,
  value: Json,
  onCredential: (value: Json, path: string) => Json,
  path = "",
): Json {
  if (value === undefined || value === null) return value;
  if (schema === undefined || CREDENTIALS.has(schema)) return onCredential(value, path);
  const join = (key: string | number) => (path ? `${path}.${key}` : String(key));
  if (schema instanceof z.ZodArray) {
    if (!Array.isArray(value)) return onCredential(value, path);
    return value.map((item, i) => mapCredentials(childSchema(schema, i), item, onCredential, join(i)));
  }
  if (schema instanceof z.ZodObject || schema instanceof z.ZodRecord) {
    if (!isObject(value)) return onCredential(value, path);
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => [
        key,
        mapCredentials(childSchema(schema, key), child, onCredential, join(key)),
      ]),
    );
  }
  // A plain setting (string, number, boolean, enum): an object or array in its place is not one.
  return typeof value === "object" ? onCredential(value, path) : value;
}

/** How a credential is stored: AES-GCM over its JSON, so any JSON value round-trips. */
interface SealedValue {
  sealed: string;
}

function isSealed(value: unknown): value is SealedValue {
  return isObject(value) && Object.keys(value).length === 1 && typeof value.sealed === "string";
}

const seal = (key: EncryptionKey, value: Json): SealedValue => ({
  sealed: encryptSecret(key, JSON.stringify(value)),
});

/** A stored credential kept as it is: sealed already, or (stored before sealing) sealed now. */
const keep = (key: EncryptionKey, stored: Json): SealedValue =>
  isSealed(stored) ? stored : seal(key, stored);

/** The stored value at a dotted path (credential paths come from the same walk, so keys have no dots). */
function at(root: Json, path: string): Json {
  let current = root;
  for (const key of path.split(".")) {
    if (Array.isArray(current)) current = current[Number(key)];
    else if (isObject(current)) current = Object.hasOwn(current, key) ? current[key] : undefined;
    else return undefined;
  }
  return current;
}

/** Plugin settings as shown to clients and audit rows: every credential, at any depth, is "[set]". */
export function maskPluginConfig(id: NamespacePluginId, config: JsonObject): JsonObject {
  return mapCredentials(pluginSchema(id), config, () => CREDENTIAL_SET) as JsonObject;
}

/**
 * The settings to store: the client's, checked against the plugin's schema, with every credential
 * sealed. A credential sent as "[set]" keeps the value stored at the same path; a client cannot send
 * a sealed value itself (a credential is a string, sealed whatever it says).
 */
export function nextPluginConfig(
  key: EncryptionKey,
  id: NamespacePluginId,
  stored: JsonObject,
  next: JsonObject,
): JsonObject {
  const parsed = pluginSchema(id).safeParse(next);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      path: ["config", ...issue.path, ...("keys" in issue ? [issue.keys.join(",")] : [])].join("."),
      message: issue.message,
    }));
    const first = issues[0]!;
    throw new AppError("VALIDATION", `${first.path}: ${first.message}`, {
      field: first.path,
      issues,
      credentials: credentialPaths(pluginSchema(id)),
    });
  }
  return mapCredentials(pluginSchema(id), parsed.data as JsonObject, (value, path) => {
    if (value !== CREDENTIAL_SET) return seal(key, value);
    const previous = at(stored, path);
    if (previous !== undefined && previous !== null) return keep(key, previous);
    throw new AppError(
      "VALIDATION",
      `config.${path}: "[set]" keeps a stored credential, and none is stored`,
      {
        field: `config.${path}`,
      },
    );
  }) as JsonObject;
}

/** Stored settings kept as they are, with any credential still in clear (older rows) sealed now. */
export function resealPluginConfig(
  key: EncryptionKey,
  id: NamespacePluginId,
  stored: JsonObject,
): JsonObject {
  return mapCredentials(pluginSchema(id), stored, (value) => keep(key, value)) as JsonObject;
}

/** Plugin settings with credentials in clear, for the channel adapter that uses them (never a client). */
export function openPluginConfig(key: EncryptionKey, id: NamespacePluginId, config: JsonObject): JsonObject {
  return mapCredentials(pluginSchema(id), config, (value) =>
    isSealed(value) ? (JSON.parse(decryptSecret(key, value.sealed)) as Json) : value,
  ) as JsonObject;
}

/** The key that seals plugin credentials; its own HKDF purpose, so no other use shares it. */
export const PLUGIN_SECRETS_PURPOSE = "plugin-secrets";
