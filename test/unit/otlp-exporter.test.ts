import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/env.js";
import { createLogger } from "../../src/lib/logger.js";
import { OtlpHttpTraceExporter, unixNanos } from "../../src/providers/telemetry/otlp-http-exporter.js";
import type { SpanData } from "../../src/providers/telemetry/trace-exporter.js";
import { startFakeOtlpCollector } from "../fakes/otlp-collector.js";

const span = (i: number): SpanData => ({
  traceId: "0af7651916cd43dd8448eb211c80319c",
  spanId: i.toString(16).padStart(16, "0"),
  name: `span ${i}`,
  startMs: 1_764_806_400_000.25 + i,
  endMs: 1_764_806_400_010 + i,
  attributes: { "atrium.i": i, "atrium.ratio": 0.5, "atrium.ok": true, "atrium.none": undefined },
  status: { code: "ok" },
});

function capturedLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger("info", sink), lines };
}

describe("OTLP/HTTP trace exporter", () => {
  let collector: Awaited<ReturnType<typeof startFakeOtlpCollector>>;
  beforeAll(async () => {
    collector = await startFakeOtlpCollector();
  });
  afterAll(() => collector.close());

  it("writes epoch milliseconds as exact nanosecond strings", () => {
    expect(unixNanos(1_764_806_400_000)).toBe("1764806400000000000");
    expect(unixNanos(1_764_806_400_000.25)).toBe("1764806400000250000");
  });

  it("sends full batches at once, in order, typed attributes and all", async () => {
    const { logger } = capturedLogger();
    const exporter = new OtlpHttpTraceExporter(
      { url: `${collector.url}/v1/traces`, headers: {}, serviceName: "s", serviceVersion: "1", maxBatch: 2 },
      logger,
    );
    const before = collector.exports.length;
    exporter.export([span(1), span(2), span(3), span(4), span(5)]);
    await exporter.close();
    const sent = collector.exports.slice(before);
    expect(sent.map((e) => e.spans.map((s) => s.name))).toEqual([
      ["span 1", "span 2"],
      ["span 3", "span 4"],
      ["span 5"],
    ]);
    const first = sent[0]!.spans[0]!;
    expect(first.startTimeUnixNano).toBe("1764806400001250000");
    expect(first.attributes).toEqual([
      { key: "atrium.i", value: { intValue: "1" } },
      { key: "atrium.ratio", value: { doubleValue: 0.5 } },
      { key: "atrium.ok", value: { boolValue: true } },
    ]);
  });

  it("drops spans while the collector refuses, says so once without its headers, and recovers", async () => {
    const { logger, lines } = capturedLogger();
    const exporter = new OtlpHttpTraceExporter(
      {
        url: `${collector.url}/v1/traces?api_key=query-secret`,
        headers: { authorization: "Bearer otlp-very-secret" },
        serviceName: "s",
        serviceVersion: "1",
        maxQueue: 3,
      },
      logger,
    );
    collector.failWith(500);
    exporter.export([span(1)]);
    await exporter.flush();
    exporter.export([span(2)]);
    await exporter.flush();
    collector.failWith(undefined);
    const before = collector.exports.length;
    // Beyond the queue's bound the oldest spans go.
    exporter.export([span(3), span(4), span(5), span(6)]);
    await exporter.close();
    expect(collector.exports.slice(before).flatMap((e) => e.spans.map((s) => s.name))).toEqual([
      "span 4",
      "span 5",
      "span 6",
    ]);
    const log = lines.join("");
    expect(log.match(/trace export failed/g)).toHaveLength(1);
    expect(log).toContain("trace export recovered");
    expect(log).not.toContain("otlp-very-secret");
    expect(log).not.toContain("query-secret");
    expect(log).toContain(`${collector.url}/v1/traces`);
  });
});

describe("OpenTelemetry configuration", () => {
  it("is off by default, and sends to <endpoint>/v1/traces with the given headers and service name", () => {
    expect(loadConfig({}).telemetry.tracesUrl).toBeUndefined();
    const config = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/",
      OTEL_EXPORTER_OTLP_HEADERS: "X-Api-Key=a%2Cb, team=core",
      OTEL_SERVICE_NAME: "atrium-eu",
    });
    expect(config.telemetry).toEqual({
      tracesUrl: "http://collector:4318/v1/traces",
      headers: { "x-api-key": "a,b", team: "core" },
      serviceName: "atrium-eu",
    });
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://otlp.example.com/api/traces" }).telemetry
        .tracesUrl,
    ).toBe("https://otlp.example.com/api/traces");
  });

  it("refuses malformed headers without echoing them", () => {
    let error: unknown;
    try {
      loadConfig({ OTEL_EXPORTER_OTLP_HEADERS: "no-equals-sign-secret-value" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain("OTEL_EXPORTER_OTLP_HEADERS");
    expect((error as ConfigError).message).not.toContain("secret-value");
  });
});
