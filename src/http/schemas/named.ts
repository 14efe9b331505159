import type { ZodType } from "zod";

const componentNames = new WeakMap<ZodType, string>();

/**
 * Names a schema's component in the OpenAPI document (`#/components/schemas/<name>`; a request
 * body's is `<name>Input`). Unnamed bodies get a name from their operation (src/http/openapi.ts).
 */
export function named<T extends ZodType>(schema: T, name: string): T {
  componentNames.set(schema, name);
  return schema;
}

export function componentNameOf(schema: ZodType): string | undefined {
  return componentNames.get(schema);
}
