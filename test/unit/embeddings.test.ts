import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../src/lib/errors.js";
import { retryAfterMs } from "../../src/providers/embeddings/http.js";
import {
  createEmbedder,
  HashEmbedder,
  LocalEmbedder,
  OpenAIEmbedder,
} from "../../src/providers/embeddings/index.js";
import { HttpReranker } from "../../src/providers/rerank/reranker.js";
import { type FakeEmbeddingsServer, startFakeEmbeddingsServer } from "../fakes/openai-embeddings-server.js";
import { testConfig } from "../setup/container.js";

const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
const norm = (a: number[]) => Math.sqrt(dot(a, a));

describe("hash embedder", () => {
  const embedder = new HashEmbedder();

  it("is hash-384: deterministic, 384-d, unit length", async () => {
    expect(embedder.model).toBe("hash-384");
    expect(embedder.dimensions).toBe(384);
    const [a, b] = await embedder.embed(["Annual leave policy", "Annual leave policy"], "document");
    expect(a).toHaveLength(384);
    expect(a).toEqual(b);
    expect(norm(a!)).toBeCloseTo(1, 6);
  });

  it("ranks lexically related text above unrelated text, across word forms", async () => {
    const [query, related, unrelated] = await embedder.embed(
      [
        "How many vacation days do employees get?",
        "Employees receive 25 vacation days per year.",
        "The server room is cooled to 18 degrees.",
      ],
      "document",
    );
    expect(dot(query!, related!)).toBeGreaterThan(dot(query!, unrelated!) + 0.2);
    const [stemA, stemB] = await embedder.embed(
      ["reimbursing travel expenses", "reimbursement of travel expense"],
      "query",
    );
    expect(dot(stemA!, stemB!)).toBeGreaterThan(0.5);
  });

  it("embeds empty and stop-word-only text as the zero vector instead of failing", async () => {
    const [empty, stop] = await embedder.embed(["", "the of and"], "query");
    expect(empty!.every((v) => v === 0)).toBe(true);
    expect(stop!.every((v) => v === 0)).toBe(true);
  });
});

describe("openai-compatible embedder", () => {
  let fake: FakeEmbeddingsServer;
  const fast = { baseDelayMs: 5, maxDelayMs: 50, timeoutMs: 2_000 };
  beforeAll(async () => {
    fake = await startFakeEmbeddingsServer({ dimensions: 8 });
  });
  afterAll(() => fake.close());
  const make = (extra: Partial<ConstructorParameters<typeof OpenAIEmbedder>[0]> = {}) =>
    new OpenAIEmbedder({
      baseUrl: fake.baseUrl,
      apiKey: "sk-secret-key",
      model: "m",
      dimensions: 8,
      retry: fast,
      ...extra,
    });

  it("batches inputs, sends the key, returns one unit vector per text in order", async () => {
    fake.requests.length = 0;
    fake.script({ kind: "ok" });
    const texts = ["alpha", "beta", "gamma", "delta", "epsilon"];
    const vectors = await make({ batchSize: 2 }).embed(texts, "document");
    expect(fake.requests).toHaveLength(3);
    expect(fake.requests[0]!.authorization).toBe("Bearer sk-secret-key");
    expect(fake.requests.map((r) => (r.body.input as string[]).length)).toEqual([2, 2, 1]);
    expect(vectors).toHaveLength(5);
    expect(norm(vectors[4]!)).toBeCloseTo(1, 6);
    const [again] = await make().embed(["epsilon"], "query");
    expect(again).toEqual(vectors[4]);
  });

  it("retries 429 (honouring Retry-After) and 5xx, then succeeds", async () => {
    fake.requests.length = 0;
    fake.script(
      { kind: "status", status: 429, retryAfter: "0.2" },
      { kind: "status", status: 503 },
      { kind: "ok" },
    );
    const vectors = await make().embed(["x"], "query");
    expect(vectors).toHaveLength(1);
    expect(fake.requests).toHaveLength(3);
    expect(fake.requests[1]!.at - fake.requests[0]!.at).toBeGreaterThanOrEqual(190);
  });

  it("gives up after the retries with a clear error that never contains the key", async () => {
    fake.script({ kind: "status", status: 500 });
    const error = await make({ retry: { ...fast, retries: 2 } })
      .embed(["x"], "query")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("UNAVAILABLE");
    expect((error as Error).message).toMatch(/failed after 3 attempts \(HTTP 500/);
    expect(JSON.stringify(error) + (error as Error).message).not.toContain("sk-secret-key");
  });

  it("does not retry other 4xx answers", async () => {
    fake.requests.length = 0;
    fake.script({ kind: "status", status: 401 });
    await expect(make().embed(["x"], "query")).rejects.toThrow(/rejected the request \(HTTP 401/);
    expect(fake.requests).toHaveLength(1);
  });

  it("refuses vectors of the wrong size", async () => {
    fake.script({ kind: "wrong-dimensions", dimensions: 12 });
    await expect(make().embed(["x"], "document")).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringMatching(/returned 12 dimensions but EMBEDDING_DIMENSIONS is 8/),
    });
  });

  it("times out a hanging endpoint", async () => {
    fake.script({ kind: "hang" });
    await expect(
      make({ retry: { ...fast, retries: 0, timeoutMs: 150 } }).embed(["x"], "query"),
    ).rejects.toThrow(/no answer within 150 ms/);
  });

  it("reranks through the rerank protocol", async () => {
    fake.script({ kind: "ok" });
    const reranker = new HttpReranker({ url: `${fake.baseUrl}/rerank`, apiKey: "k" });
    expect(await reranker.rerank("leave", ["travel policy", "annual leave rules"])).toEqual([0.1, 0.9]);
  });
});

