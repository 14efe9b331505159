import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string; doubleValue?: number; boolValue?: boolean };
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpAttribute[];
  status: { code: number; message?: string };
}

export interface OtlpExport {
  headers: IncomingHttpHeaders;
  raw: string;
  resource: OtlpAttribute[];
  spans: OtlpSpan[];
}

/**
 * A small OTLP/HTTP receiver speaking the JSON encoding: POST /v1/traces with an
 * ExportTraceServiceRequest, answered with an empty ExportTraceServiceResponse. `failWith(status)`
 * makes it refuse the next requests.
 */
export async function startFakeOtlpCollector() {
  const exports: OtlpExport[] = [];
  let failStatus: number | undefined;
  const server = createServer(async (req, res) => {
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    const raw = Buffer.concat(parts).toString("utf8");
    const path = new URL(req.url ?? "/", "http://collector").pathname;
    if (req.method !== "POST" || path !== "/v1/traces") return res.writeHead(404).end();
    if (!req.headers["content-type"]?.startsWith("application/json")) return res.writeHead(415).end();
    if (failStatus) return res.writeHead(failStatus).end();
    const body = JSON.parse(raw) as {
      resourceSpans: { resource: { attributes: OtlpAttribute[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
    };
    for (const rs of body.resourceSpans) {
      exports.push({
        headers: req.headers,
        raw,
        resource: rs.resource.attributes,
        spans: rs.scopeSpans.flatMap((s) => s.spans),
      });
    }
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exports,
    spans: () => exports.flatMap((e) => e.spans),
    failWith(status: number | undefined) {
      failStatus = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An attribute's value, whatever its OTLP type. */
export function attributeOf(attributes: OtlpAttribute[], key: string): unknown {
  const found = attributes.find((a) => a.key === key)?.value;
  if (!found) return undefined;
  if (found.intValue !== undefined) return Number(found.intValue);
  return found.stringValue ?? found.doubleValue ?? found.boolValue;
}
