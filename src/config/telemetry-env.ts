import { z } from "zod";

/** OpenTelemetry trace export (the standard OTEL_* variables), parsed with the rest in env.ts. */
export interface TelemetryConfig {
  /** Where traces go (`…/v1/traces`); undefined: no export. */
  tracesUrl: string | undefined;
  /** Extra headers of every export request (a hosted collector's key); never logged. */
  headers: Record<string, string>;
  serviceName: string;
}

const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const httpUrl = z.preprocess(
  blank,
  z
    .string()
    .refine((v) => /^https?:\/\//.test(v) && URL.canParse(v), { message: "must be an http(s) URL" })
    .optional(),
);

export const telemetryEnvShape = {
  /** Base URL of an OTLP/HTTP receiver; traces go to `<base>/v1/traces`. */
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl,
  /** The full traces URL, when it is not `<endpoint>/v1/traces`. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl,
  /** `key=value,key2=value2`, values URL-encoded (the OpenTelemetry format). */
  OTEL_EXPORTER_OTLP_HEADERS: z.preprocess(blank, z.string().max(8_000).optional()),
  OTEL_SERVICE_NAME: z.preprocess(blank, z.string().max(200).default("atrium")),
};

type TelemetryEnv = {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string | undefined;
  OTEL_EXPORTER_OTLP_HEADERS?: string | undefined;
  OTEL_SERVICE_NAME: string;
};

/** Header pairs, or undefined when the text is not in the `key=value,…` format. */
function parseHeaders(text: string | undefined): Record<string, string> | undefined {
  if (!text) return {};
  const headers: Record<string, string> = {};
  for (const pair of text.split(",")) {
    if (!pair.trim()) continue;
    const at = pair.indexOf("=");
    if (at <= 0) return undefined;
    const name = pair.slice(0, at).trim();
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) return undefined;
    try {
      headers[name.toLowerCase()] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      return undefined;
    }
    if (/[\r\n\0]/.test(headers[name.toLowerCase()]!)) return undefined;
  }
  return headers;
}

/** What is wrong with the telemetry variables, without echoing their values (headers hold keys). */
export function telemetryProblems(env: TelemetryEnv): string[] {
  return parseHeaders(env.OTEL_EXPORTER_OTLP_HEADERS) === undefined
    ? ["OTEL_EXPORTER_OTLP_HEADERS: must be key=value pairs separated by commas (values URL-encoded)"]
    : [];
}

export function telemetryConfig(env: TelemetryEnv): TelemetryConfig {
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, "");
  return {
    tracesUrl: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base ? `${base}/v1/traces` : undefined),
    headers: parseHeaders(env.OTEL_EXPORTER_OTLP_HEADERS) ?? {},
    serviceName: env.OTEL_SERVICE_NAME,
  };
}
