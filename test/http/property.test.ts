import fc from "fast-check";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type RouteEntry } from "../../src/http/app.js";
import { errorCodes } from "../../src/lib/errors.js";
import { createTestContainer, destroyTestContainer } from "../setup/container.js";
import { exampleBodyFor } from "../setup/resource-fixtures.js";
import { buildWorld, type IsolationWorld } from "../setup/world.js";

/**
 * Property-based tests over every route of `app.routeTable`: random and malformed bodies, query
 * strings, headers and path parameters, without credentials and as the organisation's admin. Whatever
 * arrives, the API answers below 500, and every 4xx is the JSON error envelope with a code from the
 * closed set and the request id of the response header.
 *
 * Bodies are generated from each route's own JSON Schema (the OpenAPI document, i.e. the zod schemas)
 * so that many requests pass validation and reach the services and the database, then are mutated:
 * hostile strings (NUL bytes, lone surrogates, huge), wrong types, extra and prototype-pollution keys,
 * deep nesting, invalid JSON text and mismatched content types.
 */

const RUNS_AS_ADMIN = 30;
const RUNS_WITHOUT_CREDENTIALS = 20;
const RUNS_PUBLIC = 30;

const context = await createTestContainer({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "100000" } });
const app = await buildApp(context.container);
await app.ready();

let world: IsolationWorld;
/** Ids that exist (in org A, in D2, in org B), so random requests also hit real rows. */
let knownIds: string[] = [];

beforeAll(async () => {
  world = await buildWorld(context.container);
  const { orgA, orgB } = world;
  knownIds = [
    orgA.d1.id,
    orgA.d2.id,
    orgA.d3Archived.id,
    orgA.users.employeeD1.id,
    orgA.users.deptHeadD1.id,
    orgA.customRoles.noPermissions.id,
    orgA.roles.employee.id,
    orgB.department.id,
    orgB.admin.id,
    orgB.roles.admin.id,
  ];
}, 60_000);

afterAll(async () => {
  await app.close();
  await destroyTestContainer(context);
});

// ---------------------------------------------------------------------------------------------------
// JSON Schema (from the OpenAPI document) → fast-check arbitraries

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  default?: unknown;
  $ref?: string;
};

interface Operation {
  parameters?: Array<{ in: string; name: string; required?: boolean; schema: JsonSchema }>;
  requestBody?: { content?: Record<string, { schema: JsonSchema }> };
}

const spec = app.swagger() as unknown as {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
};

function resolve(schema: JsonSchema): JsonSchema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.split("/").pop()!;
  return spec.components?.schemas?.[name] ?? {};
}

/** Strings that break naive code: NUL, control and bidi characters, lone surrogates, SQL and HTML. */
const hostileString = fc.oneof(
  fc.constantFrom(
    "\u0000",
    "a\u0000b",
    "\ud800",
    "\udfff\ud800",
    "\u202e\u0000\u0007",
    "' OR 1=1 --",
    "%00",
    "%",
    "\\",
    '"',
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "🧨".repeat(100),
    "NaN",
    "-0",
    "1e309",
    " ",
    "",
  ),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
);

const uuidLike = () =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...knownIds), weight: 3 },
    { arbitrary: fc.uuid({ version: 7 }), weight: 1 },
    { arbitrary: fc.uuid(), weight: 1 },
    { arbitrary: fc.constant("00000000-0000-0000-0000-000000000000"), weight: 1 },
  );

function stringFor(schema: JsonSchema): fc.Arbitrary<string> {
  const { minLength = 0, maxLength = 60 } = schema;
  switch (schema.format) {
    case "uuid":
      return uuidLike();
    case "email":
      return fc.oneof(fc.stringMatching(/^[a-z][a-z0-9.]{0,15}@[a-z]{1,12}\.(test|com)$/), fc.emailAddress());
    case "uri":
      return fc.webUrl();
    case "date-time":
      return fc
        .date({ min: new Date("1970-01-01"), max: new Date("2100-01-01"), noInvalidDate: true })
        .map((d) => d.toISOString());
  }
  if (schema.pattern) {
    return fc
      .stringMatching(new RegExp(schema.pattern))
      .filter((s) => s.length >= minLength && s.length <= maxLength);
  }
  return fc.string({ unit: "grapheme", minLength, maxLength: Math.min(maxLength, minLength + 60) });
}

