import type { Queryable } from "../../db/client.js";
import type { JobQueue } from "../../jobs/queue.js";
import type { BlobStorage } from "../../providers/storage/index.js";
import type { Repositories } from "../../repositories/index.js";
import type { ActingUsers } from "../auth/acting-user.js";
import type { ServiceContext } from "../context.js";
import type { DocumentService } from "../knowledge/index.js";
import { createGenerationService } from "./generation-service.js";
import { createLegacyTemplateImporter } from "./legacy-import.js";
import { createTemplateService } from "./template-service.js";

export type TemplatesRepositories = Pick<
  Repositories,
  | "approvals"
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
  | "users"
>;

export { type GenerationView, toGenerationView } from "./generation-service.js";
export { type ImportProblem, TEMPLATE_FILE_EXTENSIONS, type TemplateFile } from "./legacy-import.js";
export { OUTPUT_TYPES, type OutputFormat } from "./output/index.js";

/** Document templates and their generations (issue 14, items 1 and 3). */
export function createTemplateServices(deps: {
  repositories: TemplatesRepositories;
  storage: BlobStorage;
  documents: DocumentService;
  queue?: JobQueue | undefined;
  actingUsers?: ActingUsers | undefined;
  db?: Queryable | undefined;
  /** Tells the approvers of a held generation (set once governance exists). */
  notifyHeld?: (() => ((ctx: ServiceContext, approvalId: string) => Promise<void>) | undefined) | undefined;
}) {
  const documentTemplates = createTemplateService(deps.repositories);
  return {
    documentTemplates,
    documentGenerations: createGenerationService(deps),
    legacyTemplates: createLegacyTemplateImporter({ ...deps, documentTemplates }),
  };
}
