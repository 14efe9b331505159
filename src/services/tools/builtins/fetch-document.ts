import { AppError } from "../../../lib/errors.js";
import type { Repositories } from "../../../repositories/index.js";
import type { DocumentService } from "../../knowledge/index.js";
import type { RuntimeTool } from "../runtime-tool.js";

export type FetchDocumentRepositories = Pick<Repositories, "documents" | "tools">;

const DEFAULT_CHARS = 8_000;
const MAX_CHARS = 20_000;
/** Enough chunks to fill MAX_CHARS with any chunk size Atrium allows. */
const MAX_CHUNKS = 400;

/** A document of one of the agent's knowledge bases: title and the start of its text. */
export function fetchDocumentTool(deps: {
  repositories: FetchDocumentRepositories;
  documents: DocumentService;
}): RuntimeTool {
  return {
    name: "fetch_document",
    description:
      "Read a document of the assistant's knowledge bases by id: its title and the start of its text.",
    inputSchema: {
      type: "object",
      properties: {
        documentId: { type: "string", pattern: "^[0-9a-fA-F-]{36}$", description: "The document's id" },
        maxChars: {
          type: "integer",
          minimum: 100,
          maximum: MAX_CHARS,
          description: "Text length (default 8000)",
        },
      },
      required: ["documentId"],
      additionalProperties: false,
    },
    requiresApproval: false,
    async execute(input, run) {
      const { documentId, maxChars } = input as { documentId: string; maxChars?: number };
      // The document service applies the caller's permission and department reach (NOT_FOUND otherwise).
      const doc = await deps.documents.get(run.ctx, documentId);
      if (!doc.knowledgeBaseId || !run.knowledgeBaseIds.includes(doc.knowledgeBaseId)) {
        throw AppError.notFound("Document", documentId);
      }
      const limit = maxChars ?? DEFAULT_CHARS;
      const pieces = await deps.repositories.tools.documentChunks(doc.id, MAX_CHUNKS, run.ctx.db);
      let text = pieces.join("\n\n");
      if (!text) {
        const row = await deps.repositories.documents.findInOrg(run.ctx.orgId, doc.id, run.ctx.db);
        text = row?.content ?? "";
      }
      return {
        documentId: doc.id,
        title: doc.title,
        status: doc.status,
        text: text.slice(0, limit),
        truncated: text.length > limit,
      };
    },
  };
}
