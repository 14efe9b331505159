import type { FastifyInstance } from "fastify";
import { AppError } from "../lib/errors.js";

/**
 * Deeper JSON than any real request needs. Thousands of nested arrays or objects parse fine but then
 * overflow the stack in recursive code further on (serialising a jsonb column), so they are refused
 * at the door instead of surfacing as a 500.
 */
export const MAX_JSON_DEPTH = 100;

/** Whether `text` nests objects/arrays deeper than `max` (brackets inside strings do not count). */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) {
      inString = true;
    } else if (c === 123 || c === 91) {
      if (++depth > max) return true;
    } else if (c === 125 || c === 93) {
      depth--;
    }
  }
  return false;
}

type ParserHost = Pick<
  FastifyInstance,
  "getDefaultJsonParser" | "removeContentTypeParser" | "addContentTypeParser"
>;

/** Fastify's own JSON parser (prototype-poisoning protection included) behind a nesting limit. */
export function registerJsonParser(app: ParserHost): void {
  const parse = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = body.toString();
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
      done(new AppError("VALIDATION", `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels`), undefined);
      return;
    }
    parse(request, text, done);
  });
}
