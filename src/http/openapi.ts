import type { SwaggerOptions } from "@fastify/swagger";
import type { FastifyContextConfig, RouteOptions } from "fastify";
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from "fastify-type-provider-zod";
import { type ZodType, z } from "zod";
import { type ErrorCode, errorCodes } from "../lib/errors.js";
import { ATRIUM_VERSION } from "../lib/version.js";
import { errorBody, openaiErrorBody } from "./schemas/common.js";
import { componentNameOf } from "./schemas/named.js";

/**
 * The API contract: how the routes' zod schemas and config become the OpenAPI document, with the
 * rules written once here (ADR 0009) instead of repeated in every route.
 *
 * - Every documented route sets an explicit, unique camelCase `operationId`. A malformed or repeated
 *   one stops the app; a missing one gets a provisional id from the method and path (so a route
 *   merged without one still runs) and fails `npm run check` and test/http/openapi.test.ts, which
 *   read `routeTable[].operationId`.
 * - Request and response bodies are named component schemas: the name given with `named()`
 *   (schemas/named.ts) for a shared resource such as `Department`, else one derived from the
 *   operation (`CreateDepartment` for `createDepartment`'s body, which the document calls
 *   `CreateDepartmentInput`, and `CreateDepartmentResponse`).
 * - Each operation carries its security requirement from `config.auth`: none on public routes,
 *   a bearer token on person-only routes, a bearer token or an API key otherwise.
 * - Each operation lists the error statuses it can return (see `errorStatuses`), each with the
 *   error envelope (`#/components/responses/*`), 500 included.
 * - `config.eventStream` documents a `text/event-stream` answer next to (or instead of) the JSON one.
 *
 * Nothing here changes how a route behaves: the document is built from the routes, never the reverse.
 */

declare module "fastify" {
  interface FastifyContextConfig {
    /**
     * Error codes the route's service can answer beyond those its shape implies (see
     * `errorStatuses`), for the OpenAPI document: e.g. UNAVAILABLE on a route that calls a model.
     */
    errors?: ErrorCode[];
    /** The route can answer Server-Sent Events (`text/event-stream`); the text describes the events. */
    eventStream?: string;
  }
}

const OPERATION_ID = /^[a-z][a-zA-Z0-9]*$/;
const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** A reusable response per error status: `#/components/responses/<name>`. */
const ERROR_RESPONSES: Record<number, { name: string; description: string }> = {
  400: { name: "BadRequest", description: "VALIDATION: the request is not valid (see `details.issues`)" },
  401: { name: "Unauthorized", description: "UNAUTHORIZED: no valid credentials" },
  403: { name: "Forbidden", description: "FORBIDDEN: the caller may not do this" },
  404: { name: "NotFound", description: "NOT_FOUND: no such resource the caller can see" },
  409: { name: "Conflict", description: "CONFLICT: the change clashes with the current state" },
  412: { name: "PreconditionFailed", description: "PRECONDITION_FAILED: the resource's state refuses it" },
  413: { name: "PayloadTooLarge", description: "PAYLOAD_TOO_LARGE: the request body is too large" },
  415: {
    name: "UnsupportedMediaType",
    description: "UNSUPPORTED_MEDIA_TYPE: the body's content type is not accepted",
  },
  429: { name: "TooManyRequests", description: "LIMIT_EXCEEDED: a rate limit or budget is spent" },
  500: { name: "InternalError", description: "INTERNAL: something went wrong on the server" },
  503: { name: "Unavailable", description: "UNAVAILABLE: a model, provider or dependency is down" },
};

/** Descriptions of answers that are not errors (@fastify/swagger says "Default Response"). */
const SUCCESS_TEXT: Record<string, string> = {
  "200": "OK",
  "201": "Created",
  "202": "Accepted",
  "204": "No content",
  "302": "Redirect",
  "503": "Unavailable",
};

interface RouteFacts {
  method: string;
  url: string;
  config: FastifyContextConfig;
  hasBody: boolean;
  hasInput: boolean;
  hasParams: boolean;
  /** Statuses whose route schema is something other than the error envelope (e.g. /health's 503). */
  ownStatuses: Set<string>;
}

/**
 * The error statuses a route can answer, from its shape and config:
 * - 500 always;
 * - 400 when it takes input (params, query, headers, a body, or a write method's JSON body); 413 and
 *   415 when it can be sent a body (a body schema or a write method): too large, or of a content type
 *   it does not parse;
 * - authenticated routes: 401 and 403 (authentication, permission, department scope); 404 when the
 *   path names a resource or the body references one; 409 and 412 on writes (unique names, archived
 *   or locked resources);
 * - 429 when the route is rate limited;
 * - plus the codes the route declares in `config.errors`.
 */
