import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError, isAppError } from "../../../lib/errors.js";
import type { UploadInput } from "../../../services/knowledge/index.js";
import { contextOf } from "../../auth.js";
import { authErrors, idParams, pageOf, pageQuery } from "../../schemas/common.js";
import { createdDocument, documentSchema } from "../knowledge-bases/schemas.js";

/**
 * Strict base64 (RFC 4648 §4: the standard alphabet, padded), optionally wrapped in lines as the
 * `base64` tool prints it. Node's decoder skips anything it does not understand, so garbage, a data:
 * URL or the URL-safe alphabet would otherwise decode silently into a different file. The check is
 * that the text (line breaks removed) is exactly what encoding its decoded bytes gives back.
 */
export function decodeStrictBase64(text: string): Buffer | undefined {
  const bare = text.replace(/\r?\n/g, "");
  if (bare.length === 0 || bare.length % 4 !== 0) return undefined;
  const data = Buffer.from(bare, "base64");
  return data.length > 0 && data.toString("base64") === bare ? data : undefined;
}

/** JSON alternative to multipart for clients that cannot send forms: the file as base64. */
const jsonUpload = z.object({
  filename: z.string().trim().min(1).max(255),
  mimeType: z.string().max(200).optional(),
  contentBase64: z
    .string()
    .min(1)
    .describe("The file's bytes in standard, padded base64 (line breaks allowed)")
    .refine((text) => decodeStrictBase64(text) !== undefined, {
      message: "must be standard, padded base64 (A-Z a-z 0-9 + /, = at the end; no data: prefix)",
    }),
});

const textBody = z.object({
  title: z.string().trim().min(1).max(300),
  body: z.string().min(1).max(5_000_000),
});

const cell = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]);
const tableBody = z
  .object({
    title: z.string().trim().min(1).max(300),
    columns: z.array(z.string().max(200)).min(1).max(500).optional(),
    rows: z
      .array(z.union([z.array(cell).max(500), z.record(z.string().max(200), cell)]))
      .min(1)
      .max(100_000)
      .optional(),
    csv: z.string().min(1).max(20_000_000).optional(),
  })
  .refine((b) => (b.csv === undefined) !== (b.rows === undefined), "send either rows (with columns) or csv");

const chunkSchema = z.object({
  id: z.uuid(),
  ordinal: z.number().int(),
  content: z.string(),
  tokenCount: z.number().int(),
  syntheticQuestions: z.array(z.string()),
  metadata: z.record(z.string(), z.unknown()).describe("Where the chunk sits: heading path, page, rows…"),
});

const listQuery = pageQuery.extend({
  status: z.enum(["pending", "processing", "ready", "failed"]).optional(),
});

const tags = ["knowledge"];
const statusOf = (result: { created: boolean }) => (result.created ? 201 : 200);

/**
 * What went wrong reading a multipart body, as the client's error: the body is the client's, so a
 * parser that cannot read it (a truncated or malformed form) answers 400, never 500.
 */
function multipartError(error: unknown, limit: number): AppError {
  if (isAppError(error)) return error;
  if ((error as { code?: string }).code === "FST_REQ_FILE_TOO_LARGE") {
    return new AppError("PAYLOAD_TOO_LARGE", `The file is larger than the ${limit} byte upload limit`);
  }
  const message = error instanceof Error ? error.message : "unreadable";
  return new AppError("VALIDATION", `The multipart body could not be read: ${message.slice(0, 200)}`);
}

/** The uploaded file of a multipart request, or of a JSON body with base64 content. */
async function uploadOf(request: FastifyRequest, limit: number): Promise<UploadInput> {
  if (request.isMultipart()) {
    try {
      const file = await request.file();
      if (!file) throw new AppError("VALIDATION", "Send the document as a multipart field named `file`");
      const data = await file.toBuffer();
      return { filename: file.filename, mimeType: file.mimetype, data };
    } catch (error) {
      throw multipartError(error, limit);
    }
  }
  const parsed = jsonUpload.safeParse(request.body);
  if (!parsed.success) throw new AppError("VALIDATION", "Send a multipart file or {filename, contentBase64}");
  const data = decodeStrictBase64(parsed.data.contentBase64);
  if (!data) throw new AppError("VALIDATION", "contentBase64 is not valid base64");
  return { filename: parsed.data.filename, mimeType: parsed.data.mimeType, data };
}

