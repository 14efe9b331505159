/**
 * Small shared counters with expiry (sign-in failures, account locks). With REDIS_URL every replica
 * sees the same counters; without it they live in the process. Each operation is atomic on its own.
 */
export interface CounterStore {
  readonly kind: "redis" | "memory";
  /** Adds one and returns the new value; a counter that did not exist expires `ttlMs` from now. */
  increment(key: string, ttlMs: number): Promise<number>;
  /** Sets a value that expires `ttlMs` from now. */
  set(key: string, value: number, ttlMs: number): Promise<void>;
  /** Milliseconds until the key expires; 0 when it does not exist. */
  remainingMs(key: string): Promise<number>;
  delete(...keys: string[]): Promise<void>;
  close(): Promise<void>;
}
