/** An attribute value as OpenTelemetry carries it. */
export type SpanAttributeValue = string | number | boolean;

/** One finished span, in the terms of the OpenTelemetry data model (times in epoch milliseconds). */
export interface SpanData {
  /** 32 lowercase hex characters, shared by every span of one trace. */
  traceId: string;
  /** 16 lowercase hex characters. */
  spanId: string;
  parentSpanId?: string | undefined;
  name: string;
  startMs: number;
  endMs: number;
  attributes: Record<string, SpanAttributeValue | undefined>;
  /** `error` with a message marks a failed operation; `ok` and `unset` as in OpenTelemetry. */
  status: { code: "unset" | "ok" | "error"; message?: string | undefined };
}

/**
 * Where finished traces go (OpenTelemetry). `export` never blocks or throws: spans are queued and sent
 * in batches; a collector that is down costs the spans, never the work that produced them.
 */
export interface TraceExporter {
  export(spans: readonly SpanData[]): void;
  /** Sends what is queued now (tests, shutdown). */
  flush(): Promise<void>;
  close(): Promise<void>;
}
