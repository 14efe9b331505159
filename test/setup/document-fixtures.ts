import type { ExampleContext, ResourceFixture, ResourceScope } from "./resource-fixtures.js";
import { type IsolationWorld, marker } from "./world.js";

/**
 * Isolation-matrix fixtures of document generation: a template of the scope's department and a
 * (pending, file-less) generation of it, with example bodies for the routes that take one.
 */
async function templateIn(world: IsolationWorld, scope: ResourceScope, kind: "hidden" | "visible") {
  const name = marker(kind, "doc-template");
  const templateBody = `# ${marker(kind, "doc-heading")}\n\nDear {{client}}`;
  const row = await world.repos.documentTemplates.create({
    ...scope,
    name,
    description: marker(kind, "doc-template-description"),
    templateBody,
    variables: [{ name: "client", type: "string", required: true, example: "Globex" }],
  });
  await world.repos.documentTemplateVersions.create({
    orgId: scope.orgId,
    templateId: row.id,
    version: 1,
    templateBody,
    variables: row.variables,
    outputFormat: row.outputFormat,
  });
  return { row, identifiers: [row.id, name, row.description!, templateBody] };
}

export const documentFixtures: Record<string, ResourceFixture> = {
  document_template: {
    visibility: "department",
    async create(world, scope, kind) {
      const { row, identifiers } = await templateIn(world, scope, kind);
      return { id: row.id, identifiers };
    },
  },

  document_generation: {
    visibility: "department",
    async create(world, scope, kind) {
      const template = await templateIn(world, scope, kind);
      const client = marker(kind, "doc-client");
      const row = await world.repos.documentGenerations.create({
        ...scope,
        templateId: template.row.id,
        templateVersion: 1,
        input: { client },
        status: "pending",
      });
      return { id: row.id, identifiers: [row.id, client, ...template.identifiers] };
    },
  },
};

export const documentExampleBodies: Record<string, (ctx: ExampleContext) => unknown> = {
  "POST /document-templates": ({ world }) => ({
    departmentId: world.orgA.d1.id,
    name: marker("visible", "new-doc-template"),
    templateBody: "Hello {{name}}",
    variables: [{ name: "name", type: "string" }],
  }),
  "PATCH /document-templates/:id": () => ({ description: marker("visible", "doc-template-changed") }),
  "POST /document-templates/:id/preview": () => ({}),
  "POST /document-templates/:id/generate": () => ({ input: { client: "Initech" } }),
};
