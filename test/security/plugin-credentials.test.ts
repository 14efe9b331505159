import { beforeAll, describe, expect, it } from "vitest";
import { decryptSecret, deriveKey } from "../../src/lib/encryption.js";
import { PLUGIN_SECRETS_PURPOSE } from "../../src/services/assistants/plugins.js";
import type { ServiceContext } from "../../src/services/context.js";
import { addMember, audits, call, contextFor, ok, signUp, uniq } from "../http/assistants-helpers.js";
import type { Member, Tenant } from "../http/identity-helpers.js";
import { useIdentityApp } from "../http/identity-helpers.js";

/**
 * Namespace plugin credentials were recognised by their top-level key name only (secret, token,
 * password, key, credential): a token one level down, an `Authorization` header, a webhook URL whose
 * path is its key or a DSN with a password came back in clear to every employee of the department and
 * were stored unsealed. Each plugin now declares its credentials in its settings schema; they are
 * sealed and masked at any depth, and a setting the schema does not declare is refused.
 */

const SECRETS = {
  hookUrl: "https://hooks.chat.example/services/T01/B02/hook-path-secret-4411",
  authorization: "Bearer header-secret-9f3a",
  apiKeyHeader: "x-api-key-secret-1c7e",
  signing: "webhook-signing-secret-77aa",
  imapPassword: "imap-password-secret-5b2c",
  smtpPassword: "smtp-password-secret-3d4e",
  caldav: "https://alice:caldav-password-secret-8e8e@cal.example/dav/alice/",
};

