import { describe, expect, it } from "vitest";
import { call, signUp } from "../http/identity-helpers.js";
import { useKnowledgeApp } from "../http/knowledge-helpers.js";

/**
 * Attacks on document templates: a template is data, never code. Prototype walks, removed or
 * invented helpers, partials and injected template syntax in inputs must all fail or stay text.
 */
describe("template attacks", () => {
  const t = useKnowledgeApp();
  const variables = [
    { name: "client", type: "string" },
    { name: "data", type: "object" },
    { name: "items", type: "list" },
  ];

  const save = async (token: string, templateBody: string, outputFormat = "markdown") =>
    call(t, "POST", "/document-templates", {
      token,
      body: {
        name: `Attack ${Math.random().toString(36).slice(2, 8)}`,
        templateBody,
        variables,
        outputFormat,
      },
    });

  it("refuses prototype walks, removed helpers, partials and decorators when saving", async () => {
    const tenant = await signUp(t);
    const attacks: [string, string][] = [
      ["{{client.constructor}}", "FORBIDDEN_PROPERTY"],
      ["{{#with data}}{{constructor.constructor}}{{/with}}", "FORBIDDEN_PROPERTY"],
      ["{{#each items}}{{../__proto__}}{{/each}}", "FORBIDDEN_PROPERTY"],
      ["{{data.__proto__.polluted}}", "FORBIDDEN_PROPERTY"],
      ['{{lookup data "constructor"}}', "UNKNOWN_HELPER"],
      ['{{log "to the server console"}}', "UNKNOWN_HELPER"],
      ["{{#with (lookup this 'process')}}{{/with}}", "UNKNOWN_HELPER"],
      ["{{require 'fs'}}", "UNKNOWN_HELPER"],
      ["{{> ../../etc/passwd}}", "PARTIALS_NOT_ALLOWED"],
      ["{{#> layout}}x{{/layout}}", "PARTIALS_NOT_ALLOWED"],
      ["{{* decorator}}", "PARTIALS_NOT_ALLOWED"],
      ["{{@process}}", "UNKNOWN_DATA_VARIABLE"],
      ["{{process.env.DATABASE_URL}}", "UNDECLARED_VARIABLE"],
    ];
    for (const [body, code] of attacks) {
      const res = await save(tenant.token, body);
      expect(res.status, body).toBe(400);
      expect(
        res.body.error.details.problems.map((p: { code: string }) => p.code),
        body,
      ).toContain(code);
    }
  });

  it("renders input as text: injected template syntax stays literal, prototypes stay unpolluted, HTML is escaped", async () => {
    const tenant = await signUp(t);
    const html = await save(
      tenant.token,
      "# For {{client}}\n\n{{#with data}}{{name}} {{polluted}}{{/with}}\n\n{{join items}}\n",
      "html",
    );
    expect(html.status, JSON.stringify(html.body)).toBe(201);
    // A `__proto__` key is refused at the door (the JSON parser), before any template sees it.
    const polluting = await call(t, "POST", `/document-templates/${html.body.id}/generate`, {
      token: tenant.token,
      body: {
        input: JSON.parse('{"client": "x", "data": {"name": "Ada", "__proto__": {"polluted": "yes"}}}'),
      },
    });
    expect(polluting.status).toBe(400);
    const gen = await call(t, "POST", `/document-templates/${html.body.id}/generate`, {
      token: tenant.token,
      body: {
        input: {
          client: "<script>alert(1)</script>{{#each this}}{{this}}{{/each}}",
          data: { name: "Ada", constructor: "yes" },
          items: ["<img src=x onerror=alert(1)>", "{{@root}}"],
        },
      },
    });
    expect(gen.status, JSON.stringify(gen.body)).toBe(201);
    expect(gen.body.status).toBe("done");
    const file = await t.app.inject({
      method: "GET",
      url: gen.body.downloadUrl,
      headers: { authorization: `Bearer ${tenant.token}` },
    });
    const text = file.body;
    expect(text).not.toContain("<script>alert");
    expect(text).not.toContain("<img");
    expect(text).toContain("&lt;script&gt;alert(1)&lt;/script&gt;{{#each this}}{{this}}{{/each}}");
    expect(text).toContain("{{@root}}");
    expect(text).not.toContain("yes");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("cannot read the process or the file system through helpers with crafted arguments", async () => {
    const tenant = await signUp(t);
    const res = await save(
      tenant.token,
      '{{formatDate "../../etc/passwd"}} {{currency client "EUR\\u0000"}} {{join data}} {{formatNumber client 9}}',
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const preview = await call(t, "POST", `/document-templates/${res.body.id}/preview`, {
      token: tenant.token,
      body: { input: { client: "12", data: { toString: "x" } } },
    });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.output).toContain("../../etc/passwd");
    expect(preview.body.output).not.toMatch(/root:x:0:0/);
  });
});
