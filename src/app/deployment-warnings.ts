import type { Config } from "../config/env.js";

export interface DeploymentWarning {
  code: string;
  message: string;
}

/**
 * What a platform team should know about how this process is configured, logged once when it starts
 * serving. The embedded database is one process by construction, so only server deployments warn.
 */
export function deploymentWarnings(config: Config, cacheKind: "redis" | "memory"): DeploymentWarning[] {
  const warnings: DeploymentWarning[] = [];
  if (config.database.kind === "postgres" && cacheKind === "memory") {
    warnings.push({
      code: "CACHE_PER_PROCESS",
      message:
        `REDIS_URL is not set, so each process caches on its own: with more than one replica, a ` +
        `revoked token, a role change or a deactivation reaches the other replicas only when their ` +
        `cached copy expires (CACHE_TTL_SECONDS=${config.cache.ttlSeconds}), and a chat stream resumes ` +
        `only on the replica running its turn. Set REDIS_URL when running ` +
        `more than one Atrium process.`,
    });
  }
  return warnings;
}
