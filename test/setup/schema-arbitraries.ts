import fc from "fast-check";

/**
 * JSON Schema (from the OpenAPI document, i.e. the routes' zod schemas) → fast-check arbitraries.
 * "valid" values stay inside the schema so requests reach services and the database; "mixed" ones
 * slip in hostile strings and out-of-range numbers now and then.
 */

export type JsonSchema = {
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

export interface Operation {
  parameters?: Array<{ in: string; name: string; required?: boolean; schema: JsonSchema }>;
  requestBody?: { content?: Record<string, { schema: JsonSchema }> };
}

/** The OpenAPI document (`app.swagger()`) and ids of rows that exist, for realistic values. */
export interface ArbitraryContext {
  spec: {
    paths: Record<string, Record<string, Operation>>;
    components?: { schemas?: Record<string, JsonSchema> };
  };
  /** Ids that exist (in org A, in D2, in org B), so random requests also hit real rows. */
  knownIds: string[];
  /** Ids of real resources by `config.resource` kind, so `:id` often names something that exists. */
  idsByKind: Map<string, string[]>;
}

export function resolve(ctx: ArbitraryContext, schema: JsonSchema): JsonSchema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.split("/").pop()!;
  return ctx.spec.components?.schemas?.[name] ?? {};
}

/** Strings that break naive code: NUL, control and bidi characters, lone surrogates, SQL and HTML. */
export const hostileString = fc.oneof(
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

export const uuidLike = (ctx: ArbitraryContext) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...ctx.knownIds), weight: 3 },
    { arbitrary: fc.uuid({ version: 7 }), weight: 1 },
    { arbitrary: fc.uuid(), weight: 1 },
    { arbitrary: fc.constant("00000000-0000-0000-0000-000000000000"), weight: 1 },
  );

export function stringFor(ctx: ArbitraryContext, schema: JsonSchema): fc.Arbitrary<string> {
  const { minLength = 0, maxLength = 60 } = schema;
  switch (schema.format) {
    case "uuid":
      return uuidLike(ctx);
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

/**
 * Values for `schema`. "valid" stays inside the schema (so requests reach services and the database);
 * "mixed" slips in hostile strings and out-of-range numbers now and then.
 */
export type Mode = "valid" | "mixed";

export function valueFor(
  ctx: ArbitraryContext,
  input: JsonSchema,
  mode: Mode,
  depth = 0,
): fc.Arbitrary<unknown> {
  const schema = resolve(ctx, input);
  if (depth > 6) return fc.constant(null);
  const spoil = (arb: fc.Arbitrary<unknown>, bad: fc.Arbitrary<unknown>) =>
    mode === "valid" ? arb : fc.oneof({ arbitrary: arb, weight: 6 }, { arbitrary: bad, weight: 1 });
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return spoil(fc.constantFrom(...schema.enum), hostileString);
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return fc.oneof(...options.map((s) => valueFor(ctx, s, mode, depth + 1)));
  if (schema.allOf?.[0]) return valueFor(ctx, schema.allOf[0], mode, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "string":
      return spoil(stringFor(ctx, schema), hostileString);
    case "integer":
      return spoil(
        fc.integer({
          min: Math.max(schema.minimum ?? -1_000_000, Number.MIN_SAFE_INTEGER),
          max: Math.min(schema.maximum ?? 1_000_000, Number.MAX_SAFE_INTEGER),
        }),
        fc.constantFrom(-1, 0, 0.5, 2 ** 53, -(2 ** 53), 1e300),
      );
    case "number":
      return spoil(
        fc.double({
          min: schema.minimum ?? -1e9,
          max: schema.maximum ?? 1e9,
          noNaN: true,
          noDefaultInfinity: true,
        }),
        fc.constantFrom(-1, 1e308, -1e308, 0.1),
      );
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return fc.array(valueFor(ctx, schema.items ?? {}, mode, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 5, (schema.minItems ?? 0) + 5),
      });
    case "object":
      return objectFor(ctx, schema, mode, depth);
    default:
      return fc.jsonValue({ maxDepth: 3 });
  }
}

function objectFor(
  ctx: ArbitraryContext,
  schema: JsonSchema,
  mode: Mode,
  depth: number,
): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {};
  const required = schema.required ?? [];
  if (Object.keys(properties).length > 0) {
    const shape = Object.fromEntries(
      Object.entries(properties).map(([k, s]) => [k, valueFor(ctx, s, mode, depth + 1)]),
    );
    return fc.record(shape, { requiredKeys: Object.keys(properties).filter((k) => required.includes(k)) });
  }
  // A free-form object (settings, metadata): arbitrary JSON with awkward keys and values.
  const key =
    mode === "valid" ? fc.string({ maxLength: 12 }) : fc.oneof(fc.string({ maxLength: 12 }), hostileString);
  const value =
    mode === "valid" ? fc.jsonValue({ maxDepth: 4 }) : fc.oneof(fc.jsonValue({ maxDepth: 4 }), hostileString);
  return fc.dictionary(key, value, { maxKeys: 6 });
}
