import { AppError, isAppError } from "../../../lib/errors.js";
import type { ServiceContext } from "../../context.js";
import type { RuntimeTool } from "../runtime-tool.js";

/** What the tool needs of the generation service (templates/generation-service.ts `generateFor`). */
export interface DocumentGenerator {
  generateFor(
    ctx: ServiceContext,
    ref: string,
    request: {
      input?: Record<string, unknown>;
      knowledgeBaseId?: string | null;
      conversationId?: string | null;
    },
  ): Promise<{
    id: string;
    status: string;
    outputFormat: string;
    downloadUrl: string | null;
    error: string | null;
  }>;
}

/**
 * Fills a document template from the conversation and returns a link to the file. The template is
 * found by id or name among those the person talking to the assistant can see (their departments and
 * organisation-wide ones), with their permissions; a bad input comes back as a tool error listing
 * every problem, for the model to correct. A template that requires approval is held for an approver.
 */
export function generateDocumentTool(generator: () => DocumentGenerator | undefined): RuntimeTool {
  return {
    name: "generate_document",
    description:
      "Fill a document template (by its name or id) with values taken from the conversation, and get a download link to the generated file.",
    inputSchema: {
      type: "object",
      properties: {
        template: { type: "string", minLength: 1, maxLength: 200, description: "The template's name or id" },
        variables: { type: "object", description: "The template's variables, by name" },
        knowledgeBaseId: {
          type: "string",
          pattern: "^[0-9a-fA-F-]{36}$",
          description: "Also save the document into this knowledge base of the assistant",
        },
      },
      required: ["template", "variables"],
      additionalProperties: false,
    },
    requiresApproval: false,
    async execute(input, run) {
      const { template, variables, knowledgeBaseId } = input as {
        template: string;
        variables: Record<string, unknown>;
        knowledgeBaseId?: string;
      };
      const generations = generator();
      if (!generations) throw new AppError("UNAVAILABLE", "Document generation is not available");
      if (knowledgeBaseId && !run.knowledgeBaseIds.includes(knowledgeBaseId)) {
        throw AppError.notFound("Knowledge base", knowledgeBaseId);
      }
      const generation = await generations
        .generateFor(run.ctx, template, {
          input: variables,
          ...(knowledgeBaseId ? { knowledgeBaseId } : {}),
          conversationId: run.conversationId ?? null,
        })
        .catch((error: unknown) => {
          throw withProblems(error);
        });
      return {
        generationId: generation.id,
        status: generation.status,
        format: generation.outputFormat,
        link: generation.downloadUrl ?? `/document-generations/${generation.id}/download`,
        ...(generation.status === "pending"
          ? { note: "Rendering in the background; the link works once it is done" }
          : {}),
        ...(generation.error ? { error: generation.error } : {}),
      };
    },
  };
}

/** The model corrects its input from the message alone: every problem goes into it. */
function withProblems(error: unknown): unknown {
  if (!isAppError(error) || error.code !== "VALIDATION") return error;
  const problems = (error.details as { problems?: { variable?: string; message: string }[] } | undefined)
    ?.problems;
  if (!problems?.length) return error;
  const listed = problems.map((p) => (p.variable ? `${p.variable} ${p.message}` : p.message)).join("; ");
  return new AppError("VALIDATION", `${error.message}: ${listed}`, error.details);
}
