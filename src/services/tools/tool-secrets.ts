import { decryptSecret, type EncryptionKey, encryptSecret } from "../../lib/encryption.js";
import { AppError } from "../../lib/errors.js";
import {
  assertUrlTemplate,
  type HttpToolConfig,
  type McpToolConfig,
  parseConfig,
  referencedSecrets,
  type ToolKind,
} from "./tool-config.js";

/**
 * Turns a configuration as a client sends it into the stored form (secrets encrypted, merged with the
 * stored ones: a name sent as null is removed, a name not sent is kept, so a client that never sees
 * secret values can still edit the rest) and the stored form into the public one (names only).
 */

export type Sealed = Record<string, string>;

function merge(
  key: EncryptionKey,
  previous: Sealed | undefined,
  given: Record<string, string | null>,
): Sealed {
  const next: Sealed = { ...previous };
  for (const [name, value] of Object.entries(given)) {
    if (value === null) delete next[name];
    else next[name] = encryptSecret(key, value);
  }
  return next;
}

function assertReferencesKnown(headers: Record<string, string>, secrets: Sealed, dropped = false): void {
  const missing = referencedSecrets(headers).filter((name) => !Object.hasOwn(secrets, name));
  if (missing.length > 0) {
    throw new AppError(
      "VALIDATION",
      `config.headers refer to unknown secrets: ${missing.join(", ")}` +
        (dropped
          ? " (the stored secrets were dropped because the tool's url, allowedHosts or headers changed: send them again with the change)"
          : ""),
    );
  }
}

const sameList = (a: unknown, b: readonly string[]) =>
  Array.isArray(a) && a.length === b.length && a.every((v, i) => v === b[i]);
const sameHosts = (a: unknown, b: readonly string[]) =>
  Array.isArray(a) && sameList([...new Set(a as string[])].sort(), [...new Set(b)].sort());
const sameHeaders = (a: unknown, b: Record<string, string>) => {
  if (!a || typeof a !== "object") return Object.keys(b).length === 0;
  const left = a as Record<string, unknown>;
  const keys = Object.keys(b);
  return Object.keys(left).length === keys.length && keys.every((k) => left[k] === b[k]);
};

/** The sealed values a stored configuration holds: HTTP and MCP-over-HTTP secrets, stdio env values. */
export function sealedValuesOf(config: Record<string, unknown> | undefined): Sealed {
  return ((config?.secrets ?? config?.env) as Sealed | undefined) ?? {};
}

/** Whether two stored configurations hold the same sealed values (a value sent again is a new ciphertext). */
export function sameSealedValues(
  a: Record<string, unknown> | undefined,
  b: Record<string, unknown>,
): boolean {
  const left = sealedValuesOf(a);
  const right = sealedValuesOf(b);
  const keys = Object.keys(right);
  return Object.keys(left).length === keys.length && keys.every((k) => left[k] === right[k]);
}

export function storeConfig(
  key: EncryptionKey,
  kind: ToolKind,
  input: unknown,
  previous?: Record<string, unknown>,
): HttpToolConfig | McpToolConfig {
  // Stored secrets are kept only while the tool sends them to the same place the same way: a change of
  // url, allowedHosts or headers (or of the MCP server) drops them unless they are sent again, so an
  // editor cannot point someone else's secret at a host of their choice.
  if (kind === "http") {
    const parsed = parseConfig("http", input);
    assertUrlTemplate(parsed.url, parsed.allowedHosts);
    const sameDestination =
      previous !== undefined &&
      previous.url === parsed.url &&
      sameHosts(previous.allowedHosts, parsed.allowedHosts) &&
      sameHeaders(previous.headers, parsed.headers);
    const kept = sameDestination ? (previous?.secrets as Sealed | undefined) : undefined;
    const secrets = merge(key, kept, parsed.secrets);
    assertReferencesKnown(parsed.headers, secrets, previous !== undefined && !sameDestination);
    return { ...parsed, allowedHosts: [...new Set(parsed.allowedHosts)], secrets };
  }
  const parsed = parseConfig("mcp", input);
  const sameTransport = previous?.transport === parsed.transport;
  if (parsed.transport === "http") {
    const sameDestination =
      sameTransport && previous?.url === parsed.url && sameHeaders(previous?.headers, parsed.headers);
    const secrets = merge(key, sameDestination ? (previous?.secrets as Sealed) : undefined, parsed.secrets);
    assertReferencesKnown(parsed.headers, secrets, previous !== undefined && !sameDestination);
    return { ...parsed, secrets };
  }
  // Tool values of a server's environment are kept only while the tool names the same server.
  const sameServer = sameTransport && previous?.server === parsed.server;
  const { command: _c, args: _a, cwd: _w, ...stdio } = parsed;
  return { ...stdio, env: merge(key, sameServer ? (previous?.env as Sealed) : undefined, parsed.env) };
}

/** What the API shows: everything but secret values (their names stay, so admins know what is set). */
export function publicConfig(stored: Record<string, unknown>): Record<string, unknown> {
  const { secrets, env, ...rest } = stored;
  return {
    ...rest,
    ...(secrets ? { secretNames: Object.keys(secrets as Sealed).sort() } : {}),
    ...(env ? { envNames: Object.keys(env as Sealed).sort() } : {}),
  };
}

/** Decrypted values of a stored map of secrets (or env). */
export function openSecrets(key: EncryptionKey, sealed: Sealed | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(sealed ?? {}).map(([name, value]) => [name, decryptSecret(key, value)]),
  );
}

/** Replaces every secret value in `text`, so nothing a server echoes back exposes a credential. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join("[secret]");
  return out;
}
