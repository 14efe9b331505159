import { describe, expect, it } from "vitest";
import { normalizeName } from "../../src/lib/names.js";
import { call, signUp, type Tenant, uniq, useIdentityApp } from "../http/identity-helpers.js";

/** The same name disguised by invisible characters, look-alike spaces, extra spaces or case. */
const disguises = (name: string) => [
  `${name}\u200B`,
  `\u200D${name}`,
  `${name}\uFEFF`,
  `${name.slice(0, 2)}\u2060${name.slice(2)}`,
  ` ${name} `,
  `${name}\u00A0`,
  `\u3000${name}`,
  name.toUpperCase(),
  name.replace(" ", "\u2003"),
  name.replace(" ", "\u202F"),
  name.replace(" ", "  "),
];

/** Finding 7: names that differ only by invisible or look-alike whitespace are one name. */
describe("security: look-alike names are duplicates", () => {
  const t = useIdentityApp();

  it("normalises one way: NFKC, invisible characters out, whitespace runs collapsed, trimmed", () => {
    expect(normalizeName(" Sales\u200B\u00A0 \u2009Team\uFEFF ")).toBe("Sales Team");
    expect(normalizeName("\uFF33ales")).toBe("Sales");
    for (const disguise of disguises("Sales Team"))
      expect(normalizeName(disguise).toLowerCase()).toBe("sales team");
  });

  const resources: Array<{
    kind: string;
    url: string;
    body: (tenant: Tenant, name: string) => Record<string, unknown>;
  }> = [
    { kind: "departments", url: "/departments", body: (_t, name) => ({ name, slug: uniq("d") }) },
    {
      kind: "roles",
      url: "/roles",
      body: (_t, name) => ({ name, slug: uniq("r"), permissions: ["kb:read"] }),
    },
    { kind: "agents", url: "/agents", body: (tenant, name) => ({ name, departmentId: tenant.generalId }) },
  ];

  it.each(resources.map((r) => [r.kind, r] as const))(
    "refuses a disguised duplicate of one of its %s",
    async (_kind, resource) => {
      const tenant = await signUp(t);
      const name = `Finance ${uniq("x")}`;
      const first = await call(t, "POST", resource.url, {
        token: tenant.token,
        body: resource.body(tenant, name),
      });
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      for (const disguise of disguises(name)) {
        const res = await call(t, "POST", resource.url, {
          token: tenant.token,
          body: resource.body(tenant, disguise),
        });
        expect(res.status, `${JSON.stringify(disguise)} → ${JSON.stringify(res.body)}`).toBe(409);
        expect(res.body.error.code).toBe("CONFLICT");
      }
      // Stored normalised; a rename onto a disguised duplicate is refused too.
      const stored = await call(t, "POST", resource.url, {
        token: tenant.token,
        body: resource.body(tenant, `\u200B Other\u00A0\u00A0${name}\u2060 `),
      });
      expect(stored.status, JSON.stringify(stored.body)).toBe(201);
      expect(stored.body.name).toBe(`Other ${name}`);
      const rename = await call(t, "PATCH", `${resource.url}/${stored.body.id}`, {
        token: tenant.token,
        body: { name: `${name}\u200C` },
      });
      expect(rename.status, JSON.stringify(rename.body)).toBe(409);
      const same = await call(t, "PATCH", `${resource.url}/${stored.body.id}`, {
        token: tenant.token,
        body: { name: `other ${name}` },
      });
      expect(same.status, "renaming to its own name in another case is fine").toBe(200);
    },
  );

  it("refuses names made only of invisible characters or spaces (400)", async () => {
    const tenant = await signUp(t);
    for (const name of ["\u200B", "\u00A0\u3000", "\uFEFF \u2060"]) {
      const res = await call(t, "POST", "/departments", {
        token: tenant.token,
        body: { name, slug: uniq("d") },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
    }
  });
});
