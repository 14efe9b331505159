/** A key/value cache for JSON-serialisable values. Implementations may fail; callers wrap them in `resilientCache`. */
export interface Cache {
  readonly kind: "redis" | "memory";
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  delete(...keys: string[]): Promise<void>;
  close(): Promise<void>;
}
