import { expect } from "vitest";
import type { JobRunner } from "../../src/jobs/runner.js";
import { createWorker } from "../../src/worker/index.js";
import { useTestApp } from "../setup/container.js";
import { call, type Reply, type TestApp } from "./identity-helpers.js";

export { call, createDepartment, signUp, uniq } from "./identity-helpers.js";

/** The HTTP app for knowledge tests: private-network crawling allowed (the fake site is on 127.0.0.1). */
export function useKnowledgeApp(env: Record<string, string> = {}) {
  return useTestApp({
    env: { AUTH_RATE_LIMIT_PER_MINUTE: "1000", CRAWL_ALLOW_PRIVATE_NETWORKS: "true", ...env },
  });
}

/** A worker on the app's container with millisecond backoff, so retries happen within a test. */
export function testWorker(t: TestApp, options: { workerId?: string } = {}): JobRunner {
  const fast = { backoff: { baseMs: 10, maxMs: 50 } };
  return createWorker(t.context.container, {
    concurrency: 2,
    pollMs: 20,
    leaseMs: 30_000,
    catalog: { "document.ingest": fast, "web_source.crawl": fast, "knowledge_base.reembed": fast },
    ...options,
  });
}

/** Runs every queued job (retries included) until the queue is idle. */
export function drain(t: TestApp): Promise<number> {
  return testWorker(t).runUntilIdle({ includeDelayed: true, timeoutMs: 120_000 });
}

export async function createKnowledgeBase(
  t: TestApp,
  token: string,
  departmentId: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const res = await call(t, "POST", "/knowledge-bases", {
    token,
    body: { departmentId, name: `KB ${Math.random().toString(36).slice(2, 8)}`, ...extra },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

/** A multipart/form-data upload of one file, as a browser form sends it. */
export async function upload(
  t: TestApp,
  token: string,
  kbId: string,
  filename: string,
  data: Buffer | string,
  contentType = "application/octet-stream",
): Promise<Reply> {
  const boundary = `----atrium${Math.random().toString(16).slice(2)}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`;
  const payload = Buffer.concat([
    Buffer.from(head),
    Buffer.from(data),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const response = await t.app.inject({
    method: "POST",
    url: `/knowledge-bases/${kbId}/documents`,
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": `multipart/form-data; boundary=${boundary}`,
    },
    payload,
  });
  if (response.statusCode >= 500) throw new Error(`server error on upload: ${response.body}`);
  return { status: response.statusCode, body: JSON.parse(response.body) };
}

export async function search(t: TestApp, token: string, kbId: string | undefined, query: string, extra = {}) {
  const res = await call(t, "POST", kbId ? `/knowledge-bases/${kbId}/search` : "/search", {
    token,
    body: { query, ...extra },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as {
    mode: string;
    models: string[];
    results: {
      chunkId: string;
      documentId: string;
      knowledgeBaseId: string;
      departmentId: string;
      title: string;
      content: string;
      citation: string;
      metadata: { page?: number; headingPath?: string[]; rowStart?: number };
    }[];
  };
}

export async function documentOf(t: TestApp, token: string, id: string) {
  const res = await call(t, "GET", `/documents/${id}`, { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}
