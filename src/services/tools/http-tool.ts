import { AppError, isAppError } from "../../lib/errors.js";
import { createPinnedFetch, type PinnedFetch } from "../../lib/outbound/pinned-fetch.js";
import {
  assertAllowedHost,
  type BlockedAddressError,
  blockedAddressIn,
  type NetworkPolicy,
} from "../../lib/outbound/ssrf.js";
import type { ToolRow } from "../../repositories/tool.repository.js";
import type { RuntimeTool, ToolRunContext } from "./runtime-tool.js";
import { fillSecretReferences, type HttpToolConfig, isHostAllowed, URL_PLACEHOLDER } from "./tool-config.js";
import { scrubSecrets } from "./tool-secrets.js";

const MAX_REDIRECTS = 3;
const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

export type FetchFn = PinnedFetch;

const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/**
 * Whether a path segment is `.` or `..`, also once or twice percent-decoded (`%2e`, `%252e`): a URL
 * parser or the endpoint's server would resolve it and leave the template's path.
 */
export function isDotSegment(segment: string): boolean {
  let value = segment;
  for (let round = 0; round < 3; round++) {
    if (DOT_SEGMENT.test(value)) return true;
    let decoded: string;
    try {
      decoded = decodeURIComponent(value);
    } catch {
      return false;
    }
    if (decoded === value) return false;
    value = decoded;
  }
  return DOT_SEGMENT.test(value);
}

const dotSegmentError = (name: string) =>
  new AppError(
    "VALIDATION",
    `The tool input "${name}" makes a "." or ".." path segment, which would leave the tool's URL path`,
  );

/**
 * Fills `{{name}}` placeholders from the input (URL-encoded); returns the URL and the input keys it
 * used. A value that is a dot segment (`.`, `..`, `%2e%2e`, …), or that forms one with its neighbours
 * in a path segment, is refused: the model must not move the call out of the template's path.
 */
