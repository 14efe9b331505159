import { and, eq } from "drizzle-orm";
import { expect } from "vitest";
import { auditLogs } from "../../src/db/schema/index.js";
import type { Mailer, MailMessage } from "../../src/providers/mail/index.js";
import { useTestApp } from "../setup/container.js";

export type TestApp = ReturnType<typeof useTestApp>;

export interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected field by field
  body: any;
}

/** Captures outgoing mail instead of sending it (or writing the development outbox). */
export class CapturingMailer implements Mailer {
  readonly kind = "capture";
  readonly sent: MailMessage[] = [];
  async send(message: MailMessage) {
    this.sent.push(message);
  }
}

/** The HTTP app for identity tests: mail captured, auth rate limits out of the way unless given. */
export function useIdentityApp(env: Record<string, string> = {}, mailer = new CapturingMailer()) {
  return useTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "1000", ...env }, infra: { mailer } });
}

let counter = 0;
/** A value unique within this test process (emails, slugs). */
export const uniq = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;

export const PASSWORD = "correct-horse-battery";

/** One HTTP call through app.inject with an optional bearer token. */
export async function call(
  t: TestApp,
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  url: string,
  options: { token?: string | undefined; body?: unknown } = {},
): Promise<Reply> {
  const response = await t.app.inject({
    method,
    url,
    ...(options.token ? { headers: { authorization: `Bearer ${options.token}` } } : {}),
    ...(options.body === undefined ? {} : { payload: options.body as object }),
  });
  const text = response.body;
  const body = text ? JSON.parse(text) : null;
  if (response.statusCode >= 500) throw new Error(`server error on ${method} ${url}: ${text}`);
  return { status: response.statusCode, body };
}

export interface Tenant {
  orgId: string;
  orgSlug: string;
  adminId: string;
  adminEmail: string;
  token: string;
  refreshToken: string;
  generalId: string;
}

/** Signs up a fresh organisation over HTTP; its admin's tokens and first department come back. */
export async function signUp(t: TestApp, name = "Acme"): Promise<Tenant> {
  const adminEmail = `${uniq("owner")}@example.test`;
  const res = await call(t, "POST", "/orgs", {
    body: { organization: { name }, admin: { name: "Olga Owner", email: adminEmail, password: PASSWORD } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return {
    orgId: res.body.organization.id,
    orgSlug: res.body.organization.slug,
    adminId: res.body.user.id,
    adminEmail,
    token: res.body.tokens.accessToken,
    refreshToken: res.body.tokens.refreshToken,
    generalId: res.body.user.departmentId,
  };
}

export async function createDepartment(t: TestApp, token: string, name: string): Promise<string> {
  const res = await call(t, "POST", "/departments", { token, body: { name, slug: uniq("d") } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

export interface Member {
  id: string;
  email: string;
  token: string;
  refreshToken: string;
}

/** Invites and accepts over HTTP: a signed-in member of `departmentId` with `role`. */
export async function addMember(
  t: TestApp,
  token: string,
  departmentId: string,
  role = "employee",
  name = "Mia Member",
): Promise<Member> {
  const email = `${uniq(role)}@example.test`;
  const invite = await call(t, "POST", "/invitations", { token, body: { email, departmentId, role } });
  expect(invite.status, JSON.stringify(invite.body)).toBe(201);
  const accepted = await call(t, "POST", "/invitations/accept", {
    body: { token: invite.body.token, name, password: PASSWORD },
  });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  return {
    id: accepted.body.user.id,
    email,
    token: accepted.body.tokens.accessToken,
    refreshToken: accepted.body.tokens.refreshToken,
  };
}

export async function login(t: TestApp, email: string, password = PASSWORD): Promise<Reply> {
  return call(t, "POST", "/auth/login", { body: { email, password } });
}

/** Audit rows of an organisation, optionally of one action, oldest first. */
export async function audits(t: TestApp, orgId: string, action?: string) {
  return t.context.container.repositories.auditLogs.findMany(
    and(eq(auditLogs.orgId, orgId), action ? eq(auditLogs.action, action) : undefined),
  );
}