describe("attack: namespace plugin credentials below the top level", () => {
  const t = useIdentityApp({ ALLOW_SIGNUP: "true" });
  let tenant: Tenant;
  let employee: Member;
  let ns: string;
  let adminCtx: ServiceContext;
  const plugins = () => t.context.container.services.namespaces.plugins;
  const storedRows = async () =>
    JSON.stringify(await t.context.container.repositories.namespacePlugins.listFor(ns));
  const expectNoSecretIn = (text: string) => {
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret.replace(/^Bearer /, ""));
  };

  beforeAll(async () => {
    tenant = await signUp(t);
    employee = await addMember(t, tenant.token, tenant.generalId, "employee");
    ns = (
      await ok(
        t,
        "POST",
        "/namespaces",
        tenant.token,
        { departmentId: tenant.generalId, name: "Front desk", slug: uniq("desk") },
        201,
      )
    ).id;
    adminCtx = await contextFor(t, tenant.token);
    await ok(t, "PUT", `/namespaces/${ns}/plugins/webhook`, tenant.token, {
      config: {
        url: SECRETS.hookUrl,
        events: ["conversation.created"],
        headers: { Authorization: SECRETS.authorization, "X-Api-Key": SECRETS.apiKeyHeader },
        signingSecret: SECRETS.signing,
      },
    });
    await ok(t, "PUT", `/namespaces/${ns}/plugins/email`, tenant.token, {
      config: {
        address: "desk@example.test",
        imap: { host: "imap.example.test", port: 993, username: "desk", password: SECRETS.imapPassword },
        smtp: { host: "smtp.example.test", port: 587, username: "desk", password: SECRETS.smtpPassword },
      },
    });
    await ok(t, "PUT", `/namespaces/${ns}/plugins/calendar`, tenant.token, {
      config: { provider: "caldav", calendarId: "alice", caldavUrl: SECRETS.caldav },
    });
  });

  it("shows an employee every credential as [set], at any depth, and the rest as set", async () => {
    const list = await ok(t, "GET", `/namespaces/${ns}/plugins`, employee.token);
    expectNoSecretIn(JSON.stringify(list));
    const config = (id: string) => list.items.find((p: { pluginId: string }) => p.pluginId === id).config;
    expect(config("webhook")).toEqual({
      url: "[set]",
      events: ["conversation.created"],
      headers: { Authorization: "[set]", "X-Api-Key": "[set]" },
      signingSecret: "[set]",
    });
    expect(config("email")).toEqual({
      address: "desk@example.test",
      imap: { host: "imap.example.test", port: 993, username: "desk", password: "[set]" },
      smtp: { host: "smtp.example.test", port: 587, username: "desk", password: "[set]" },
    });
    expect(config("calendar")).toEqual({ provider: "caldav", calendarId: "alice", caldavUrl: "[set]" });
  });

  it("tells clients which settings are credentials", async () => {
    const list = await ok(t, "GET", `/namespaces/${ns}/plugins`, employee.token);
    const of = (id: string) => list.available.find((p: { id: string }) => p.id === id).credentials;
    expect(of("webhook")).toEqual(["url", "headers.*", "signingSecret"]);
    expect(of("email")).toEqual(["imap.password", "smtp.password"]);
  });

  it("stores every credential sealed and keeps audit rows free of them", async () => {
    expectNoSecretIn(await storedRows());
    expectNoSecretIn(JSON.stringify(await audits(t, tenant.orgId)));
    const row = await t.context.container.repositories.namespacePlugins.findFor(ns, "webhook");
    const headers = row!.config.headers as Record<string, { sealed: string }>;
    const key = deriveKey(t.context.container.config.auth.secret!, PLUGIN_SECRETS_PURPOSE);
    expect(JSON.parse(decryptSecret(key, headers.Authorization!.sealed))).toBe(SECRETS.authorization);
  });

  it("opens them, nested, for the channel adapter only", async () => {
    expect((await plugins().configFor(adminCtx, ns, "webhook")).config).toEqual({
      url: SECRETS.hookUrl,
      events: ["conversation.created"],
      headers: { Authorization: SECRETS.authorization, "X-Api-Key": SECRETS.apiKeyHeader },
      signingSecret: SECRETS.signing,
    });
    expect((await plugins().configFor(adminCtx, ns, "email")).config.imap).toMatchObject({
      password: SECRETS.imapPassword,
    });
  });

  it("keeps a nested credential sent back as [set], and replaces one sent anew", async () => {
    await ok(t, "PUT", `/namespaces/${ns}/plugins/webhook`, tenant.token, {
      config: {
        url: "[set]",
        events: ["conversation.created", "message.created"],
        headers: { Authorization: "[set]", "X-Api-Key": "x-api-key-rotated" },
        signingSecret: "[set]",
      },
    });
    expect((await plugins().configFor(adminCtx, ns, "webhook")).config).toEqual({
      url: SECRETS.hookUrl,
      events: ["conversation.created", "message.created"],
      headers: { Authorization: SECRETS.authorization, "X-Api-Key": "x-api-key-rotated" },
      signingSecret: SECRETS.signing,
    });
    const missing = await call(t, "PUT", `/namespaces/${ns}/plugins/webhook`, {
      token: tenant.token,
      body: { config: { headers: { "X-Other": "[set]" } } },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain("config.headers.X-Other");
  });

  it("refuses settings a plugin does not declare, so nothing is stored in clear under another name", async () => {
    for (const [id, config] of [
      ["slack", { channel: "#x", nested: { token: "hidden-token-secret" } }],
      ["webhook", { url: "https://hooks.example.test/x", extra: { Authorization: "Bearer hidden" } }],
      ["email", { imap: { host: "h", dsn: "imaps://u:hidden@h" } }],
      ["calendar", { caldavUrl: { sealed: "v1.forged" } }],
    ] as const) {
      const res = await call(t, "PUT", `/namespaces/${ns}/plugins/${id}`, {
        token: tenant.token,
        body: { config },
      });
      expect(res.status, `${id} ${JSON.stringify(config)}`).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION");
    }
    expect(await storedRows()).not.toContain("hidden");
  });

  it("masks and seals settings stored before the schemas existed", async () => {
    const other = (
      await ok(
        t,
        "POST",
        "/namespaces",
        tenant.token,
        { departmentId: tenant.generalId, name: "Old desk", slug: uniq("old") },
        201,
      )
    ).id;
    await t.context.container.repositories.namespacePlugins.create({
      orgId: tenant.orgId,
      namespaceId: other,
      pluginId: "webhook",
      config: {
        url: SECRETS.hookUrl,
        headers: { Authorization: SECRETS.authorization },
        legacy: { token: SECRETS.signing },
      },
    });
    const list = await ok(t, "GET", `/namespaces/${other}/plugins`, employee.token);
    expectNoSecretIn(JSON.stringify(list));
    expect(list.items[0].config).toEqual({
      url: "[set]",
      headers: { Authorization: "[set]" },
      legacy: "[set]",
    });
    // Re-enabling without settings keeps them, sealed now.
    await ok(t, "PUT", `/namespaces/${other}/plugins/webhook`, tenant.token, { enabled: true });
    const row = await t.context.container.repositories.namespacePlugins.findFor(other, "webhook");
    expectNoSecretIn(JSON.stringify(row));
    expect((await plugins().configFor(adminCtx, other, "webhook")).config).toMatchObject({
      url: SECRETS.hookUrl,
      headers: { Authorization: SECRETS.authorization },
    });
  });
});
