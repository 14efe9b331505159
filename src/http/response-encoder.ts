import type { FastifySerializerCompiler } from "fastify";
import { ResponseSerializationError } from "fastify-type-provider-zod";
import { safeEncode, type ZodType } from "zod";

/**
 * Response serialisation compiled once per route from its zod response schema.
 *
 * fastify-type-provider-zod encodes every response with zod (a full parse, codecs included) before
 * `JSON.stringify`; on a list route that was a tenth of the server's CPU. The compiled plan does the
 * same job for the shapes our schemas use — keep the declared keys only, check each value's type,
 * turn `Date`s into ISO strings through the schema's codec — and hands anything it does not know
 * (and every value its checks reject) to zod itself, so errors and unusual schemas behave exactly as
 * before. String formats and number ranges are not re-checked on the way out: the values come from
 * our own services and the database, not from clients.
 */

/** Turns a service value into a JSON-ready value, or throws `Mismatch`. */
type Plan = (value: unknown) => unknown;

class Mismatch extends Error {}
const mismatch = new Mismatch("response value does not match its schema");

interface ZodDef {
  type: string;
  [key: string]: unknown;
}

const defOf = (schema: unknown): ZodDef => (schema as { _zod: { def: ZodDef } })._zod.def;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The zod encoding of one subtree, for schema kinds the plan does not handle itself. */
function viaZod(schema: ZodType): Plan {
  return (value) => {
    const result = safeEncode(schema, value);
    if (result.error) throw mismatch;
    return result.data;
  };
}

function objectPlan(def: ZodDef, schema: ZodType): Plan {
  // Unknown keys are dropped, as zod does, unless the schema keeps (loose) or rejects (strict) them.
  if (def.catchall !== undefined) return viaZod(schema);
  const shape = def.shape as Record<string, ZodType>;
  const keys = Object.keys(shape);
  const plans = keys.map((key) => planOf(shape[key]!));
  return (value) => {
    if (!isPlainObject(value)) throw mismatch;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const encoded = plans[i]!(value[key]);
      if (encoded !== undefined) out[key] = encoded;
    }
    return out;
  };
}

function withoutProtoKey(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) if (key !== "__proto__") out[key] = value[key];
  return out;
}

function recordPlan(def: ZodDef, schema: ZodType): Plan {
  const keyType = defOf(def.keyType).type;
  if (keyType !== "string") return viaZod(schema);
  const valueKind = defOf(def.valueType).type;
  if (valueKind === "unknown" || valueKind === "any") {
    return (value) => {
      if (!isPlainObject(value)) throw mismatch;
      // zod copies the entries into a fresh object, where a "__proto__" key sets the prototype
      // instead of becoming an entry, so the key never reaches the wire; the copy does the same.
      return Object.hasOwn(value, "__proto__") ? withoutProtoKey(value) : value;
    };
  }
  const valuePlan = planOf(def.valueType as ZodType);
  return (value) => {
    if (!isPlainObject(value)) throw mismatch;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const encoded = valuePlan(value[key]);
      if (encoded !== undefined) out[key] = encoded;
    }
    return out;
  };
}

function unionPlan(def: ZodDef): Plan {
  const options = (def.options as ZodType[]).map(planOf);
  return (value) => {
    for (const option of options) {
      try {
        return option(value);
      } catch (error) {
        if (!(error instanceof Mismatch)) throw error;
      }
    }
    throw mismatch;
  };
}

/** A codec (`z.codec(wire, runtime, …)`): check the runtime value, then encode it to the wire form. */
function codecPlan(def: ZodDef, schema: ZodType): Plan {
  const reverse = def.reverseTransform as ((value: unknown, payload: unknown) => unknown) | undefined;
  if (!reverse || reverse.length > 1) return viaZod(schema);
  const runtime = planOf(def.out as ZodType);
  const wireKind = defOf(def.in).type;
  return (value) => {
    const encoded = reverse(runtime(value), undefined);
    if (typeof encoded !== wireKind) throw mismatch;
    return encoded;
  };
}

function typeofPlan(kind: "string" | "number" | "boolean"): Plan {
  return (value) => {
    if (typeof value !== kind || (kind === "number" && !Number.isFinite(value))) throw mismatch;
    return value;
  };
}

function memberPlan(values: Iterable<unknown>): Plan {
  const allowed = new Set(values);
  return (value) => {
    if (!allowed.has(value)) throw mismatch;
    return value;
  };
}

const planCache = new WeakMap<object, Plan>();

function planOf(schema: ZodType): Plan {
  const cached = planCache.get(schema);
  if (cached) return cached;
  // Set first so recursive (lazy) schemas find a plan while theirs is being built.
  let built: Plan | undefined;
  planCache.set(schema, (value) => built!(value));
  built = buildPlan(schema);
  planCache.set(schema, built);
  return built;
}

function buildPlan(schema: ZodType): Plan {
  const def = defOf(schema);
  switch (def.type) {
    case "string":
    case "number":
    case "boolean":
      return typeofPlan(def.type);
    case "date":
      return (value) => {
        if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw mismatch;
        return value;
      };
    case "unknown":
    case "any":
      return (value) => value;
    case "null":
      return memberPlan([null]);
    case "literal":
      return memberPlan(def.values as unknown[]);
    case "enum":
      return memberPlan(Object.values(def.entries as Record<string, unknown>));
    case "nullable": {
      const inner = planOf(def.innerType as ZodType);
      return (value) => (value === null ? null : inner(value));
    }
    case "optional": {
      const inner = planOf(def.innerType as ZodType);
      return (value) => (value === undefined ? undefined : inner(value));
    }
    case "array": {
      const element = planOf(def.element as ZodType);
      return (value) => {
        if (!Array.isArray(value)) throw mismatch;
        return value.map(element);
      };
    }
    case "object":
      return objectPlan(def, schema);
    case "record":
      return recordPlan(def, schema);
    case "union":
      return unionPlan(def);
    case "pipe":
      return codecPlan(def, schema);
    case "lazy": {
      let inner: Plan | undefined;
      return (value) => {
        inner ??= planOf((def.getter as () => ZodType)());
        return inner(value);
      };
    }
    default:
      return viaZod(schema);
  }
}

function resolveSchema(maybeSchema: unknown): ZodType {
  if (isPlainObject(maybeSchema) && "properties" in maybeSchema) return maybeSchema.properties as ZodType;
  return maybeSchema as ZodType;
}

/** Compiles a route's response schema into a function from the handler's value to the JSON text. */
export function compileResponseEncoder(
  schema: ZodType,
  method: string,
  url: string,
): (data: unknown) => string {
  const plan = planOf(schema);
  return (data) => {
    try {
      return JSON.stringify(plan(data));
    } catch (error) {
      if (!(error instanceof Mismatch)) throw error;
    }
    // The value does not fit: zod decides, and names what is wrong exactly as it always has.
    const result = safeEncode(schema, data);
    if (result.error) throw new ResponseSerializationError(method, url, { cause: result.error });
    return JSON.stringify(result.data);
  };
}

export const responseSerializerCompiler: FastifySerializerCompiler<unknown> = ({ schema, method, url }) =>
  compileResponseEncoder(resolveSchema(schema), method, url);