/** Mostly valid values for `schema`, with a hostile or out-of-range value now and then. */
function valueFor(input: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(input);
  if (depth > 6) return fc.constant(null);
  const mixed = (arb: fc.Arbitrary<unknown>) =>
    fc.oneof({ arbitrary: arb, weight: 9 }, { arbitrary: hostileString, weight: 1 });
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return mixed(fc.constantFrom(...schema.enum));
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return fc.oneof(...options.map((s) => valueFor(s, depth + 1)));
  if (schema.allOf?.[0]) return valueFor(schema.allOf[0], depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "string":
      return mixed(stringFor(schema));
    case "integer":
      return fc.oneof(
        fc.integer({
          min: schema.minimum ?? -1_000_000,
          max: Math.min(schema.maximum ?? 1_000_000, 2 ** 31),
        }),
        fc.constantFrom(-1, 0, 2 ** 53, -(2 ** 53)),
      );
    case "number":
      return fc.oneof(
        fc.double({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9, noNaN: true }),
        fc.constantFrom(-1, 1e308, -1e308, 0.1),
      );
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return fc.array(valueFor(schema.items ?? {}, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 5, (schema.minItems ?? 0) + 5),
      });
    case "object":
      return objectFor(schema, depth);
    default:
      return fc.jsonValue({ maxDepth: 3 });
  }
}

function objectFor(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {};
  const required = schema.required ?? [];
  const shape = Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, valueFor(s, depth + 1)]));
  const known = fc.record(shape, {
    requiredKeys: Object.keys(properties).filter((k) => required.includes(k)),
  });
  if (Object.keys(properties).length > 0) return known;
  // A free-form object (settings, metadata): arbitrary JSON with awkward keys.
  return fc.dictionary(fc.oneof(fc.string({ maxLength: 12 }), hostileString), fc.jsonValue({ maxDepth: 4 }), {
    maxKeys: 6,
  });
}

// ---------------------------------------------------------------------------------------------------
// Hostile requests

type Payload = { text: string; contentType?: string };

const json = (value: unknown): Payload => ({ text: JSON.stringify(value), contentType: "application/json" });

/** A JSON text with an own `__proto__` key (JSON.stringify would drop it) merged into a real body. */
function pollute(body: unknown, key: "__proto__" | "constructor" | "prototype"): Payload {
  const inner = key === "constructor" ? '{"prototype":{"isAdmin":true}}' : '{"isAdmin":true,"role":"admin"}';
  const base = JSON.stringify(body);
  const text =
    body && typeof body === "object" && !Array.isArray(body) && base !== "{}"
      ? `{"${key}":${inner},${base.slice(1)}`
      : `{"${key}":${inner}}`;
  return { text, contentType: "application/json" };
}

