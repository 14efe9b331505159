import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { agentToolCalls } from "../../src/db/schema/index.js";
import { ask, type ChatApp, call, createAgent, startConversation } from "../http/chat-helpers.js";
import type { Tenant } from "../http/identity-helpers.js";

/** Registers an HTTP tool calling `url` (its host allow-listed unless `extra` says) and returns its name. */
export async function httpTool(t: ChatApp, token: string, name: string, url: string, extra = {}) {
  const res = await call(t, "POST", "/tools", {
    token,
    body: {
      name,
      kind: "http",
      config: {
        url,
        allowedHosts: [new URL(url.replace(/\{\{\s*[\w.-]+\s*\}\}/g, "x")).hostname],
        timeoutMs: 2_000,
        ...extra,
      },
    },
  });
  expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(201);
  return res.body as { id: string; name: string };
}

/**
 * One chat turn of an agent of the tenant's first department in which the model calls each named
 * tool once (in order); returns the recorded tool calls and the run.
 */
export async function modelCalls(
  t: ChatApp,
  tenant: Pick<Tenant, "token" | "generalId">,
  calls: Array<{ name: string; arguments: object }>,
  toolsEnabled = [...new Set(calls.map((c) => c.name))],
) {
  const agentId = await createAgent(t, tenant.token, {
    departmentId: tenant.generalId,
    toolsEnabled,
    maxSteps: 3,
  });
  const conversationId = await startConversation(t, tenant.token, agentId);
  t.models.scripted.script({ toolCalls: calls }, { text: "Done." });
  const res = await ask(t, tenant.token, conversationId, "Do it.");
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const rows = await t.context.container.database.db
    .select()
    .from(agentToolCalls)
    .where(eq(agentToolCalls.agentTaskId, res.body.taskId));
  return { rows, runId: res.body.runId as string };
}
