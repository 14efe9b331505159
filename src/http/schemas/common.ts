import { z } from "zod";
import { errorCodes } from "../../lib/errors.js";
import { toIsoString } from "../../lib/iso-time.js";
import { normalizeName } from "../../lib/names.js";
import { MAX_PAGE_SIZE } from "../../lib/pagination.js";
import { named } from "./named.js";

/** A Date in the service layer, an ISO 8601 string on the wire (and in the OpenAPI document). */
export const timestamp = z.codec(z.iso.datetime({ offset: true }), z.date(), {
  decode: (text) => new Date(text),
  encode: toIsoString,
});

/**
 * A resource's name (department, role, knowledge base, agent, persona, namespace, API key, …), stored
 * normalised (lib/names.ts) so names differing only by invisible or look-alike spaces are one name.
 */
export const resourceName = z
  .string()
  .max(2000)
  .overwrite(normalizeName)
  .min(1, "must contain a visible character")
  .max(200);

export const idParams = z.object({ id: z.uuid({ message: "must be a UUID" }) });

export const pageQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20),
});

export const cursorQuery = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
    totalPages: z.number().int(),
  });
}

export function cursorPageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export const errorBody = named(
  z.object({
    error: z.object({
      code: z.enum(Object.keys(errorCodes) as [keyof typeof errorCodes, ...(keyof typeof errorCodes)[]]),
      message: z.string(),
      requestId: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  }),
  "ErrorEnvelope",
);

/** The error envelope of the OpenAI-compatible routes (/v1): OpenAI's error `type` added. */
export const openaiErrorBody = named(
  z.object({ error: errorBody.shape.error.extend({ type: z.string() }) }),
  "OpenAIErrorEnvelope",
);

/** The error responses every authenticated route can give, for the OpenAPI document. */
export const authErrors = {
  400: errorBody,
  401: errorBody,
  403: errorBody,
  404: errorBody,
  409: errorBody,
  412: errorBody,
  429: errorBody,
} as const;

export const ok = named(z.object({ ok: z.literal(true) }), "Ok");

/** Limits for free-form JSON a client may store (settings, metadata): kept small and shallow. */
export const MAX_JSON_BYTES = 32_768;
export const MAX_JSON_DEPTH = 8;

function depthOf(value: unknown, depth = 0): number {
  if (depth > MAX_JSON_DEPTH) return depth;
  if (value === null || typeof value !== "object") return depth;
  let deepest = depth + 1;
  for (const child of Object.values(value)) deepest = Math.max(deepest, depthOf(child, depth + 1));
  return deepest;
}

/** A JSON object stored as-is, bounded in size and nesting so no client can make the database choke. */
export const jsonObjectInput = z
  .record(z.string().max(200), z.unknown())
  .refine((v) => depthOf(v) <= MAX_JSON_DEPTH, `nested at most ${MAX_JSON_DEPTH} levels deep`)
  .refine((v) => JSON.stringify(v).length <= MAX_JSON_BYTES, `at most ${MAX_JSON_BYTES} bytes of JSON`);
