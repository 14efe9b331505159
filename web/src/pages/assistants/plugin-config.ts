type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The value at a dotted path of a plugin's config (undefined when absent). */
export function valueAt(config: Json, path: string): unknown {
  let current: unknown = config;
  for (const key of path.split(".")) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

/**
 * Whether a credential is set: the API shows stored credentials as "[set]" and never their value. A
 * `*` path (any key, e.g. webhook headers) is set when its parent holds any key.
 */
export function credentialIsSet(config: Json, path: string): boolean {
  if (path.endsWith(".*")) {
    const parent = valueAt(config, path.slice(0, -2));
    return isObject(parent) && Object.keys(parent).length > 0;
  }
  return valueAt(config, path) !== undefined;
}

/** A copy of the config with `value` at the dotted path (stored credentials stay "[set]": kept). */
export function withValue(config: Json, path: string, value: string): Json {
  const copy = structuredClone(config);
  const keys = path.split(".");
  let current = copy;
  for (const key of keys.slice(0, -1)) {
    if (!isObject(current[key])) current[key] = {};
    current = current[key] as Json;
  }
  current[keys[keys.length - 1]!] = value;
  return copy;
}
