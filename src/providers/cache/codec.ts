/** JSON that keeps Dates as Dates, so a cached row reads back exactly as the database returned it. */
export function encodeCacheValue(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key];
    return raw instanceof Date ? { $date: raw.toISOString() } : v;
  });
}

export function decodeCacheValue<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === "object" && "$date" in v && Object.keys(v).length === 1) {
      return new Date((v as { $date: string }).$date);
    }
    return v;
  }) as T;
}