export function errorStatuses(route: RouteFacts): number[] {
  const statuses = new Set<number>([500]);
  const write = WRITE_METHODS.has(route.method);
  if (route.hasInput || write) statuses.add(400);
  if (route.hasBody || write) statuses.add(413).add(415); // any body: past the size limit, or unparsed
  if (route.config.auth !== "public") {
    statuses.add(401).add(403);
    if (route.hasParams || route.hasBody) statuses.add(404);
    if (write) statuses.add(409).add(412);
  }
  if (route.config.rateLimit) statuses.add(429);
  for (const code of route.config.errors ?? []) statuses.add(errorCodes[code]);
  return [...statuses].sort((a, b) => a - b);
}

function securityOf(config: FastifyContextConfig): Array<Record<string, string[]>> {
  if (config.auth === "public") return [];
  if (config.auth === "person") return [{ bearerAuth: [] }];
  return [{ bearerAuth: [] }, { apiKey: [] }];
}

const pascal = (id: string) => id[0]!.toUpperCase() + id.slice(1);

/** `GET /approvals/:id/votes` → `getApprovalsByIdVotes`: a stand-in until the route names its own. */
function provisionalOperationId(method: string, url: string, taken: Map<string, unknown>): string {
  const words = url
    .split("/")
    .filter(Boolean)
    .map((part) => (part.startsWith(":") ? `by-${part.slice(1)}` : part))
    .flatMap((part) => part.split(/[^a-zA-Z0-9]+/))
    .filter(Boolean);
  const base = [method.toLowerCase(), ...words.map((w) => pascal(w.toLowerCase()))].join("");
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}${n}`;
  return id;
}

function isZod(value: unknown): value is ZodType {
  return typeof value === "object" && value !== null && "_zod" in value;
}

type JsonObject = Record<string, unknown>;
type Operation = JsonObject & { operationId?: string; responses?: Record<string, JsonObject> };

/** `$ref`s reachable from `value`. */
function collectRefs(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) for (const item of value) collectRefs(item, into);
  else if (value && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      if (key === "$ref" && typeof child === "string") into.add(child);
      else collectRefs(child, into);
    }
  }
}

/** Drops component schemas nothing references (every named schema gets an input and an output form). */
function pruneSchemas(document: JsonObject): void {
  const components = document.components as { schemas?: Record<string, unknown> };
  const schemas = components.schemas ?? {};
  const reachable = new Set<string>();
  const pending: unknown[] = [document.paths, (document.components as JsonObject).responses];
  while (pending.length > 0) {
    const refs = new Set<string>();
    collectRefs(pending.pop(), refs);
    for (const ref of refs) {
      const name = ref.replace("#/components/schemas/", "");
      if (name === ref || reachable.has(name)) continue;
      reachable.add(name);
      pending.push(schemas[name]);
    }
  }
  components.schemas = Object.fromEntries(
    Object.keys(schemas)
      .filter((name) => reachable.has(name))
      .sort()
      .map((name) => [name, schemas[name]]),
  );
}

/**
 * One app's contract: an `onRoute` hook that checks and records each route, and the options for
 * @fastify/swagger that build the document from them. The component registry belongs to the app (a
 * process may build several apps, each with its own schema objects).
 */
export function apiContract() {
  const registry = z.registry<{ id?: string }>();
  // Descriptions given with `.describe()` live in zod's global registry; the document keeps them.
  class WithGlobalMeta<K extends WeakKey, V> extends WeakMap<K, V> {
    override get(key: K): V | undefined {
      return super.get(key) ?? (z.globalRegistry._map.get(key as never) as V | undefined);
    }
    override has(key: K): boolean {
      return super.has(key) || z.globalRegistry._map.has(key as never);
    }
  }
  registry._map = new WithGlobalMeta();
  const routes = new Map<string, RouteFacts>();
  const taken = new Map<string, ZodType>();

  function nameSchema(schema: unknown, fallback: string): void {
    if (!isZod(schema) || registry._map.get(schema)?.id) return;
    const type = (schema as { _zod: { def: { type: string } } })._zod.def.type;
    if (type === "null" || type === "undefined") return;
    const explicit = componentNameOf(schema);
    let name = explicit ?? fallback;
    if (explicit && taken.has(name) && taken.get(name) !== schema) {
      throw new Error(`Two schemas are named ${name} in the OpenAPI document`);
    }
    for (let n = 2; taken.has(name); n++) name = `${fallback}${n}`;
    taken.set(name, schema);
    registry.add(schema, { ...z.globalRegistry.get(schema), id: name });
  }
  nameSchema(errorBody, "ErrorEnvelope");
  nameSchema(openaiErrorBody, "OpenAIErrorEnvelope");

  function onRoute(route: RouteOptions): void {
    const schema = route.schema as
      | (Record<string, unknown> & {
          operationId?: string;
          hide?: boolean;
          response?: Record<string, unknown>;
        })
      | undefined;
    if (!schema || schema.hide) return;
    const methods = [route.method].flat().filter((m) => m !== "HEAD");
    if (methods.length === 0) return; // the HEAD twin of a GET route
    if (methods.length !== 1) throw new Error(`${route.url}: one method per documented route`);
    if (schema.operationId !== undefined && !OPERATION_ID.test(schema.operationId)) {
      throw new Error(`${methods[0]} ${route.url}: operationId must be camelCase (${schema.operationId})`);
    }
    if (schema.operationId && routes.has(schema.operationId)) {
      throw new Error(`operationId ${schema.operationId} is used twice (${route.url})`);
    }
    if (!schema.operationId) schema.operationId = provisionalOperationId(methods[0]!, route.url, routes);
    const id = schema.operationId;
    const config = (route.config ?? {}) as FastifyContextConfig;
    const response = schema.response ?? {};
    nameSchema(schema.body, pascal(id));
    for (const [status, value] of Object.entries(response)) {
      if (Number(status) < 400) nameSchema(value, `${pascal(id)}Response`);
    }
    routes.set(id, {
      method: methods[0]!,
      url: route.url,
      config,
      hasBody: Boolean(schema.body),
      hasInput: Boolean(schema.body || schema.querystring || schema.params || schema.headers),
      hasParams: Boolean(schema.params) || route.url.includes(":"),
      ownStatuses: new Set(
        Object.entries(response)
          .filter(([, value]) => value !== errorBody)
          .map(([status]) => status),
      ),
    });
  }

  const transformObject = createJsonSchemaTransformObject({ schemaRegistry: registry });

  function finish(document: JsonObject): JsonObject {
    const components = document.components as JsonObject;
    const errorResponses: Record<string, JsonObject> = {};
    for (const { name, description } of Object.values(ERROR_RESPONSES)) {
      for (const envelope of ["ErrorEnvelope", "OpenAIErrorEnvelope"]) {
        const prefix = envelope === "ErrorEnvelope" ? "" : "OpenAI";
        errorResponses[`${prefix}${name}`] = {
          description: `${description}${prefix ? " (OpenAI's error `type` added)" : ""}`,
          content: { "application/json": { schema: { $ref: `#/components/schemas/${envelope}` } } },
        };
      }
    }
    const used = new Set<string>();
    for (const item of Object.values(document.paths as Record<string, Record<string, Operation>>)) {
      for (const operation of Object.values(item)) {
        const route = operation.operationId ? routes.get(operation.operationId) : undefined;
        if (!route) continue;
        operation.security = securityOf(route.config);
        const responses: Record<string, JsonObject> = {};
        for (const [status, value] of Object.entries(operation.responses ?? {})) {
          if (Number(status) < 400 || route.ownStatuses.has(status)) responses[status] = value;
          if (value.description === "Default Response" && SUCCESS_TEXT[status]) {
            value.description = SUCCESS_TEXT[status];
          }
        }
        const openai = route.url.startsWith("/v1/");
        for (const status of errorStatuses(route)) {
          if (responses[String(status)]) continue;
          const name = `${openai ? "OpenAI" : ""}${ERROR_RESPONSES[status]!.name}`;
          used.add(name);
          responses[String(status)] = { $ref: `#/components/responses/${name}` };
        }
        if (route.config.eventStream) {
          responses["200"] ??= { description: "Server-Sent Events" };
          const ok = responses["200"];
          const content = ((ok.content as JsonObject | undefined) ?? {}) as JsonObject;
          content["text/event-stream"] = {
            schema: { type: "string", description: route.config.eventStream },
          };
          ok.content = content;
        }
        operation.responses = responses;
      }
    }
    components.responses = Object.fromEntries(
      Object.entries(errorResponses).filter(([name]) => used.has(name)),
    );
    pruneSchemas(document);
    return document;
  }

  const swaggerOptions: SwaggerOptions = {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Atrium API",
        version: ATRIUM_VERSION,
        description: "Department-scoped AI assistants: knowledge, conversations, approvals and traces.",
      },
      servers: [{ url: "/", description: "This server" }],
      components: {
        securitySchemes: {
          bearerAuth: {
            type: "http",
            scheme: "bearer",
            description: "A signed-in person's access token, or an API key (`atr_…`) as the bearer token",
          },
          apiKey: { type: "apiKey", in: "header", name: "x-api-key", description: "An API key (`atr_…`)" },
        },
      },
    },
    transform: createJsonSchemaTransform({ schemaRegistry: registry }),
    transformObject: (input) => finish(transformObject(input) as JsonObject) as never,
  };

  return { onRoute, swaggerOptions };
}
