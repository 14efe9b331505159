import { describe, expect, it } from "vitest";
import { addMember, call, signUp } from "./identity-helpers.js";
import { useKnowledgeApp } from "./knowledge-helpers.js";

/** Document templates through HTTP: checked saves, versions, preview, permissions. */
describe("document templates", () => {
  const t = useKnowledgeApp();

  const offer = {
    name: "Offer letter",
    category: "sales",
    outputFormat: "markdown",
    templateBody:
      "# Offer for {{client}}\n\nValid until {{formatDate validUntil}}. Total {{currency total}}.\n\n{{#each items}}\n- {{this}}\n{{/each}}\n",
    variables: [
      { name: "client", type: "string", required: true, example: "Globex" },
      { name: "validUntil", type: "date", required: true, example: "2026-03-05" },
      { name: "total", type: "number", required: true, example: 1234.5 },
      { name: "items", type: "list", default: [], example: ["Desk", "Chair"] },
    ],
  };

  it("creates, reads, versions on body change and previews in the organisation's locale without history", async () => {
    const tenant = await signUp(t);
    const settings = await call(t, "PATCH", "/org", {
      token: tenant.token,
      body: { settings: { locale: "de-DE", timeZone: "Europe/Berlin", currency: "EUR" } },
    });
    expect(settings.status, JSON.stringify(settings.body)).toBe(200);
    const created = await call(t, "POST", "/document-templates", {
      token: tenant.token,
      body: { ...offer, departmentId: tenant.generalId },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      version: 1,
      departmentId: tenant.generalId,
      outputFormat: "markdown",
    });
    const id = created.body.id;

    const preview = await call(t, "POST", `/document-templates/${id}/preview`, {
      token: tenant.token,
      body: {},
    });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.output).toContain("# Offer for Globex");
    expect(preview.body.output).toContain("5. März 2026");
    expect(preview.body.output).toMatch(/1\.234,50\s€/);
    expect(preview.body.output).toContain("- Chair");
    const history = await call(t, "GET", "/document-generations", { token: tenant.token });
    expect(history.body.total).toBe(0);

    const renamed = await call(t, "PATCH", `/document-templates/${id}`, {
      token: tenant.token,
      body: { description: "No new version for this" },
    });
    expect(renamed.body.version).toBe(1);
    const changed = await call(t, "PATCH", `/document-templates/${id}`, {
      token: tenant.token,
      body: { templateBody: `${offer.templateBody}\nRegards, {{@org.name}}\n` },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.version).toBe(2);
    const versions = await call(t, "GET", `/document-templates/${id}/versions`, { token: tenant.token });
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect(versions.body.items[0].templateBody).toBe(offer.templateBody);

    const list = await call(t, "GET", "/document-templates?category=sales", { token: tenant.token });
    expect(list.body.items.map((x: { id: string }) => x.id)).toEqual([id]);
  });

  it("refuses bodies with syntax errors, unknown helpers, undeclared variables and partials, with line and column", async () => {
    const tenant = await signUp(t);
    const syntax = await call(t, "POST", "/document-templates", {
      token: tenant.token,
      body: { ...offer, templateBody: "# Title\n\nHello {{client}\n" },
    });
    expect(syntax.status).toBe(400);
    expect(syntax.body.error.code).toBe("VALIDATION");
    expect(syntax.body.error.details.reason).toBe("TEMPLATE_INVALID");
    expect(syntax.body.error.details.problems).toEqual([
      expect.objectContaining({ code: "SYNTAX_ERROR", line: 3 }),
    ]);

    const many = await call(t, "POST", "/document-templates", {
      token: tenant.token,
      body: {
        ...offer,
        templateBody:
          "Dear {{client}},\n{{shout client}} owes {{amount}}\n{{> footer}}\n{{#weird client}}x{{/weird}}",
      },
    });
    expect(many.status).toBe(400);
    const problems = many.body.error.details.problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        { code: "UNKNOWN_HELPER", message: expect.stringContaining("shout"), line: 2, column: 1 },
        { code: "UNDECLARED_VARIABLE", message: expect.stringContaining("amount"), line: 2, column: 25 },
        expect.objectContaining({ code: "PARTIALS_NOT_ALLOWED", line: 3 }),
        expect.objectContaining({ code: "UNKNOWN_HELPER", line: 4 }),
      ]),
    );
    expect(many.body.error.message).toMatch(/line 2 column 1/);

    const badDeclarations = await call(t, "POST", "/document-templates", {
      token: tenant.token,
      body: {
        ...offer,
        templateBody: "x",
        variables: [
          { name: "1bad" },
          { name: "join" },
          { name: "n", type: "number", default: "seven", enum: [1, "two"] },
        ],
      },
    });
    expect(badDeclarations.status).toBe(400);
    expect(badDeclarations.body.error.details.reason).toBe("VARIABLES_INVALID");
    expect(badDeclarations.body.error.details.problems).toHaveLength(4);
  });

  it("lets employees read and preview but not write; hides other departments' templates", async () => {
    const tenant = await signUp(t);
    const other = await call(t, "POST", "/departments", {
      token: tenant.token,
      body: { name: "Finance", slug: `fin-${Date.now()}` },
    });
    const employee = await addMember(t, tenant.token, tenant.generalId, "employee");
    const mine = await call(t, "POST", "/document-templates", {
      token: tenant.token,
      body: { ...offer, departmentId: tenant.generalId },
    });
    const hidden = await call(t, "POST", "/document-templates", {
      token: tenant.token,
      body: { ...offer, name: "Finance letter", departmentId: other.body.id },
    });
    const write = await call(t, "POST", "/document-templates", {
      token: employee.token,
      body: { ...offer, departmentId: tenant.generalId },
    });
    expect(write.status).toBe(403);
    const read = await call(t, "GET", "/document-templates", { token: employee.token });
    expect(read.body.items.map((x: { id: string }) => x.id)).toEqual([mine.body.id]);
    const peek = await call(t, "GET", `/document-templates/${hidden.body.id}`, { token: employee.token });
    expect(peek.status).toBe(404);
    const preview = await call(t, "POST", `/document-templates/${mine.body.id}/preview`, {
      token: employee.token,
      body: { input: { client: "Initech", validUntil: "2026-01-02", total: 5 } },
    });
    expect(preview.status).toBe(200);
    expect(preview.body.output).toContain("Initech");
  });
});
