import type { TemplateVariable, TemplateVariableType } from "../../db/schema/templates.js";
import { AppError } from "../../lib/errors.js";
import { FORBIDDEN_SEGMENTS } from "./engine/check-template.js";
import { ALLOWED_HELPERS } from "./engine/helpers.js";

export const VARIABLE_TYPES: readonly TemplateVariableType[] = [
  "string",
  "number",
  "boolean",
  "date",
  "list",
  "object",
];
export const MAX_VARIABLES = 100;

/** One problem of an input (or of a declaration): which variable, what is wrong. */
export interface VariableProblem {
  variable: string;
  message: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const DATE = /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;

const typeOf = (v: TemplateVariable): TemplateVariableType => v.type ?? "string";

/** Why a value does not fit a variable's type and allowed values, or undefined when it does. */
function valueProblem(variable: TemplateVariable, value: unknown): string | undefined {
  const type = typeOf(variable);
  const fits =
    type === "string"
      ? typeof value === "string"
      : type === "number"
        ? typeof value === "number" && Number.isFinite(value)
        : type === "boolean"
          ? typeof value === "boolean"
          : type === "date"
            ? typeof value === "string" && DATE.test(value) && !Number.isNaN(new Date(value).getTime())
            : type === "list"
              ? Array.isArray(value)
              : typeof value === "object" && value !== null && !Array.isArray(value);
  if (!fits) {
    return type === "date" ? "must be a date (YYYY-MM-DD or an ISO 8601 time)" : `must be a ${type}`;
  }
  if (variable.enum && variable.enum.length > 0 && !variable.enum.some((allowed) => allowed === value)) {
    return `must be one of ${variable.enum.map((v) => JSON.stringify(v)).join(", ")}`;
  }
  return undefined;
}

/** Refuses (listing every problem) a declaration with bad names, duplicates or ill-typed defaults. */
export function assertValidDeclarations(variables: TemplateVariable[]): void {
  const problems: VariableProblem[] = [];
  const seen = new Set<string>();
  if (variables.length > MAX_VARIABLES) {
    problems.push({ variable: "", message: `at most ${MAX_VARIABLES} variables` });
  }
  for (const v of variables) {
    if (!NAME.test(v.name) || FORBIDDEN_SEGMENTS.has(v.name)) {
      problems.push({
        variable: v.name,
        message: "names are letters, digits and _ (not starting with a digit)",
      });
    } else if (ALLOWED_HELPERS.has(v.name)) {
      problems.push({ variable: v.name, message: "is the name of a helper; pick another name" });
    }
    if (seen.has(v.name)) problems.push({ variable: v.name, message: "is declared twice" });
    seen.add(v.name);
    for (const key of ["default", "example"] as const) {
      if (v[key] === undefined) continue;
      const problem = valueProblem(v, v[key]);
      if (problem) problems.push({ variable: v.name, message: `${key} ${problem}` });
    }
    for (const allowed of v.enum ?? []) {
      const problem = valueProblem({ ...v, enum: [] }, allowed);
      if (problem)
        problems.push({ variable: v.name, message: `enum value ${JSON.stringify(allowed)} ${problem}` });
    }
  }
  if (problems.length > 0) {
    throw new AppError("VALIDATION", "The variable declarations are not valid", {
      reason: "VARIABLES_INVALID",
      problems,
    });
  }
}

/**
 * The input a render gets: each declared variable's given value (checked), its default, or nothing.
 * Every problem is listed at once; undeclared input keys are problems too (a typo would otherwise
 * render as an empty field).
 */
export function resolveInput(
  variables: TemplateVariable[],
  input: Record<string, unknown>,
): Record<string, unknown> {
  const problems: VariableProblem[] = [];
  const declared = new Map(variables.map((v) => [v.name, v]));
  for (const key of Object.keys(input)) {
    if (!declared.has(key)) problems.push({ variable: key, message: "is not a variable of this template" });
  }
  const resolved: Record<string, unknown> = {};
  for (const v of variables) {
    const given = Object.hasOwn(input, v.name) ? input[v.name] : undefined;
    const value = given === undefined || given === null ? v.default : given;
    if (value === undefined || value === null) {
      if (v.required) problems.push({ variable: v.name, message: "is required" });
      continue;
    }
    const problem = valueProblem(v, value);
    if (problem) problems.push({ variable: v.name, message: problem });
    else resolved[v.name] = value;
  }
  if (problems.length > 0) {
    throw new AppError("VALIDATION", `The input has ${problems.length} problem(s)`, {
      reason: "INPUT_INVALID",
      problems,
    });
  }
  return resolved;
}

/** Example values for a preview: each variable's example, else its default, else a placeholder. */
export function exampleInput(variables: TemplateVariable[]): Record<string, unknown> {
  const placeholder: Record<TemplateVariableType, unknown> = {
    string: "…",
    number: 0,
    boolean: false,
    date: new Date().toISOString().slice(0, 10),
    list: [],
    object: {},
  };
  return Object.fromEntries(
    variables.map((v) => [v.name, v.example ?? v.default ?? v.enum?.[0] ?? placeholder[typeOf(v)]]),
  );
}
