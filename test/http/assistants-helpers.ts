import { expect } from "vitest";
import type { ServiceContext } from "../../src/services/context.js";
import type { Reply, TestApp } from "./identity-helpers.js";

export { addMember, audits, createDepartment, signUp, uniq } from "./identity-helpers.js";
export { createKnowledgeBase } from "./knowledge-helpers.js";
export type { Reply, TestApp };

type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** One HTTP call through app.inject with an optional bearer token (PUT included). */
export async function call(
  t: TestApp,
  method: Method,
  url: string,
  options: { token?: string | undefined; body?: unknown } = {},
): Promise<Reply> {
  const response = await t.app.inject({
    method,
    url,
    ...(options.token ? { headers: { authorization: `Bearer ${options.token}` } } : {}),
    ...(options.body === undefined ? {} : { payload: options.body as object }),
  });
  if (response.statusCode >= 500) throw new Error(`server error on ${method} ${url}: ${response.body}`);
  return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : null };
}

/** A call that must succeed with `status`; returns the body. */
export async function ok(
  t: TestApp,
  method: Method,
  url: string,
  token: string,
  body?: unknown,
  status = 200,
  // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected field by field
): Promise<any> {
  const res = await call(t, method, url, { token, body });
  expect(res.status, `${method} ${url}: ${JSON.stringify(res.body)}`).toBe(status);
  return res.body;
}

/** The service context a request with this token gets (for service verbs without a route yet). */
export async function contextFor(t: TestApp, token: string): Promise<ServiceContext> {
  const { container } = t.context;
  const principal = await container.services.authenticator.fromBearer(token);
  return {
    orgId: principal.orgId,
    actor: principal.actor,
    access: principal.access,
    db: container.database.db,
    meta: { requestId: "assistants-test" },
    logger: container.logger,
  };
}
