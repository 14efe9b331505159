import { describe, expect, it } from "vitest";
import { decryptSecret, deriveKey, encryptSecret } from "../../src/lib/encryption.js";
import { AppError } from "../../src/lib/errors.js";
import { describeTime } from "../../src/services/tools/builtins/current-datetime.js";
import { fillUrlTemplate } from "../../src/services/tools/http-tool.js";
import { assertValidInputSchema, validateToolInput } from "../../src/services/tools/input-validation.js";
import { mcpToolName, TOOL_NAME_PATTERN } from "../../src/services/tools/tool-names.js";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? error.code : "not an AppError";
  }
  return undefined;
}

describe("secret encryption", () => {
  const key = deriveKey("an-app-secret-that-is-long-enough-0123", "tool-secrets");

  it("round-trips, uses a fresh IV each time and refuses a tampered or foreign ciphertext", () => {
    const a = encryptSecret(key, "p@ss wörd");
    const b = encryptSecret(key, "p@ss wörd");
    expect(a).not.toBe(b);
    expect(a).not.toContain("p@ss");
    expect(decryptSecret(key, a)).toBe("p@ss wörd");
    const [v, iv, tag, body] = a.split(".");
    const bytes = Buffer.from(body!, "base64url");
    bytes[0] = bytes[0]! ^ 0xff;
    const flipped = `${v}.${iv}.${tag}.${bytes.toString("base64url")}`;
    expect(codeOf(() => decryptSecret(key, flipped))).toBe("INTERNAL");
    const otherPurpose = deriveKey("an-app-secret-that-is-long-enough-0123", "pii");
    expect(codeOf(() => decryptSecret(otherPurpose, a))).toBe("INTERNAL");
    expect(codeOf(() => decryptSecret(key, "garbage"))).toBe("INTERNAL");
  });
});

describe("tool input validation", () => {
  const schema = {
    type: "object",
    properties: { id: { type: "string", minLength: 2 }, n: { type: "integer" } },
    required: ["id"],
    additionalProperties: false,
  };

  it("accepts valid input and lists every problem of invalid input", () => {
    expect(validateToolInput(schema, { id: "ab", n: 3 })).toEqual({ id: "ab", n: 3 });
    try {
      validateToolInput(schema, { n: "x", extra: true });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      const e = error as AppError;
      expect(e.code).toBe("VALIDATION");
      expect(e.message).toContain('must have property "id"');
      expect(e.message).toContain("/n must be integer");
      expect(e.message).toContain('must not have property "extra"');
      expect(e.details?.problems).toHaveLength(3);
    }
  });

  it("checks schemas: Ajv's message for broken ones, objects only, other drafts' $schema tolerated", () => {
    expect(
      codeOf(() => assertValidInputSchema({ type: "object", properties: { a: { type: "nope" } } })),
    ).toBe("VALIDATION");
    expect(codeOf(() => assertValidInputSchema({ type: "array" }))).toBe("VALIDATION");
    expect(
      codeOf(() =>
        assertValidInputSchema({ $schema: "http://json-schema.org/draft-07/schema#", type: "object" }),
      ),
    ).toBeUndefined();
  });
});

describe("tool names and URL templates", () => {
  it("follows the function-name rules, also for MCP tool names", () => {
    expect(TOOL_NAME_PATTERN.test("lookup_item-2")).toBe(true);
    expect(TOOL_NAME_PATTERN.test("has space")).toBe(false);
    expect(mcpToolName("helpdesk", "tickets.find/by id")).toBe("helpdesk__tickets_find_by_id");
    expect(TOOL_NAME_PATTERN.test(mcpToolName("a".repeat(60), "b".repeat(60)))).toBe(true);
  });

  it("fills placeholders URL-encoded and refuses missing or structured values", () => {
    const { url, used } = fillUrlTemplate("https://api.test/items/{{id}}?q={{ q }}", {
      id: "a/b c",
      q: "x&y",
    });
    expect(url.href).toBe("https://api.test/items/a%2Fb%20c?q=x%26y");
    expect([...used]).toEqual(["id", "q"]);
    expect(codeOf(() => fillUrlTemplate("https://api.test/{{id}}", {}))).toBe("VALIDATION");
    expect(codeOf(() => fillUrlTemplate("https://api.test/{{id}}", { id: { a: 1 } }))).toBe("VALIDATION");
  });

  it("describes a moment in a time zone with its offset and weekday", () => {
    const moment = new Date("2024-03-10T23:30:00Z");
    expect(describeTime(moment, "Asia/Tokyo")).toMatchObject({
      iso: "2024-03-11T08:30:00+09:00",
      weekday: "Monday",
    });
    expect(describeTime(moment, "UTC")).toMatchObject({
      iso: "2024-03-10T23:30:00+00:00",
      weekday: "Sunday",
    });
    expect(codeOf(() => describeTime(moment, "Nowhere/Land"))).toBe("VALIDATION");
  });
});
