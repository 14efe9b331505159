import { AppError } from "../../../lib/errors.js";
import type { DocumentService } from "../../knowledge/index.js";
import type { RuntimeTool } from "../runtime-tool.js";

/**
 * Adds a freeform note to one of the agent's knowledge bases through the document service, so it is
 * ingested like any other text and the caller's own kb:write permission decides whether it may.
 */
export function createNoteTool(documents: DocumentService): RuntimeTool {
  return {
    name: "create_note",
    description: "Save a note (title and text) as a new document in one of the assistant's knowledge bases.",
    inputSchema: {
      type: "object",
      properties: {
        knowledgeBaseId: { type: "string", pattern: "^[0-9a-fA-F-]{36}$" },
        title: { type: "string", minLength: 1, maxLength: 200 },
        body: { type: "string", minLength: 1, maxLength: 100_000 },
      },
      required: ["knowledgeBaseId", "title", "body"],
      additionalProperties: false,
    },
    requiresApproval: false,
    async execute(input, run) {
      const { knowledgeBaseId, title, body } = input as {
        knowledgeBaseId: string;
        title: string;
        body: string;
      };
      if (!run.knowledgeBaseIds.includes(knowledgeBaseId))
        throw AppError.notFound("Knowledge base", knowledgeBaseId);
      const { document, created } = await documents.addText(run.ctx, knowledgeBaseId, { title, body });
      return { documentId: document.id, title: document.title, status: document.status, created };
    },
  };
}
