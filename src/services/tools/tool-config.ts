import { z } from "zod";
import { AppError } from "../../lib/errors.js";

/**
 * Per-kind configuration of registered tools. Inputs carry secrets in clear (write-only); the stored
 * form keeps them encrypted (see tool-secrets.ts); the public form shows only their names.
 */

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export const HTTP_TIMEOUT_MAX_MS = 30_000;
export const HTTP_MAX_RESPONSE_BYTES_LIMIT = 10 * 1024 * 1024;

const secretName = z.string().regex(/^[A-Za-z0-9_]{1,64}$/, "secret names are letters, digits and _");
const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, "not a valid header name");
const headerValue = z
  .string()
  .max(4000)
  .refine((v) => !/[\r\n\0]/.test(v), "header values cannot contain line breaks");
const hostName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/, "a host name, optionally with :port");
/** A secret's value; `null` in a change removes the secret, an omitted name keeps the stored one. */
const secretValues = z.record(secretName, z.string().min(1).max(8000).nullable()).default({});
const toolFilter = z.array(z.string().min(1).max(200)).max(200).optional();

export const httpToolConfigInput = z
  .object({
    /** `https://host/path/{{id}}`: placeholders are filled from the input, URL-encoded. */
    url: z.string().trim().min(1).max(2000),
    method: z.enum(HTTP_METHODS).default("GET"),
    /** Values may reference secrets as `{{secret:NAME}}`. */
    headers: z.record(headerName, headerValue).default({}),
    secrets: secretValues,
    allowedHosts: z.array(hostName).min(1).max(20),
    timeoutMs: z.number().int().min(100).max(HTTP_TIMEOUT_MAX_MS).default(10_000),
    maxResponseBytes: z.number().int().min(1).max(HTTP_MAX_RESPONSE_BYTES_LIMIT).default(262_144),
    /** POST/PUT/PATCH send the input fields the URL does not use as a JSON body. */
    bodyFromInput: z.boolean().default(false),
  })
  .strict();

const mcpHttpInput = z
  .object({
    transport: z.literal("http"),
    url: z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).max(2000),
    headers: z.record(headerName, headerValue).default({}),
    secrets: secretValues,
    toolFilter,
  })
  .strict();

const notByTenants =
  "MCP servers over stdio are started only from the operator's list: name one with config.server (GET /tools/mcp-servers lists them); a command or arguments cannot be given";

const mcpStdioInput = z
  .object({
    transport: z.literal("stdio"),
    /** The name of an entry of the operator's allow-list (MCP_STDIO_SERVERS). */
    server: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "the name of an MCP server of GET /tools/mcp-servers"),
    /** Values of the environment variables the server's entry lets tools set; stored encrypted like secrets. */
    env: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/), z.string().max(8000).nullable())
      .default({}),
    toolFilter,
    // Refused with a clear message rather than as unknown keys: only the operator chooses processes.
    command: z
      .unknown()
      .refine((v) => v === undefined, notByTenants)
      .optional(),
    args: z
      .unknown()
      .refine((v) => v === undefined, notByTenants)
      .optional(),
    cwd: z
      .unknown()
      .refine((v) => v === undefined, notByTenants)
      .optional(),
  })
  .strict();

export const mcpToolConfigInput = z.discriminatedUnion("transport", [mcpHttpInput, mcpStdioInput]);

export type HttpToolConfigInput = z.input<typeof httpToolConfigInput>;
export type McpToolConfigInput = z.input<typeof mcpToolConfigInput>;
export type ToolConfigInput = HttpToolConfigInput | McpToolConfigInput;

/** Stored forms: secret and env values are ciphertexts. */
export type HttpToolConfig = Omit<z.output<typeof httpToolConfigInput>, "secrets"> & {
  secrets: Record<string, string>;
};
export type McpHttpConfig = Omit<z.output<typeof mcpHttpInput>, "secrets"> & {
  secrets: Record<string, string>;
};
export type McpStdioConfig = Omit<z.output<typeof mcpStdioInput>, "env" | "command" | "args" | "cwd"> & {
  env: Record<string, string>;
};
export type McpToolConfig = McpHttpConfig | McpStdioConfig;

export type ToolKind = "http" | "mcp";

export function parseConfig(kind: "http", value: unknown): z.output<typeof httpToolConfigInput>;
export function parseConfig(kind: "mcp", value: unknown): z.output<typeof mcpToolConfigInput>;
export function parseConfig(kind: ToolKind, value: unknown) {
  const schema = kind === "http" ? httpToolConfigInput : mcpToolConfigInput;
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `config.${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new AppError("VALIDATION", `The ${kind} tool configuration is invalid: ${problems.join("; ")}`, {
      problems,
    });
  }
  return parsed.data;
}

const SECRET_REFERENCE = /\{\{\s*secret:([A-Za-z0-9_]+)\s*\}\}/g;

/** Names of the secrets the headers refer to. */
export function referencedSecrets(headers: Record<string, string>): string[] {
  return [
    ...new Set(Object.values(headers).flatMap((v) => [...v.matchAll(SECRET_REFERENCE)].map((m) => m[1]!))),
  ];
}

/** Header values with `{{secret:NAME}}` replaced by the secret. */
export function fillSecretReferences(
  headers: Record<string, string>,
  secrets: Record<string, string>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      value.replace(SECRET_REFERENCE, (_, key: string) => secrets[key] ?? ""),
    ]),
  );
}

/** Placeholders of a URL template (`{{id}}`), in order of appearance. */
export const URL_PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

/**
 * Checks a URL template before it is stored: http(s), no placeholder in the scheme or host (input must
 * never choose where a request goes), and the host in the allow-list.
 */
export function assertUrlTemplate(template: string, allowedHosts: string[]): void {
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(template)?.[0];
  if (!origin) throw new AppError("VALIDATION", "config.url: must be an absolute http(s) URL");
  if (origin.includes("{{")) {
    throw new AppError("VALIDATION", "config.url: placeholders may appear in the path and query only");
  }
  let url: URL;
  try {
    url = new URL(template.replace(URL_PLACEHOLDER, "x"));
  } catch {
    throw new AppError("VALIDATION", "config.url: not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new AppError("VALIDATION", "config.url: only http and https are allowed");
  }
  if (url.username || url.password) {
    throw new AppError("VALIDATION", "config.url: put credentials in a secret header, not in the URL");
  }
  if (!isHostAllowed(url, allowedHosts)) {
    throw new AppError("VALIDATION", `config.url: host ${url.host} is not in allowedHosts`);
  }
}

export function isHostAllowed(url: URL, allowedHosts: readonly string[]): boolean {
  const host = url.host.toLowerCase();
  const hostname = url.hostname.toLowerCase();
  return allowedHosts.some((h) => h === host || h === hostname);
}