function deep(depth: number, kind: "array" | "object"): string {
  return kind === "array"
    ? `${"[".repeat(depth)}${"]".repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

/** Puts `value` at a random top-level key of an object body (wrong types, nesting, huge values). */
function replaceField(body: unknown, value: unknown, pick: number): unknown {
  if (!body || typeof body !== "object" || Array.isArray(body)) return value;
  const keys = Object.keys(body);
  const key = keys.length > 0 ? keys[pick % keys.length]! : "unexpected";
  return { ...body, [key]: value };
}

function payloadFor(schema: JsonSchema | undefined): fc.Arbitrary<Payload | undefined> {
  const valid = schema ? valueFor(schema) : fc.jsonValue({ maxDepth: 2 });
  return fc.oneof(
    { arbitrary: valid.map(json), weight: 12 },
    { arbitrary: fc.constant(undefined), weight: 1 },
    { arbitrary: fc.jsonValue().map(json), weight: 2 },
    {
      arbitrary: fc
        .tuple(valid, fc.jsonValue({ maxDepth: 3 }), fc.nat())
        .map(([body, value, pick]) => json(replaceField(body, value, pick))),
      weight: 3,
    },
    {
      arbitrary: fc
        .tuple(valid, fc.constantFrom("__proto__" as const, "constructor" as const, "prototype" as const))
        .map(([body, key]) => pollute(body, key)),
      weight: 2,
    },
    {
      arbitrary: fc
        .tuple(
          valid,
          fc.oneof(fc.integer({ min: 2, max: 100 }), fc.integer({ min: 101, max: 20_000 })),
          fc.constantFrom("array" as const, "object" as const),
          fc.nat(),
        )
        .map(([body, depth, kind, pick]) => {
          const nested = deep(depth, kind);
          const text = JSON.stringify(replaceField(body, "__DEEP__", pick)).replace('"__DEEP__"', nested);
          return { text, contentType: "application/json" };
        }),
      weight: 2,
    },
    {
      arbitrary: fc
        .tuple(valid, fc.integer({ min: 2_000, max: 1_200_000 }), fc.nat())
        .map(([body, size, pick]) => json(replaceField(body, "x".repeat(size), pick))),
      weight: 1,
    },
    {
      arbitrary: fc
        .oneof(
          fc.constantFrom("{", "}", "[1,", "{'a':1}", "nul", "undefined", '{"a":1}{"b":2}', "\u0000", ""),
          fc.string({ maxLength: 50 }),
        )
        .map((text) => ({ text, contentType: "application/json" })),
      weight: 2,
    },
    {
      arbitrary: fc
        .tuple(
          valid,
          fc.constantFrom(
            "text/plain",
            "application/xml",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/json; charset=utf-16",
            "application/json; charset=latin1",
            "application/octet-stream",
            "application/vnd.api+json",
            "",
            "*/*",
            ";;;",
          ),
        )
        .map(([body, contentType]) => ({ text: JSON.stringify(body), contentType })),
      weight: 2,
    },
  );
}

function queryFor(operation: Operation | undefined): fc.Arbitrary<string> {
  const params = (operation?.parameters ?? []).filter((p) => p.in === "query");
  const valid = fc
    .tuple(...params.map((p) => fc.option(valueFor(p.schema), { nil: undefined, freq: 3 })))
    .map((values) =>
      new URLSearchParams(
        params.flatMap((p, i) =>
          values[i] === undefined ? [] : [[p.name, String(values[i])] as [string, string]],
        ),
      ).toString(),
    );
  const random = fc
    .array(
      fc.tuple(
        fc.oneof(
          fc.constantFrom(...params.map((p) => p.name), "page", "__proto__", "constructor"),
          fc.string(),
        ),
        fc.oneof(fc.string(), hostileString, fc.constantFrom("-1", "1e9", "NaN", "[]", "true", "")),
      ),
      { maxLength: 6 },
    )
    .map((pairs) => new URLSearchParams(pairs).toString());
  const raw = fc.constantFrom(
    "%",
    "%zz",
    "a=%E0%A4%A",
    "=",
    "&&&",
    "a[b]=1&a[c]=2",
    "page=1&page=2",
    "x=%00",
  );
  return fc.oneof(
    { arbitrary: valid, weight: 4 },
    { arbitrary: random, weight: 3 },
    { arbitrary: raw, weight: 1 },
  );
}

function pathValue(schema: JsonSchema | undefined): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: schema ? stringFor(resolve(schema)) : fc.string({ minLength: 1 }), weight: 4 },
    { arbitrary: uuidLike(), weight: 3 },
    {
      arbitrary: fc
        .oneof(
          fc.constantFrom(
            "not-a-uuid",
            "0",
            "-1",
            "null",
            "..",
            "%00",
            "%2e%2e",
            "a%2Fb",
            "%",
            "🧨",
            " ",
            "x".repeat(3000),
          ),
          fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent),
        )
        .map((v) => v),
      weight: 3,
    },
  );
}

type Credentials = "none" | "admin" | "garbage";

const garbageAuth = fc.oneof(
  fc.record({ authorization: fc.string({ maxLength: 200 }) }),
  fc.record({ authorization: fc.string({ maxLength: 300 }).map((s) => `Bearer ${s}`) }),
  fc.record({ authorization: fc.string({ maxLength: 80 }).map((s) => `Bearer atr_${s}`) }),
  fc.record({
    authorization: fc.constantFrom(
      "Bearer",
      "Bearer ",
      "Basic dXNlcjpwYXNz",
      "bearer a.b.c",
      "Bearer e30.e30.e30",
    ),
  }),
  fc.record({
    "x-api-key": fc.oneof(fc.string({ maxLength: 120 }), fc.constant(`atr_AAAAAAAAAAAA_${"a".repeat(40)}`)),
  }),
  fc.record({ authorization: fc.constant("Bearer x"), "x-api-key": fc.constant("") }),
);

const requestIdHeader = fc.option(
  fc.oneof(fc.stringMatching(/^[\w.-]{8,40}$/), fc.string({ maxLength: 200 }), fc.constant("short")),
  { nil: undefined, freq: 2 },
);

interface Generated {
  path: string;
  query: string;
  payload: Payload | undefined;
  auth: Record<string, string>;
  requestId: string | undefined;
}

function requestFor(route: RouteEntry, credentials: Credentials): fc.Arbitrary<Generated> {
  const openapiPath = route.url.replace(/:(\w+)/g, "{$1}");
  const operation = spec.paths[openapiPath]?.[route.method.toLowerCase()];
  const pathParams = (operation?.parameters ?? []).filter((p) => p.in === "path");
  const names = [...route.url.matchAll(/:(\w+)|\*/g)].map((m) => m[1] ?? "*");
  const values = fc.tuple(...names.map((n) => pathValue(pathParams.find((p) => p.name === n)?.schema)));
  const bodySchema = operation?.requestBody?.content?.["application/json"]?.schema;
  const mayHaveBody = route.hasBody || !["GET", "HEAD", "OPTIONS"].includes(route.method);
  return fc.record({
    path: values.map((vals) => {
      let i = 0;
      const path = route.url.replace(/:(\w+)|\*/g, () => vals[i++] ?? "x");
      return path.startsWith("/") ? path : `/${path}`; // OPTIONS * (CORS preflight) matches any path
    }),
    query: queryFor(operation),
    payload: mayHaveBody ? payloadFor(bodySchema) : fc.constant(undefined),
    auth: credentials === "garbage" ? garbageAuth : fc.constant({}),
    requestId: requestIdHeader,
  });
}

function describeRequest(route: RouteEntry, g: Generated): string {
  const body = g.payload
    ? `${g.payload.contentType ?? "(no content-type)"} ${g.payload.text.slice(0, 300)}`
    : "(no body)";
  return `${route.method} ${g.path}${g.query ? `?${g.query}` : ""} auth=${JSON.stringify(g.auth).slice(0, 120)} body=${body}`;
}

async function send(
  route: RouteEntry,
  g: Generated,
  credentials: Credentials,
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { ...g.auth };
  if (credentials === "admin")
    headers.authorization = `Bearer ${await world.tokenFor(world.orgA.users.admin)}`;
  if (g.requestId !== undefined) headers["x-request-id"] = g.requestId;
  if (g.payload?.contentType !== undefined) headers["content-type"] = g.payload.contentType;
  return app.inject({
    method: route.method as "GET",
    url: `${g.path}${g.query ? `?${g.query}` : ""}`,
    headers,
    ...(g.payload ? { payload: g.payload.text } : {}),
  });
}

/** The invariant of every answer: below 500, and a 4xx is the closed-set JSON error envelope. */
function checkResponse(route: RouteEntry, g: Generated, response: LightMyRequestResponse): void {
  const label = `${describeRequest(route, g)}\n→ ${response.statusCode} ${response.body.slice(0, 400)}`;
  expect(response.statusCode, label).toBeLessThan(500);
  const requestId = response.headers["x-request-id"];
  expect(requestId, `${label}\n(x-request-id header)`).toEqual(expect.any(String));
  if (g.requestId !== undefined && /^[\w.-]{8,128}$/.test(g.requestId))
    expect(requestId, label).toBe(g.requestId);
  if (response.statusCode < 400) return;
  expect(String(response.headers["content-type"]), label).toMatch(/^application\/json/);
  let body: { error?: Record<string, unknown> };
  try {
    body = JSON.parse(response.body);
  } catch {
    throw new Error(`not JSON: ${label}`);
  }
  expect(Object.keys(body), label).toEqual(["error"]);
  const error = body.error!;
  expect(Object.keys(error).sort(), label).toEqual(
    error.details === undefined
      ? ["code", "message", "requestId"]
      : ["code", "details", "message", "requestId"],
  );
  expect(Object.keys(errorCodes), label).toContain(error.code);
  expect(errorCodes[error.code as keyof typeof errorCodes], `${label}\n(code ↔ status)`).toBe(
    response.statusCode,
  );
  expect(error.message, label).toEqual(expect.any(String));
  expect(error.requestId, `${label}\n(requestId = x-request-id)`).toBe(requestId);
  if (error.details !== undefined) expect(error.details, label).toEqual(expect.any(Object));
}

async function checkRoute(route: RouteEntry, credentials: Credentials, numRuns: number) {
  await fc.assert(
    fc.asyncProperty(requestFor(route, credentials), async (g) => {
      checkResponse(route, g, await send(route, g, credentials));
    }),
    { numRuns, endOnFailure: true },
  );
}

// ---------------------------------------------------------------------------------------------------

const routes = app.routeTable;
const isPublic = (r: RouteEntry) =>
  r.config.auth === "public" || r.url === "/docs" || r.url.startsWith("/docs/");
const entries = routes.map((route) => ({ key: `${route.method} ${route.url}`, route }));

describe("property: every route answers below 500 with the error envelope", () => {
  it("covers the route table", () => {
    expect(entries.length).toBeGreaterThan(10);
    // A body example exists for the matrix; the property tests must know the same routes.
    expect(entries.some((e) => e.route.hasBody && exampleBodyFor(e.route.method, e.route.url))).toBe(true);
  });

  it.each(entries)("$key — random requests without valid credentials", async ({ route }) => {
    await checkRoute(
      route,
      isPublic(route) ? "none" : "garbage",
      isPublic(route) ? RUNS_PUBLIC : RUNS_WITHOUT_CREDENTIALS,
    );
  });

  it.each(entries.filter((e) => !isPublic(e.route)))(
    "$key — random requests as the org admin",
    async ({ route }) => {
      await checkRoute(route, "admin", RUNS_AS_ADMIN);
    },
  );

  it("unknown paths and methods get the not-found envelope", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE"),
        fc.array(fc.string({ minLength: 1, maxLength: 12 }).map(encodeURIComponent), {
          minLength: 1,
          maxLength: 4,
        }),
        async (method, segments) => {
          const url = `/zz-${segments.join("/")}`;
          const response = await app.inject({ method: method as "GET", url });
          const fake: RouteEntry = { method, url, config: {}, hasBody: false, hidden: false };
          checkResponse(
            fake,
            { path: url, query: "", payload: undefined, auth: {}, requestId: undefined },
            response,
          );
          expect(response.statusCode).toBe(404);
        },
      ),
      { numRuns: 30 },
    );
  });
});
