import { afterAll, beforeAll, expect } from "vitest";
import { requestMeta } from "../../src/http/auth.js";
import { isAppError } from "../../src/lib/errors.js";
import type { ServiceContext } from "../../src/services/context.js";
import { CitationRegistry } from "../../src/services/knowledge/search/citations.js";
import type { RuntimeTool, ToolRunContext, ToolSet } from "../../src/services/tools/runtime-tool.js";
import { call, signUp, useKnowledgeApp } from "../http/knowledge-helpers.js";

/** The AppError code and message of a tool call that must fail. */
export async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected the tool call to fail");
}

/**
 * A test app with a signed-up organisation, and helpers that use tools the way the turn pipeline
 * does: a caller's service context, the container's resolver, a run context per call.
 */
export function useToolHarness(env: Record<string, string> = {}) {
  const t = useKnowledgeApp({
    // A stdio MCP server is a node + tsx process; on a loaded machine it may take long to start.
    TOOLS_MCP_CONNECT_TIMEOUT_MS: "60000",
    // The fake tool APIs and MCP servers listen on 127.0.0.1.
    TOOLS_ALLOW_PRIVATE_NETWORKS: "true",
    ...env,
  });
  const tenant = { token: "", orgId: "", generalId: "", kbIds: [] as string[] };
  const sets: ToolSet[] = [];

  beforeAll(async () => {
    const signed = await signUp(t);
    Object.assign(tenant, { token: signed.token, orgId: signed.orgId, generalId: signed.generalId });
  });
  afterAll(async () => {
    await Promise.allSettled(sets.map((s) => s.close()));
  });

  /** The service context of a signed-in caller, exactly as an HTTP request builds it. */
  async function contextFor(bearer: string): Promise<ServiceContext> {
    const principal = await t.context.container.services.authenticator.fromBearer(bearer);
    return {
      orgId: principal.orgId,
      actor: principal.actor,
      access: principal.access,
      db: t.context.container.database.db,
      meta: requestMeta({ id: "tools-test", headers: {}, ip: "127.0.0.1" } as never),
      logger: t.context.container.logger,
    };
  }

  async function resolve(names: string[], options: { bearer?: string; departmentId?: string | null } = {}) {
    const ctx = await contextFor(options.bearer ?? tenant.token);
    const set = await t.context.container.services.toolResolver.resolve(ctx, {
      names,
      departmentId: options.departmentId === undefined ? tenant.generalId : options.departmentId,
    });
    sets.push(set);
    return { ctx, set, tool: (name: string) => set.tools.find((x) => x.name === name) as RuntimeTool };
  }

  function run(
    ctx: ServiceContext,
    knowledgeBaseIds: string[] = tenant.kbIds,
    signal = new AbortController().signal,
  ) {
    return {
      ctx,
      agentId: "00000000-0000-7000-8000-00000000a9e7",
      departmentId: tenant.generalId,
      knowledgeBaseIds,
      signal,
      citations: new CitationRegistry(),
    } satisfies ToolRunContext;
  }

  async function createTool(body: Record<string, unknown>) {
    const res = await call(t, "POST", "/tools", { token: tenant.token, body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; name: string };
  }

  return { t, tenant, resolve, run, createTool };
}
