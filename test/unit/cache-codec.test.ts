import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeCacheValue, encodeCacheValue } from "../../src/providers/cache/codec.js";
import { MemoryCache } from "../../src/providers/cache/memory-cache.js";

const roundTrip = <T>(value: T): T => decodeCacheValue<T>(encodeCacheValue(value));

describe("cache codec", () => {
  it("keeps Dates as Dates with millisecond precision", () => {
    const at = new Date("2024-02-29T23:59:59.999Z");
    const back = roundTrip(at);
    expect(back).toBeInstanceOf(Date);
    expect(back.getTime()).toBe(at.getTime());
  });

  it("restores Dates nested in objects and arrays, like a cached row or a list of rows", () => {
    const row = {
      id: "1",
      createdAt: new Date(0),
      nested: { at: new Date(1_700_000_000_123), list: [new Date(5), { deeper: new Date(6) }] },
      tags: ["a", "b"],
      count: 3,
      flag: false,
      none: null,
    };
    const back = roundTrip([row, row]);
    expect(back).toEqual([row, row]);
    expect(back[0]!.createdAt).toBeInstanceOf(Date);
    expect(back[1]!.nested.list[0]).toBeInstanceOf(Date);
    expect((back[0]!.nested.list[1] as { deeper: Date }).deeper).toBeInstanceOf(Date);
  });

  it("leaves date-like strings and objects that merely contain $date alone", () => {
    const value = {
      iso: "2024-01-01T00:00:00.000Z",
      marker: { $date: "2024-01-01T00:00:00.000Z", extra: 1 },
    };
    const back = roundTrip(value);
    expect(back).toEqual(value);
    expect(typeof back.iso).toBe("string");
  });

  it("round-trips JSON values and dates (property)", () => {
    const date = fc.date({ min: new Date(-8.64e15 + 1), max: new Date(8.64e15 - 1), noInvalidDate: true });
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        fc.string(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        date,
        fc.array(tie("node"), { maxLength: 4 }),
        fc.dictionary(
          fc.string().filter((k) => k !== "$date" && k !== "__proto__"),
          tie("node"),
          { maxKeys: 4 },
        ),
      ),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        expect(roundTrip(v)).toEqual(v);
      }),
    );
  });
});

describe("MemoryCache", () => {
  it("stores a frozen copy, so neither the writer nor a reader can change what is cached", async () => {
    const cache = new MemoryCache(10);
    const row = { id: "1", at: new Date(10), list: [1] };
    await cache.set("k", row, 60);
    row.list.push(2);
    const first = await cache.get<typeof row>("k");
    expect(first).toEqual({ id: "1", at: new Date(10), list: [1] });
    expect(() => first!.list.push(3)).toThrow(TypeError);
    expect(() => {
      (first as { id: string }).id = "2";
    }).toThrow(TypeError);
    expect(await cache.get<typeof row>("k")).toEqual({ id: "1", at: new Date(10), list: [1] });
  });

  it("deletes several keys at once and evicts beyond its size", async () => {
    const cache = new MemoryCache(10);
    await cache.set("a", 1, 60);
    await cache.set("b", 2, 60);
    await cache.set("c", 3, 60);
    await cache.delete("a", "b", "missing");
    expect([await cache.get("a"), await cache.get("b"), await cache.get("c")]).toEqual([
      undefined,
      undefined,
      3,
    ]);
    for (let i = 0; i < 20; i++) await cache.set(`k${i}`, i, 60);
    expect(await cache.get("c")).toBeUndefined();
    expect(await cache.get("k19")).toBe(19);
  });
});
