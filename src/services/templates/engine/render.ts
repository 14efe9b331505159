import Handlebars from "handlebars";
import { AppError } from "../../../lib/errors.js";
import { checkTemplate } from "./check-template.js";
import { type OrgFormat, TEMPLATE_HELPERS } from "./helpers.js";

/** The longest rendered text kept (a loop over a large input must not fill memory). */
export const MAX_RENDERED_CHARS = 2_000_000;

/**
 * A Handlebars environment of its own: only the fixed helpers, no partials, and `log` and `lookup`
 * removed (one writes to the process's console, the other reads properties by computed name).
 */
function sandbox(): typeof Handlebars {
  const env = Handlebars.create();
  env.unregisterHelper("log");
  env.unregisterHelper("lookup");
  for (const [name, helper] of Object.entries(TEMPLATE_HELPERS)) env.registerHelper(name, helper);
  return env;
}

const env = sandbox();
const knownHelpers = Object.fromEntries(
  [...Object.keys(TEMPLATE_HELPERS), "each", "if", "unless", "with"].map((name) => [name, true]),
) as Record<string, true>;

/**
 * Plain JSON data only: no functions, getters, class instances or prototypes from the caller, and no
 * keys that shadow Object.prototype (`toString`, `valueOf`, `constructor`…), which would otherwise
 * break (or steer) how a value is printed.
 */
function plain(input: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(input), (key, value) =>
    key !== "" && key in Object.prototype ? undefined : value,
  ) as Record<string, unknown>;
}

/**
 * Renders a body (already checked when it was saved; checked again here in case it was not) as
 * text. Escaping is left to the output format (HTML escapes when it builds its elements), and
 * prototype properties and methods are never readable.
 */
export function renderTemplate(
  body: string,
  declared: ReadonlySet<string>,
  input: Record<string, unknown>,
  org: OrgFormat,
): string {
  const problems = checkTemplate(body, declared);
  if (problems.length > 0) {
    throw new AppError("VALIDATION", "The template is not valid", { reason: "TEMPLATE_INVALID", problems });
  }
  const template = env.compile(body, {
    knownHelpers,
    knownHelpersOnly: true,
    noEscape: true,
    strict: false,
    preventIndent: true,
  });
  let text: string;
  try {
    text = template(plain(input), {
      data: { org: { ...org } },
      allowProtoPropertiesByDefault: false,
      allowProtoMethodsByDefault: false,
      allowedProtoProperties: {},
      allowedProtoMethods: {},
    });
  } catch (error) {
    throw new AppError(
      "VALIDATION",
      "The template could not be rendered with this input",
      {
        reason: "RENDER_FAILED",
      },
      { cause: error },
    );
  }
  if (text.length > MAX_RENDERED_CHARS) {
    throw new AppError(
      "PAYLOAD_TOO_LARGE",
      `The rendered document is longer than ${MAX_RENDERED_CHARS} characters`,
    );
  }
  return text;
}
