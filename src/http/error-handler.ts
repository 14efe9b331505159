import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from "fastify-type-provider-zod";
import { translateDbError } from "../db/errors.js";
import { AppError, type ErrorCode, errorCodes } from "../lib/errors.js";

export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId: string; details?: Record<string, unknown> };
}

function envelope(
  request: FastifyRequest,
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
) {
  const body: ErrorBody = { error: { code, message, requestId: String(request.id) } };
  if (details) body.error.details = details;
  return body;
}

/** Maps Fastify's own client errors (bad JSON, body too large, …) onto the closed code set. */
function fastifyClientError(error: FastifyError): { code: ErrorCode; message: string } | undefined {
  const status = error.statusCode ?? 0;
  if (status < 400 || status >= 500) return undefined;
  if (status === 413) return { code: "LIMIT_EXCEEDED", message: "The request body is too large" };
  if (status === 429) return { code: "LIMIT_EXCEEDED", message: "Too many requests; slow down and retry" };
  if (status === 415) return { code: "VALIDATION", message: "Unsupported content type" };
  if (status === 404) return { code: "NOT_FOUND", message: "Not found" };
  if (status === 401) return { code: "UNAUTHORIZED", message: "Authentication is required" };
  if (status === 403) return { code: "FORBIDDEN", message: "Not allowed" };
  const safe = error.code?.startsWith("FST_ERR_CTP") || error.code === "FST_ERR_VALIDATION";
  return { code: "VALIDATION", message: safe ? error.message : "The request is not valid" };
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((v) => ({
      path: `${error.validationContext ?? "body"}${v.instancePath.replaceAll("/", ".")}`,
      message: v.message ?? "invalid",
    }));
    return reply.status(400).send(envelope(request, "VALIDATION", "The request is not valid", { issues }));
  }
  const translated = translateDbError(error);
  if (translated instanceof AppError) {
    if (translated.code === "INTERNAL")
      request.log.error({ err: translated.cause ?? translated }, "internal error");
    return reply
      .status(errorCodes[translated.code])
      .send(envelope(request, translated.code, translated.message, translated.details));
  }
  if (!isResponseSerializationError(error)) {
    const client = fastifyClientError(error);
    if (client) {
      // A body over the limit keeps HTTP's own 413 so clients do not read it as "retry later" (429).
      const status = error.statusCode === 413 ? 413 : errorCodes[client.code];
      return reply.status(status).send(envelope(request, client.code, client.message));
    }
  }
  request.log.error({ err: error }, "unhandled error");
  return reply.status(500).send(envelope(request, "INTERNAL", "Something went wrong on our side"));
}

/**
 * Errors the router raises before a route (and its hooks) runs: a malformed percent-encoding in the
 * path, or a path parameter longer than Fastify's limit. Same envelope as everything else.
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  reply.header("x-request-id", request.id);
  if (error.code === "FST_ERR_BAD_URL" || error.code === "FST_ERR_MAX_PARAM_LENGTH") {
    const message =
      error.code === "FST_ERR_BAD_URL" ? "The URL is not validly encoded" : "A path parameter is too long";
    return reply.status(400).send(envelope(request, "VALIDATION", message));
  }
  request.log.error({ err: error }, "router error");
  return reply.status(500).send(envelope(request, "INTERNAL", "Something went wrong on our side"));
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  return reply
    .status(404)
    .send(envelope(request, "NOT_FOUND", `No route ${request.method} ${request.url.split("?")[0]}`));
}