describe("createEmbedder and configuration", () => {
  it("builds the hash embedder by default and the configured provider otherwise", () => {
    expect(createEmbedder(testConfig().embedding)).toBeInstanceOf(HashEmbedder);
    const openai = createEmbedder(
      testConfig({ EMBEDDING_PROVIDER: "openai", EMBEDDING_MODEL: "nomic", EMBEDDING_DIMENSIONS: "768" })
        .embedding,
    );
    expect(openai).toBeInstanceOf(OpenAIEmbedder);
    expect([openai.model, openai.dimensions]).toEqual(["nomic", 768]);
  });

  it("rejects incomplete provider settings", () => {
    expect(() => testConfig({ EMBEDDING_PROVIDER: "openai" })).toThrow(
      /EMBEDDING_DIMENSIONS.*\n.*EMBEDDING_MODEL/,
    );
    expect(() => testConfig({ EMBEDDING_PROVIDER: "local", EMBEDDING_DIMENSIONS: "256" })).toThrow(
      /EMBEDDING_LOCAL_PATH/,
    );
  });

  it("parses Retry-After seconds and dates", () => {
    expect(retryAfterMs("2")).toBe(2000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs(null)).toBeUndefined();
  });
});

const MODEL = new URL("../../../shared/models/tiny-static-256d", import.meta.url).pathname;
const hasTransformers = (() => {
  try {
    createRequire(import.meta.url).resolve("@huggingface/transformers");
    return true;
  } catch {
    return false;
  }
})();

describe("local ONNX embedder", () => {
  it.skipIf(!hasTransformers || !existsSync(MODEL))(
    "embeds offline from a folder with mean pooling and normalisation (tiny-static-256d, q8)",
    async () => {
      const embedder = new LocalEmbedder({ path: MODEL, dimensions: 256, dtype: "q8" });
      expect(embedder.model).toBe("local-tiny-static-256d");
      const [a, b, c] = await embedder.embed(
        ["vitamin d deficiency", "lack of vitamin d", "the stock market fell"],
        "document",
      );
      expect(a).toHaveLength(256);
      expect(norm(a!)).toBeCloseTo(1, 4);
      expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!));
      const wrong = new LocalEmbedder({ path: MODEL, dimensions: 384 });
      await expect(wrong.embed(["x"], "query")).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    },
    60_000,
  );

  it("reports a missing model folder clearly", async () => {
    const embedder = new LocalEmbedder({ path: "/nonexistent/model-folder", dimensions: 8 });
    await expect(embedder.embed(["x"], "query")).rejects.toMatchObject({ code: "UNAVAILABLE" });
  });
});
