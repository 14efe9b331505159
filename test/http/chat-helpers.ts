import type { AddressInfo } from "node:net";
import { expect } from "vitest";
import { JobRunner } from "../../src/jobs/runner.js";
import { AppError } from "../../src/lib/errors.js";
import type { ChatModelProvider, ModelSpec, TokenUsage } from "../../src/providers/llm/chat-model.js";
import { createChatModelProvider } from "../../src/providers/llm/index.js";
import type { BudgetGuard } from "../../src/services/chat/collaborators.js";
import { createJobHandlers } from "../../src/worker/handlers/index.js";
import { ScriptedChatModel } from "../fakes/scripted-chat-model.js";
import { testConfig, useTestApp } from "../setup/container.js";
import { call, type TestApp } from "./identity-helpers.js";
import { createKnowledgeBase } from "./knowledge-helpers.js";

export { addMember, call, createDepartment, signUp } from "./identity-helpers.js";

/**
 * Chat models for tests: `extractive` is the real offline model; every other provider answers with
 * one scripted model (test/fakes/scripted-chat-model.ts), priced at 1 µ$ per prompt token and 2 µ$
 * per completion token so costs are checkable.
 */
export class TestChatModels implements ChatModelProvider {
  readonly scripted = new ScriptedChatModel();
  private readonly real = createChatModelProvider(testConfig().llm);

  resolve(spec: Partial<ModelSpec>) {
    if (spec.provider === "extractive") return this.real.resolve(spec);
    return {
      spec: { provider: spec.provider ?? "openai", model: spec.model ?? "scripted-model" },
      model: this.scripted,
    };
  }

  costUsd(spec: ModelSpec, usage: TokenUsage): number {
    if (spec.provider === "extractive") return 0;
    return (usage.promptTokens + 2 * usage.completionTokens) / 1_000_000;
  }
}

/** A budget guard a test can close. */
export class SwitchableBudget implements BudgetGuard {
  refuse = false;
  async assertWithinBudget(): Promise<void> {
    if (this.refuse) throw new AppError("LIMIT_EXCEEDED", "The department's monthly budget is spent");
  }
  async spentDepartments(): Promise<Set<string>> {
    return new Set();
  }
}

export function useChatApp(env: Record<string, string> = {}) {
  const models = new TestChatModels();
  const budget = new SwitchableBudget();
  const t = useTestApp({
    env: { AUTH_RATE_LIMIT_PER_MINUTE: "1000", ...env },
    infra: { chatModels: models, budgetGuard: budget },
  });
  return Object.assign(t, { models, budget });
}

export type ChatApp = ReturnType<typeof useChatApp>;

/** Starts the app on a real port (streaming and disconnects need a socket); returns its base URL. */
export async function listen(t: TestApp): Promise<string> {
  const address = t.app.server.address() as AddressInfo | null;
  if (address) return `http://127.0.0.1:${address.port}`;
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  return `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
}

/** Asks over a real socket with `Accept: text/event-stream`, as a streaming client does. */
export function askStreaming(
  base: string,
  token: string,
  conversationId: string,
  text: string,
  init: RequestInit = {},
): Promise<Response> {
  return fetch(`${base}/conversations/${conversationId}/messages`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      accept: "text/event-stream",
      "content-type": "application/json",
    },
    body: JSON.stringify({ text }),
    ...init,
  });
}

/** A knowledge base with one ingested text document; returns their ids. */
export async function seedKnowledge(
  t: TestApp,
  token: string,
  departmentId: string,
  title: string,
  body: string,
) {
  const kb = await createKnowledgeBase(t, token, departmentId);
  const doc = await call(t, "POST", `/knowledge-bases/${kb}/documents/text`, {
    token,
    body: { title, body },
  });
  expect(doc.status, JSON.stringify(doc.body)).toBe(201);
  await ingest(t);
  return { kb, documentId: doc.body.document.id as string };
}

/**
 * Runs queued ingestion jobs only: turns also enqueue (delayed) memory extractions, which are not
 * what these tests are about.
 */
export async function ingest(t: TestApp): Promise<void> {
  const { container } = t.context;
  const handlers = createJobHandlers(container.services);
  const runner = new JobRunner({
    jobs: container.repositories.jobs,
    handlers: { "document.ingest": handlers["document.ingest"] } as typeof handlers,
    logger: container.logger,
    concurrency: 1,
    pollMs: 20,
    leaseMs: 30_000,
  });
  await runner.runUntilIdle({ timeoutMs: 60_000 });
}

export async function createAgent(t: TestApp, token: string, body: Record<string, unknown>): Promise<string> {
  const res = await call(t, "POST", "/agents", {
    token,
    body: {
      name: `Agent ${Math.random().toString(36).slice(2, 8)}`,
      primaryModelProvider: "openai",
      ...body,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

export async function startConversation(t: TestApp, token: string, agentId: string): Promise<string> {
  const res = await call(t, "POST", "/conversations", { token, body: { agentId } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

/** Asks over HTTP (JSON); unlike `call`, a 503 (a failed answer) is a result, not a crash. */
export async function ask(t: TestApp, token: string, conversationId: string, text: string) {
  const response = await t.app.inject({
    method: "POST",
    url: `/conversations/${conversationId}/messages`,
    headers: { authorization: `Bearer ${token}` },
    payload: { text },
  });
  if (response.statusCode === 500) throw new Error(`server error: ${response.body}`);
  // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected field by field
  return { status: response.statusCode, body: JSON.parse(response.body) as any };
}

export interface SseEvent {
  id?: string;
  event?: string;
  // biome-ignore lint/suspicious/noExplicitAny: events are inspected field by field
  data: any;
}

/** Parses a Server-Sent Events body (comments skipped). */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split(/\n\n/)) {
    const lines = block.split("\n").filter((l) => l && !l.startsWith(":"));
    if (lines.length === 0) continue;
    const event: SseEvent = { data: undefined };
    const data: string[] = [];
    for (const line of lines) {
      const at = line.indexOf(":");
      const field = line.slice(0, at);
      const value = line.slice(at + 1).replace(/^ /, "");
      if (field === "id") event.id = value;
      else if (field === "event") event.event = value;
      else if (field === "data") data.push(value);
    }
    const joined = data.join("\n");
    try {
      event.data = JSON.parse(joined);
    } catch {
      event.data = joined;
    }
    events.push(event);
  }
  return events;
}

/**
 * Reads an SSE response incrementally; `next()` resolves with the next event, `rest()` with every
 * event until the stream ends.
 */
export function sseReader(response: Response) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const queue: SseEvent[] = [];
  let ended = false;
  async function fill(): Promise<void> {
    while (queue.length === 0 && !ended) {
      const { value, done } = await reader.read();
      if (done) {
        ended = true;
        break;
      }
      buffer += decoder.decode(value, { stream: true });
      const cut = buffer.lastIndexOf("\n\n");
      if (cut < 0) continue;
      queue.push(...parseSse(buffer.slice(0, cut + 2)));
      buffer = buffer.slice(cut + 2);
    }
  }
  return {
    async next(): Promise<SseEvent | undefined> {
      await fill();
      return queue.shift();
    },
    async rest(): Promise<SseEvent[]> {
      const all: SseEvent[] = [];
      for (let e = await this.next(); e; e = await this.next()) all.push(e);
      return all;
    },
    cancel: () => reader.cancel(),
  };
}

/** Polls until `check` returns a value (or fails after `timeoutMs`). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}
