import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What the fake answers next; the last behaviour repeats once the script runs out. */
export type FakeBehaviour =
  | { kind: "ok" }
  | { kind: "status"; status: number; retryAfter?: string; body?: string }
  | { kind: "wrong-dimensions"; dimensions: number }
  | { kind: "hang" };

export interface RecordedRequest {
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
  at: number;
}

export interface FakeEmbeddingsServer {
  /** Base URL including `/v1`. */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Replaces the script of behaviours. */
  script(...behaviours: FakeBehaviour[]): void;
  close(): Promise<void>;
}

/** A deterministic vector per text: letter counts folded into `dimensions` slots. */
export function fakeVector(text: string, dimensions: number): number[] {
  const v = new Array<number>(dimensions).fill(0);
  for (let i = 0; i < text.length; i++) v[(text.charCodeAt(i) * 7 + i) % dimensions]! += 1;
  v[0]! += 0.5;
  return v;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return JSON.parse(Buffer.concat(parts).toString("utf8") || "{}") as Record<string, unknown>;
}

/**
 * A real HTTP server speaking the OpenAI embeddings protocol (`POST /v1/embeddings`) and the
 * Cohere/Jina rerank protocol (`POST /v1/rerank`), scriptable to fail the way real endpoints do.
 */
export async function startFakeEmbeddingsServer(options: {
  dimensions: number;
}): Promise<FakeEmbeddingsServer> {
  let behaviours: FakeBehaviour[] = [{ kind: "ok" }];
  const requests: RecordedRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const body = await readJson(req);
    requests.push({ path: req.url ?? "", authorization: req.headers.authorization, body, at: Date.now() });
    const behaviour = behaviours.length > 1 ? behaviours.shift()! : behaviours[0]!;
    if (behaviour.kind === "hang") return;
    if (behaviour.kind === "status") {
      res.writeHead(behaviour.status, {
        "content-type": "application/json",
        ...(behaviour.retryAfter ? { "retry-after": behaviour.retryAfter } : {}),
      });
      res.end(behaviour.body ?? JSON.stringify({ error: { message: `status ${behaviour.status}` } }));
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    if (req.url === "/v1/rerank") {
      const documents = body.documents as string[];
      const query = String(body.query);
      const results = documents
        .map((d, index) => ({ index, relevance_score: d.includes(query) ? 0.9 : 0.1 / (index + 1) }))
        .sort((a, b) => b.relevance_score - a.relevance_score);
      res.end(JSON.stringify({ results }));
      return;
    }
    const input = (Array.isArray(body.input) ? body.input : [body.input]) as string[];
    const size = behaviour.kind === "wrong-dimensions" ? behaviour.dimensions : options.dimensions;
    res.end(
      JSON.stringify({
        object: "list",
        model: body.model,
        data: input.map((text, index) => ({ object: "embedding", index, embedding: fakeVector(text, size) })),
        usage: { prompt_tokens: input.length, total_tokens: input.length },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    script(...next) {
      behaviours = next.length > 0 ? next : [{ kind: "ok" }];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
