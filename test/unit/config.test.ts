import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/env.js";

describe("loadConfig", () => {
  it("defaults to the embedded database, memory cache and auto-migrate", () => {
    const config = loadConfig({});
    expect(config.database.kind).toBe("pglite");
    expect(config.http.port).toBe(3000);
    expect(config.redisUrl).toBeUndefined();
    expect(config.autoMigrate).toBe(true);
    expect(config.seedDemo).toBe(true);
  });

  it("uses server PostgreSQL and the same URL for analytics when DATABASE_URL is set", () => {
    const config = loadConfig({
      DATABASE_URL: "postgres://u:p@db:5432/atrium",
      REDIS_URL: "redis://cache:6379",
    });
    expect(config.database).toMatchObject({ kind: "postgres", url: "postgres://u:p@db:5432/atrium" });
    expect(config.analytics.url).toBe("postgres://u:p@db:5432/atrium");
    expect(config.analytics.statementTimeoutMs).toBe(30_000);
    expect(config.autoMigrate).toBe(false);
    expect(config.seedDemo).toBe(false);
    expect(config.redisUrl).toBe("redis://cache:6379");
  });

  it("lists every bad variable at once and never echoes their values", () => {
    let error: unknown;
    try {
      loadConfig({ PORT: "eighty", DATABASE_URL: "mysql://root:hunter2@db/x", LOG_LEVEL: "loud" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual(["DATABASE_URL", "LOG_LEVEL", "PORT"]);
    expect(message).not.toContain("hunter2");
  });

  it("treats empty strings as unset", () => {
    expect(loadConfig({ DATABASE_URL: "", PORT: "" }).database.kind).toBe("pglite");
  });
});
