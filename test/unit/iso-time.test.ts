import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toIsoString } from "../../src/lib/iso-time.js";

describe("toIsoString", () => {
  it("writes what Date.prototype.toISOString writes, across 1970–9999", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (ms) => {
        const date = new Date(ms);
        expect(toIsoString(date)).toBe(date.toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it.each([
    "1970-01-01T00:00:00.000Z",
    "1999-12-31T23:59:59.999Z",
    "2000-02-29T12:00:00.007Z",
    "2024-02-29T00:00:00.070Z",
    "2100-03-01T00:00:00.000Z",
    "2026-12-04T02:05:28.852Z",
    "9999-12-31T23:59:59.999Z",
  ])("round-trips %s", (text) => {
    expect(toIsoString(new Date(text))).toBe(text);
  });

  it("defers to V8 outside the fast range: before 1970 and past year 9999", () => {
    for (const date of [new Date(-1), new Date("1969-07-20T20:17:40.000Z"), new Date(253_402_300_800_000)]) {
      expect(toIsoString(date)).toBe(date.toISOString());
    }
  });

  it("throws for an invalid date, as toISOString does", () => {
    expect(() => toIsoString(new Date(Number.NaN))).toThrow(RangeError);
  });
});
