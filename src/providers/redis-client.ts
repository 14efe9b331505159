import { Redis } from "ioredis";

/**
 * A Redis connection as Atrium's providers use it: short timeouts, reconnecting in the background,
 * and errors reported per command to the caller (the connection's own error events are not). With
 * `queueWhileConnecting` commands wait for a connection instead of failing at once.
 */
export function connectRedis(url: string, options: { queueWhileConnecting: boolean }): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: options.queueWhileConnecting,
    connectTimeout: 2_000,
    commandTimeout: 1_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  redis.on("error", () => {});
  return redis;
}