export function fillUrlTemplate(
  template: string,
  input: Record<string, unknown>,
): { url: URL; used: Set<string> } {
  const used = new Set<string>();
  const fill = (text: string, segmentCheck: boolean) => {
    const names: string[] = [];
    const filled = text.replace(URL_PLACEHOLDER, (_, name: string) => {
      const value = input[name];
      if (value === undefined || value === null || typeof value === "object") {
        throw new AppError("VALIDATION", `The tool input needs a text or number "${name}" for its URL`);
      }
      if (isDotSegment(String(value))) throw dotSegmentError(name);
      used.add(name);
      names.push(name);
      return encodeURIComponent(String(value));
    });
    if (segmentCheck && names.length > 0 && isDotSegment(filled)) throw dotSegmentError(names[0]!);
    return filled;
  };
  // Path segments are filled one by one, so a segment made of several placeholders is checked whole.
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(template)?.[0] ?? "";
  const rest = template.slice(origin.length);
  const pathEnd = rest.search(/[?#]/);
  const path = pathEnd === -1 ? rest : rest.slice(0, pathEnd);
  const tail = pathEnd === -1 ? "" : rest.slice(pathEnd);
  const filledPath = path
    .split("/")
    .map((segment) => fill(segment, true))
    .join("/");
  return { url: new URL(origin + filledPath + fill(tail, false)), used };
}

async function readLimited(response: Response, limit: number): Promise<Buffer> {
  const declared = Number(response.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw new AppError("LIMIT_EXCEEDED", `The response is larger than the tool's ${limit} byte limit`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new AppError("LIMIT_EXCEEDED", `The response is larger than the tool's ${limit} byte limit`);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

export interface HttpToolOptions {
  /** Decrypted secret values by name (only for this call). */
  secrets: () => Record<string, string>;
  /** Where the tool may connect: checked for every hop, and pinned for the connection itself. */
  policy: NetworkPolicy;
  fetch?: FetchFn | undefined;
}

/**
 * Calls an HTTP endpoint registered as a tool: only hosts on its allow-list (redirects included),
 * secrets injected into headers at call time, a time limit that also ends with the turn, and a
 * response read up to its size limit. JSON answers are parsed; others come back as text.
 */
export async function callHttpTool(
  config: HttpToolConfig,
  input: Record<string, unknown>,
  run: Pick<ToolRunContext, "signal">,
  options: HttpToolOptions,
): Promise<{ status: number; contentType: string | null; body: unknown }> {
  const secrets = options.secrets();
  const secretValues = Object.values(secrets);
  const { url: first, used } = fillUrlTemplate(config.url, input);
  const rest = Object.fromEntries(Object.entries(input).filter(([k]) => !used.has(k)));
  const withBody = BODY_METHODS.has(config.method) && config.bodyFromInput;
  if (!BODY_METHODS.has(config.method)) {
    for (const [k, v] of Object.entries(rest)) {
      if (v !== undefined && v !== null && !first.searchParams.has(k)) {
        first.searchParams.set(k, typeof v === "object" ? JSON.stringify(v) : String(v));
      }
    }
  }
  const headers = fillSecretReferences(config.headers, secrets);
  if (withBody) headers["content-type"] ??= "application/json";
  const signal = AbortSignal.any([run.signal, AbortSignal.timeout(config.timeoutMs)]);
  const doFetch = options.fetch ?? createPinnedFetch({ policy: options.policy });
  let url = first;
  try {
    for (let hop = 0; ; hop++) {
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw new AppError("FORBIDDEN", `The tool may not call ${url.protocol} URLs`);
      }
      if (!isHostAllowed(url, config.allowedHosts)) {
        throw new AppError("FORBIDDEN", `The tool may not call host ${url.host}: it is not in allowedHosts`);
      }
      await assertAllowedHost(url.hostname, options.policy);
      const response = await doFetch(url, {
        method: config.method,
        headers,
        redirect: "manual",
        signal,
        ...(withBody ? { body: JSON.stringify(rest) } : {}),
      });
      const location = response.headers.get("location");
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel().catch(() => undefined);
        if (hop >= MAX_REDIRECTS)
          throw new AppError("UNAVAILABLE", "The tool's endpoint redirected too many times");
        url = new URL(location, url);
        continue;
      }
      const raw = scrubSecrets(
        (await readLimited(response, config.maxResponseBytes)).toString("utf8"),
        secretValues,
      );
      const contentType = response.headers.get("content-type");
      const body = /[/+]json\b/i.test(contentType ?? "") ? parseJson(raw) : raw;
      if (!response.ok) {
        throw new AppError(
          "UNAVAILABLE",
          `The tool's endpoint answered ${response.status}: ${raw.slice(0, 500)}`,
          {
            status: response.status,
          },
        );
      }
      return { status: response.status, contentType, body };
    }
  } catch (error) {
    if (isAppError(error))
      throw new AppError(error.code, scrubSecrets(error.message, secretValues), error.details);
    const blocked = blockedAddressIn(error);
    if (blocked) throw forbiddenAddress(blocked, options.policy);
    if (run.signal.aborted) throw new AppError("UNAVAILABLE", "The tool call was cancelled");
    if (signal.aborted) {
      throw new AppError("UNAVAILABLE", `The tool's endpoint did not answer within ${config.timeoutMs} ms`);
    }
    // Network errors name the host at most; their text never contains the headers.
    const reason =
      error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : "";
    throw new AppError(
      "UNAVAILABLE",
      scrubSecrets(`The tool's endpoint could not be reached: ${reason}`, secretValues),
    );
  }
}

function forbiddenAddress(blocked: BlockedAddressError, policy: NetworkPolicy): AppError {
  return new AppError(
    "FORBIDDEN",
    policy === "public"
      ? `The tool may not call ${blocked.hostname}: it resolves to a private or reserved address (${blocked.address}), and TOOLS_ALLOW_PRIVATE_NETWORKS is off`
      : `The tool may not call ${blocked.hostname}: it resolves to a link-local or reserved address (${blocked.address}), which tools never reach`,
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The runtime form of an `http` tools row. */
export function httpRuntimeTool(row: ToolRow, options: HttpToolOptions): RuntimeTool {
  const config = row.config as unknown as HttpToolConfig;
  return {
    name: row.name,
    description: row.description,
    inputSchema: row.inputSchema,
    toolId: row.id,
    requiresApproval: row.requiresApproval,
    execute: (input, run) => callHttpTool(config, (input ?? {}) as Record<string, unknown>, run, options),
  };
}
