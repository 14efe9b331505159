import fc from "fast-check";
import type { RouteEntry } from "../../src/http/app.js";
import {
  type ArbitraryContext,
  hostileString,
  type JsonSchema,
  type Mode,
  type Operation,
  resolve,
  stringFor,
  uuidLike,
  valueFor,
} from "./schema-arbitraries.js";

export type { ArbitraryContext } from "./schema-arbitraries.js";

/**
 * fast-check arbitraries for hostile HTTP requests to one route, built from the route's own JSON
 * Schema (the OpenAPI document, i.e. its zod schemas) so that many requests pass validation and reach
 * the services and the database, and mutated: hostile strings (NUL bytes, lone surrogates, huge),
 * wrong types, extra and prototype-pollution keys, deep nesting, invalid JSON text, mismatched
 * content types, garbage credentials and path parameters.
 */

export type Payload = { text: string; contentType?: string };

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

function payloadFor(
  ctx: ArbitraryContext,
  schema: JsonSchema | undefined,
): fc.Arbitrary<Payload | undefined> {
  const valid = schema ? valueFor(ctx, schema, "valid") : fc.jsonValue({ maxDepth: 2 });
  const mixed = schema ? valueFor(ctx, schema, "mixed") : fc.jsonValue({ maxDepth: 2 });
  return fc.oneof(
    { arbitrary: valid.map(json), weight: 10 },
    { arbitrary: mixed.map(json), weight: 5 },
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

function queryFor(ctx: ArbitraryContext, operation: Operation | undefined): fc.Arbitrary<string> {
  const params = (operation?.parameters ?? []).filter((p) => p.in === "query");
  const fromSchema = (mode: Mode) =>
    fc
      .tuple(...params.map((p) => fc.option(valueFor(ctx, p.schema, mode), { nil: undefined, freq: 3 })))
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
    { arbitrary: fromSchema("valid"), weight: 4 },
    { arbitrary: fromSchema("mixed"), weight: 2 },
    { arbitrary: random, weight: 3 },
    { arbitrary: raw, weight: 1 },
  );
}

function pathValue(
  ctx: ArbitraryContext,
  schema: JsonSchema | undefined,
  existing: string[],
): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: existing.length > 0 ? fc.constantFrom(...existing) : uuidLike(ctx), weight: 4 },
    { arbitrary: schema ? stringFor(ctx, resolve(ctx, schema)) : fc.string({ minLength: 1 }), weight: 2 },
    { arbitrary: uuidLike(ctx), weight: 3 },
    {
      arbitrary: fc.oneof(
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
      ),
      weight: 3,
    },
  );
}

export type Credentials = "none" | "admin" | "garbage";

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

export interface Generated {
  path: string;
  query: string;
  payload: Payload | undefined;
  auth: Record<string, string>;
  requestId: string | undefined;
}

export function requestFor(
  ctx: ArbitraryContext,
  route: RouteEntry,
  credentials: Credentials,
): fc.Arbitrary<Generated> {
  const openapiPath = route.url.replace(/:(\w+)/g, "{$1}");
  const operation = ctx.spec.paths[openapiPath]?.[route.method.toLowerCase()];
  const pathParams = (operation?.parameters ?? []).filter((p) => p.in === "path");
  const names = [...route.url.matchAll(/:(\w+)|\*/g)].map((m) => m[1] ?? "*");
  const existing = (name: string) =>
    name === "id" && route.config.resource ? (ctx.idsByKind.get(route.config.resource) ?? []) : [];
  const values = fc.tuple(
    ...names.map((n) => pathValue(ctx, pathParams.find((p) => p.name === n)?.schema, existing(n))),
  );
  const bodySchema = operation?.requestBody?.content?.["application/json"]?.schema;
  const mayHaveBody = route.hasBody || !["GET", "HEAD", "OPTIONS"].includes(route.method);
  return fc.record({
    path: values.map((vals) => {
      let i = 0;
      // Backslashes and whitespace would make the test client's URL parser throw before sending.
      const segment = (v: string) => v.replace(/[\\\s]/g, (c) => encodeURIComponent(c));
      const path = route.url.replace(/:(\w+)|\*/g, () => segment(vals[i++] ?? "x"));
      return path.startsWith("/") ? path : `/${path}`; // OPTIONS * (CORS preflight) matches any path
    }),
    query: queryFor(ctx, operation),
    payload: mayHaveBody ? payloadFor(ctx, bodySchema) : fc.constant(undefined),
    auth: credentials === "garbage" ? garbageAuth : fc.constant({}),
    requestId: requestIdHeader,
  });
}

export function describeRequest(route: RouteEntry, g: Generated): string {
  const body = g.payload
    ? `${g.payload.contentType ?? "(no content-type)"} ${g.payload.text.slice(0, 300)}`
    : "(no body)";
  return `${route.method} ${g.path}${g.query ? `?${g.query}` : ""} auth=${JSON.stringify(g.auth).slice(0, 120)} body=${body}`;
}
