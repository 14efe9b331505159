import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import type { FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from "fastify-type-provider-zod";
import { translateDbError } from "../db/errors.js";
import { AppError, type ErrorCode, errorCodes } from "../lib/errors.js";
import { SECURITY_HEADERS } from "./security-headers.js";

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

/**
 * Fastify's and Node's own client errors (bad JSON, body too large, unsupported media type, rate
 * limit, oversized headers, …) by HTTP status onto the closed code set. This is the one translation:
 * the status sent is always the code's own (`errorCodes`).
 */
const CLIENT_ERRORS: Record<number, { code: ErrorCode; message: string }> = {
  400: { code: "VALIDATION", message: "The request is not valid" },
  401: { code: "UNAUTHORIZED", message: "Authentication is required" },
  403: { code: "FORBIDDEN", message: "Not allowed" },
  404: { code: "NOT_FOUND", message: "Not found" },
  408: { code: "REQUEST_TIMEOUT", message: "The request took too long to arrive" },
  413: { code: "PAYLOAD_TOO_LARGE", message: "The request body is too large" },
  415: { code: "UNSUPPORTED_MEDIA_TYPE", message: "This content type is not accepted here" },
  429: { code: "LIMIT_EXCEEDED", message: "Too many requests; slow down and retry" },
  431: { code: "HEADERS_TOO_LARGE", message: "The request headers are too large" },
};

function fastifyClientError(error: FastifyError): { code: ErrorCode; message: string } | undefined {
  const status = error.statusCode ?? 0;
  if (status < 400 || status >= 500) return undefined;
  const known = CLIENT_ERRORS[status];
  if (known && status !== 400) return known;
  // Fastify's content-type parser and validation messages describe the client's mistake and are safe.
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
    if (client)
      return reply.status(errorCodes[client.code]).send(envelope(request, client.code, client.message));
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

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (headers over the size limit, a
 * request that does not parse, a client too slow to send its headers): Fastify's default answers
 * with a body of its own; this one answers with the API's envelope. There is no request yet, so the
 * request id is a fresh one.
 */
export function clientErrorHandler(
  this: { log: FastifyBaseLogger },
  error: NodeJS.ErrnoException,
  socket: Duplex,
) {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const status =
    error.code === "HPE_HEADER_OVERFLOW" ? 431 : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
  const { code, message } = CLIENT_ERRORS[status]!;
  this.log.debug({ code: error.code }, "client error before routing");
  if (socket.writable) {
    const requestId = randomUUID();
    const body = JSON.stringify({ error: { code, message, requestId } } satisfies ErrorBody);
    const headers = [
      `HTTP/1.1 ${errorCodes[code]} ${STATUS_CODES[errorCodes[code]]}`,
      "content-type: application/json; charset=utf-8",
      `content-length: ${Buffer.byteLength(body)}`,
      `x-request-id: ${requestId}`,
      ...Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}`),
      "connection: close",
    ];
    socket.write(`${headers.join("\r\n")}\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

/** A request that arrives on an open connection while the server shuts down: retry elsewhere. */
export function shuttingDown(request: FastifyRequest, reply: FastifyReply) {
  return (
    reply
      .status(503)
      .header("connection", "close")
      .type("application/json; charset=utf-8")
      // The route's own 503 schema (GET /health has one) does not describe the envelope.
      .serializer((payload: unknown) => JSON.stringify(payload))
      .send(envelope(request, "UNAVAILABLE", "The server is shutting down; retry in a moment"))
  );
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  return reply
    .status(404)
    .send(envelope(request, "NOT_FOUND", `No route ${request.method} ${request.url.split("?")[0]}`));
}
