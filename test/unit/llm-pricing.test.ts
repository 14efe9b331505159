import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/env.js";
import { createChatModelProvider } from "../../src/providers/llm/index.js";
import { costOf, DEFAULT_PRICES, priceOf, priceTable } from "../../src/providers/llm/pricing.js";

const usage = { promptTokens: 2_000_000, completionTokens: 1_000_000 };

describe("model prices", () => {
  it("prices listed models per million tokens", () => {
    const table = priceTable();
    expect(costOf(priceOf(table, "gpt-4o-mini"), usage)).toBeCloseTo(2 * 0.15 + 0.6, 10);
    expect(costOf(priceOf(table, "gpt-4o"), usage)).toBeCloseTo(2 * 2.5 + 10, 10);
  });

  it("matches dated snapshots and router prefixes to the longest listed name", () => {
    const table = priceTable();
    expect(priceOf(table, "gpt-4o-mini-2024-07-18")).toEqual(DEFAULT_PRICES["gpt-4o-mini"]);
    expect(priceOf(table, "gpt-4o-2024-08-06")).toEqual(DEFAULT_PRICES["gpt-4o"]);
    expect(priceOf(table, "openai/gpt-4.1-mini")).toEqual(DEFAULT_PRICES["gpt-4.1-mini"]);
    // A name that merely starts with the same letters is not the same model.
    expect(priceOf(table, "gpt-4omni")).toBeUndefined();
  });

  it("costs nothing for unlisted and extractive models", () => {
    const provider = createChatModelProvider(loadConfig({}).llm);
    expect(provider.costUsd({ provider: "openai", model: "llama3.1:8b" }, usage)).toBe(0);
    expect(provider.costUsd({ provider: "extractive", model: "extractive" }, usage)).toBe(0);
  });

  it("takes overrides and additions from LLM_PRICES", () => {
    const config = loadConfig({
      LLM_PRICES: JSON.stringify({
        "gpt-4o-mini": { input: 1, output: 2 },
        "llama3.1:8b": { input: 0.01, output: 0.02 },
      }),
    });
    const provider = createChatModelProvider(config.llm);
    expect(provider.costUsd({ provider: "openai", model: "gpt-4o-mini" }, usage)).toBeCloseTo(4, 10);
    expect(provider.costUsd({ provider: "openai", model: "llama3.1:8b" }, usage)).toBeCloseTo(0.04, 10);
    expect(provider.costUsd({ provider: "openai", model: "gpt-4o" }, usage)).toBeCloseTo(15, 10);
  });

  it("rejects a malformed LLM_PRICES without quoting it", () => {
    for (const value of ["{not json sk-secret", JSON.stringify({ "gpt-4o": { input: "sk-secret" } })]) {
      let error: unknown;
      try {
        loadConfig({ LLM_PRICES: value });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.join("\n")).toMatch(/^LLM_PRICES/);
      expect((error as ConfigError).message).not.toContain("sk-secret");
    }
  });
});
