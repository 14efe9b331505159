import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../../config/env.js";
import { ConfigError } from "../../config/env.js";
import type { Logger } from "../../lib/logger.js";

/**
 * The HMAC key for access tokens. Embedded mode keeps a generated key in the data folder so tokens
 * survive restarts with zero configuration; server mode in production must be given AUTH_SECRET so
 * every replica agrees.
 */
export function resolveAuthSecret(config: Config, logger: Logger): string {
  if (config.auth.secret) return config.auth.secret;
  if (config.database.kind === "pglite") {
    const file = join(config.dataDir, "auth-secret");
    if (existsSync(file)) return readFileSync(file, "utf8").trim();
    mkdirSync(config.dataDir, { recursive: true });
    const secret = randomBytes(48).toString("base64url");
    writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
  if (config.nodeEnv === "production") {
    throw new ConfigError(["AUTH_SECRET: required in production with DATABASE_URL (at least 32 characters)"]);
  }
  logger.warn("AUTH_SECRET is not set: using a random key, so tokens end when this process stops");
  return randomBytes(48).toString("base64url");
}
