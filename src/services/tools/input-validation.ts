import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import { AppError } from "../../lib/errors.js";

/**
 * JSON Schema checks for tool inputs. One Ajv instance (draft 2020-12; `$schema` markers of other
 * drafts are ignored because MCP servers and OpenAI tool specs use the common subset) and a bounded
 * cache of compiled validators keyed by the schema text, so a schema is compiled once per process.
 */
const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false, logger: false });

const MAX_CACHED = 500;
const cache = new Map<string, ValidateFunction>();

function compile(schema: Record<string, unknown>): ValidateFunction {
  const { $schema: _ignored, $id: _id, ...rest } = schema;
  const key = JSON.stringify(rest);
  const known = cache.get(key);
  if (known) return known;
  const validate = ajv.compile(rest);
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(key, validate);
  return validate;
}

/** Throws VALIDATION with Ajv's message when `schema` is not a usable JSON Schema for a tool input. */
export function assertValidInputSchema(schema: Record<string, unknown>): void {
  if (schema.type !== undefined && schema.type !== "object") {
    throw new AppError(
      "VALIDATION",
      'inputSchema: a tool input is an object, so its "type" must be "object"',
    );
  }
  try {
    compile(schema);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new AppError("VALIDATION", `inputSchema: ${message}`);
  }
}

export interface InputProblem {
  path: string;
  message: string;
}

function describe(error: ErrorObject): InputProblem {
  const path = error.instancePath || "/";
  if (error.keyword === "required") {
    return { path, message: `must have property "${String(error.params.missingProperty)}"` };
  }
  if (error.keyword === "additionalProperties") {
    return { path, message: `must not have property "${String(error.params.additionalProperty)}"` };
  }
  return { path, message: error.message ?? "is invalid" };
}

/** Returns `input` when it matches `schema`; otherwise VALIDATION listing every problem. */
export function validateToolInput(schema: Record<string, unknown>, input: unknown): unknown {
  let validate: ValidateFunction;
  try {
    validate = compile(schema);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new AppError("VALIDATION", `The tool's input schema cannot be used: ${message}`);
  }
  if (validate(input)) return input;
  const problems = (validate.errors ?? []).map(describe);
  const text = problems.map((p) => `${p.path} ${p.message}`).join("; ");
  throw new AppError("VALIDATION", `The tool input is invalid: ${text}`, { problems });
}
