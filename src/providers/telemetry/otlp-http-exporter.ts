import { type Logger, redactUrl } from "../../lib/logger.js";
import { OutageLog } from "../../lib/outage-log.js";
import type { SpanAttributeValue, SpanData, TraceExporter } from "./trace-exporter.js";

export interface OtlpHttpExporterOptions {
  /** The collector's traces URL (`…/v1/traces`). */
  url: string;
  /** Extra request headers (API keys of hosted collectors); never logged. */
  headers: Record<string, string>;
  serviceName: string;
  serviceVersion: string;
  /** Spans sent in one request at most; a full batch is sent at once. */
  maxBatch?: number;
  /** Longest a span waits in the queue before its batch is sent. */
  flushIntervalMs?: number;
  /** Spans kept while the collector is slow; beyond that the oldest are dropped. */
  maxQueue?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const STATUS_CODES = { unset: 0, ok: 1, error: 2 } as const;
const SPAN_KIND_INTERNAL = 1;

function attributeValue(value: SpanAttributeValue) {
  if (typeof value === "string") return { stringValue: value };
  if (typeof value === "boolean") return { boolValue: value };
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

function attributes(values: Record<string, SpanAttributeValue | undefined>) {
  return Object.entries(values).flatMap(([key, value]) =>
    value === undefined ? [] : [{ key, value: attributeValue(value) }],
  );
}

/** Epoch milliseconds (with a fraction) as the decimal string of nanoseconds OTLP/JSON expects. */
export function unixNanos(ms: number): string {
  const whole = Math.floor(ms);
  const fraction = Math.round((ms - whole) * 1e6);
  return (BigInt(whole) * 1_000_000n + BigInt(fraction)).toString();
}

/**
 * Exports spans to an OpenTelemetry collector over OTLP/HTTP with the JSON encoding (POST
 * `/v1/traces`, `ExportTraceServiceRequest`), which every OTLP receiver accepts: the OpenTelemetry
 * Collector, Jaeger, Grafana Tempo and hosted backends.
 */
export class OtlpHttpTraceExporter implements TraceExporter {
  private queue: SpanData[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();
  private readonly outage: OutageLog;
  private dropped = 0;
  private readonly maxBatch: number;
  private readonly maxQueue: number;

  constructor(
    private readonly options: OtlpHttpExporterOptions,
    logger: Logger,
  ) {
    this.outage = new OutageLog(logger, {
      down: "trace export failed; spans are dropped until the collector answers",
      up: "trace export recovered",
    });
    this.maxBatch = options.maxBatch ?? 256;
    this.maxQueue = options.maxQueue ?? 4096;
  }

  export(spans: readonly SpanData[]): void {
    this.queue.push(...spans);
    if (this.queue.length > this.maxQueue) {
      this.dropped += this.queue.length - this.maxQueue;
      this.queue.splice(0, this.queue.length - this.maxQueue);
    }
    if (this.queue.length >= this.maxBatch) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.options.flushIntervalMs ?? 2_000);
      this.timer.unref();
    }
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // One request at a time, in order; each takes what is queued when its turn comes.
    this.sending = this.sending.then(async () => {
      while (this.queue.length > 0) await this.send(this.queue.splice(0, this.maxBatch));
    });
    return this.sending;
  }

  private body(spans: readonly SpanData[]) {
    return {
      resourceSpans: [
        {
          resource: {
            attributes: attributes({
              "service.name": this.options.serviceName,
              "service.version": this.options.serviceVersion,
              "telemetry.sdk.name": "atrium",
              "telemetry.sdk.language": "nodejs",
            }),
          },
          scopeSpans: [
            {
              scope: { name: "atrium", version: this.options.serviceVersion },
              spans: spans.map((span) => ({
                traceId: span.traceId,
                spanId: span.spanId,
                ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
                name: span.name,
                kind: SPAN_KIND_INTERNAL,
                startTimeUnixNano: unixNanos(span.startMs),
                endTimeUnixNano: unixNanos(Math.max(span.startMs, span.endMs)),
                attributes: attributes(span.attributes),
                status: {
                  code: STATUS_CODES[span.status.code],
                  ...(span.status.message ? { message: span.status.message } : {}),
                },
              })),
            },
          ],
        },
      ],
    };
  }

  private async send(spans: readonly SpanData[]): Promise<void> {
    const doFetch = this.options.fetch ?? fetch;
    try {
      const response = await doFetch(this.options.url, {
        method: "POST",
        headers: { ...this.options.headers, "content-type": "application/json" },
        body: JSON.stringify(this.body(spans)),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      await response.body?.cancel().catch(() => undefined);
      if (!response.ok) throw new Error(`the collector answered ${response.status}`);
      this.outage.succeeded({ dropped: this.dropped });
      this.dropped = 0;
    } catch (error) {
      this.dropped += spans.length;
      // The endpoint without credentials, the reason without the request (its headers hold keys).
      this.outage.failed({
        endpoint: redactUrl(this.options.url, { dropQuery: true }),
        reason: (error as Error).message,
      });
    }
  }

  async close(): Promise<void> {
    await this.flush();
  }
}