export const documentRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = () => app.container.services.documents;
  const limit = app.container.config.knowledge.uploadMaxBytes;

  app.post(
    "/knowledge-bases/:id/documents",
    {
      config: { permission: "kb:write", resource: "knowledge_base", errors: ["LIMIT_EXCEEDED"] },
      // base64 is 4/3 of the bytes; multipart streams are limited by the multipart plugin instead.
      bodyLimit: Math.ceil(limit * 1.4) + 65_536,
      schema: {
        operationId: "uploadDocument",
        tags,
        summary:
          "Upload a file (multipart field `file`, or JSON with base64); it is ingested in the background",
        consumes: ["multipart/form-data", "application/json"],
        params: idParams,
        body: jsonUpload.nullish(),
        response: { 200: createdDocument, 201: createdDocument, ...authErrors },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request);
      await service().assertCanAdd(ctx, request.params.id);
      const result = await service().upload(ctx, request.params.id, await uploadOf(request, limit));
      return reply.status(statusOf(result)).send(result);
    },
  );

  app.post(
    "/knowledge-bases/:id/documents/text",
    {
      config: { permission: "kb:write", resource: "knowledge_base", errors: ["LIMIT_EXCEEDED"] },
      bodyLimit: 8 * 1024 * 1024,
      schema: {
        operationId: "createTextDocument",
        tags,
        summary: "Add a freeform text (title and body)",
        params: idParams,
        body: textBody,
        response: { 200: createdDocument, 201: createdDocument, ...authErrors },
      },
    },
    async (request, reply) => {
      const result = await service().addText(contextOf(request), request.params.id, request.body);
      return reply.status(statusOf(result)).send(result);
    },
  );

  app.post(
    "/knowledge-bases/:id/documents/table",
    {
      config: { permission: "kb:write", resource: "knowledge_base", errors: ["LIMIT_EXCEEDED"] },
      bodyLimit: 32 * 1024 * 1024,
      schema: {
        operationId: "createTableDocument",
        tags,
        summary: "Add a table (JSON rows or CSV text), chunked by row groups with the header repeated",
        params: idParams,
        body: tableBody,
        response: { 200: createdDocument, 201: createdDocument, ...authErrors },
      },
    },
    async (request, reply) => {
      const result = await service().addTable(contextOf(request), request.params.id, request.body);
      return reply.status(statusOf(result)).send(result);
    },
  );

  app.get(
    "/knowledge-bases/:id/documents",
    {
      config: { permission: "kb:read", resource: "knowledge_base" },
      schema: {
        operationId: "listDocuments",
        tags,
        summary: "Documents of a knowledge base with their status, progress and error",
        params: idParams,
        querystring: listQuery,
        response: { 200: pageOf(documentSchema), ...authErrors },
      },
    },
    async (request) => {
      const { page, pageSize, status } = request.query;
      return service().list(contextOf(request), request.params.id, { status }, { page, pageSize });
    },
  );

  app.get(
    "/documents/:id",
    {
      config: { permission: "kb:read", resource: "document" },
      schema: {
        operationId: "getDocument",
        tags,
        summary: "One document with its pipeline progress",
        params: idParams,
        response: { 200: documentSchema, ...authErrors },
      },
    },
    async (request) => service().get(contextOf(request), request.params.id),
  );

  app.get(
    "/documents/:id/chunks",
    {
      config: { permission: "kb:read", resource: "document" },
      schema: {
        operationId: "listDocumentChunks",
        tags,
        summary: "A document's chunks in reading order, with their synthetic questions",
        params: idParams,
        querystring: pageQuery,
        response: { 200: pageOf(chunkSchema), ...authErrors },
      },
    },
    async (request) => service().chunks(contextOf(request), request.params.id, request.query),
  );

  app.post(
    "/documents/:id/reingest",
    {
      config: { permission: "kb:write", resource: "document" },
      schema: {
        operationId: "reingestDocument",
        tags,
        summary: "Run the pipeline again (unchanged content ends ready with the same chunks)",
        params: idParams,
        response: { 200: documentSchema, ...authErrors },
      },
    },
    async (request) => service().reingest(contextOf(request), request.params.id),
  );

  app.delete(
    "/documents/:id",
    {
      config: { permission: "kb:write", resource: "document" },
      schema: {
        operationId: "deleteDocument",
        tags,
        summary: "Delete a document and its chunks",
        params: idParams,
        response: { 204: z.null(), ...authErrors },
      },
    },
    async (request, reply) => {
      await service().delete(contextOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
