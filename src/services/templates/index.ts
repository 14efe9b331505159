import type { BlobStorage } from "../../providers/storage/index.js";
import type { Repositories } from "../../repositories/index.js";
import type { DocumentService } from "../knowledge/index.js";
import { createGenerationService } from "./generation-service.js";
import { createLegacyTemplateImporter } from "./legacy-import.js";
import { createTemplateService } from "./template-service.js";

export type TemplatesRepositories = Pick<
  Repositories,
  | "auditLogs"
  | "conversations"
  | "departments"
  | "documentGenerations"
  | "documentTemplateVersions"
  | "documentTemplates"
  | "knowledgeBases"
  | "namespaces"
  | "organizations"
  | "templates"
>;

export { type GenerationView, toGenerationView } from "./generation-service.js";
export { type ImportProblem, TEMPLATE_FILE_EXTENSIONS, type TemplateFile } from "./legacy-import.js";
export { OUTPUT_TYPES, type OutputFormat } from "./output/index.js";

/** Document templates and their generations (issue 14, items 1 and 3). */
export function createTemplateServices(deps: {
  repositories: TemplatesRepositories;
  storage: BlobStorage;
  documents: DocumentService;
}) {
  const documentTemplates = createTemplateService(deps.repositories);
  return {
    documentTemplates,
    documentGenerations: createGenerationService(deps),
    legacyTemplates: createLegacyTemplateImporter({ ...deps, documentTemplates }),
  };
}
