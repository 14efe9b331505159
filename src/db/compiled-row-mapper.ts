import { Column, is, SQL } from "drizzle-orm";

/** A selected field as Drizzle's prepared query holds it: where it goes, and what decodes it. */
interface SelectedField {
  path: string[];
  field: unknown;
}

interface Decoder {
  mapFromDriverValue(value: unknown): unknown;
}

/** The parts of Drizzle's prepared query (node-postgres and PGlite alike) the mapper replaces. */
interface MappablePreparedQuery {
  fields?: SelectedField[];
  joinsNotNullableMap?: Record<string, boolean>;
  customResultMapper?: (rows: unknown[][]) => unknown;
}

const identity = Column.prototype.mapFromDriverValue;

function decoderOf(field: unknown): Decoder | undefined {
  if (is(field, Column)) return field;
  // `decoder` is internal to Drizzle's SQL (set by `.mapWith()`); absent, the field stays generic.
  if (is(field, SQL)) return (field as unknown as { decoder?: Decoder }).decoder;
  if (is(field, SQL.Aliased)) return (field.sql as unknown as { decoder?: Decoder }).decoder;
  return undefined;
}

/**
 * A row mapper compiled once for a prepared statement's selection, doing what Drizzle's own
 * `mapResultRow` does per cell (find the field's decoder, walk its path) only once: on a list route
 * Drizzle's generic mapping was a fifth of the server's CPU. Statements with optional joins (whose
 * null-table rule needs the generic path) or fields it does not recognise keep Drizzle's mapping. Returns whether
 * the compiled mapper is in place.
 */
export function compileRowMapper(prepared: object): boolean {
  const query = prepared as MappablePreparedQuery;
  const fields = query.fields;
  if (!Array.isArray(fields) || query.customResultMapper) return false;
  // A table that may be missing (a left join) nulls its whole object: Drizzle's generic path does that.
  if (Object.values(query.joinsNotNullableMap ?? {}).some((notNull) => !notNull)) return false;
  const plan: { path: string[]; decode: ((value: unknown) => unknown) | undefined }[] = [];
  for (const { path, field } of fields) {
    const decoder = decoderOf(field);
    if (!decoder || !Array.isArray(path) || path.length === 0 || path.length > 2) return false;
    plan.push({
      path,
      decode: decoder.mapFromDriverValue === identity ? undefined : (v) => decoder.mapFromDriverValue(v),
    });
  }
  query.customResultMapper = (rows) =>
    rows.map((row) => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < plan.length; i++) {
        const { path, decode } = plan[i]!;
        const raw = row[i];
        const value = raw === null ? null : decode ? decode(raw) : raw;
        if (path.length === 1) out[path[0]!] = value;
        else {
          const key = path[0]!;
          const nested = (out[key] ?? {}) as Record<string, unknown>;
          nested[path[1]!] = value;
          out[key] = nested;
        }
      }
      return out;
    });
  return true;
}
