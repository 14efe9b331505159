import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { compileResponseEncoder } from "../../src/http/response-encoder.js";
import { pageOf, timestamp } from "../../src/http/schemas/common.js";

/** What fastify-type-provider-zod sent before: zod's encoding, then JSON.stringify. */
const viaZod = (schema: z.ZodType, value: unknown) => JSON.stringify(z.encode(schema, value as never));

const department = z.object({
  id: z.uuid(),
  name: z.string(),
  color: z.string().nullable(),
  settings: z.record(z.string(), z.unknown()),
  isArchived: z.boolean(),
  archivedAt: timestamp.nullable(),
  createdAt: timestamp,
  note: z.string().optional(),
});

const event = z.discriminatedUnion("type", [
  z.object({ type: z.literal("token"), text: z.string() }),
  z.object({ type: z.literal("done"), at: timestamp, count: z.number().int() }),
]);

interface Tree {
  name: string;
  children: Tree[];
}
const tree: z.ZodType<Tree> = z.object({ name: z.string(), children: z.array(z.lazy(() => tree)) });

// The wire format is a four-digit ISO year: zod refuses the rest, so do our services.
const wireDate = fc.date({
  min: new Date("0000-01-01T00:00:00.000Z"),
  max: new Date("9999-12-31T23:59:59.999Z"),
  noInvalidDate: true, // an invalid Date is refused by both, tested on its own below
});

const departmentValue = fc.record({
  id: fc.uuid(),
  name: fc.string(),
  color: fc.option(fc.string(), { nil: null }),
  settings: fc.dictionary(fc.string(), fc.jsonValue()),
  isArchived: fc.boolean(),
  archivedAt: fc.option(wireDate, { nil: null }),
  createdAt: wireDate,
  note: fc.option(fc.string(), { nil: undefined }),
  orgId: fc.uuid(), // not in the schema: dropped, as zod drops it
});

describe("compiled response encoder", () => {
  it("writes exactly what zod's encoding writes, for pages of rows", () => {
    const schema = pageOf(department);
    const encode = compileResponseEncoder(schema, "GET", "/departments");
    fc.assert(
      fc.property(fc.array(departmentValue, { maxLength: 5 }), fc.nat(), (items, total) => {
        const page = { items, page: 1, pageSize: 20, total, totalPages: Math.ceil(total / 20), extra: 1 };
        expect(encode(page)).toBe(viaZod(schema, page));
      }),
      { numRuns: 300 },
    );
  });

  it('leaves a "__proto__" key out of a record, as zod does', () => {
    const schema = z.object({ settings: z.record(z.string(), z.unknown()) });
    const encode = compileResponseEncoder(schema, "GET", "/x");
    const settings = JSON.parse('{"__proto__":{"admin":true},"theme":"dark"}');
    expect(encode({ settings })).toBe(viaZod(schema, { settings }));
    expect(encode({ settings })).toBe('{"settings":{"theme":"dark"}}');
  });

  it("drops undeclared keys and turns Dates into ISO strings", () => {
    const encode = compileResponseEncoder(department, "GET", "/x");
    const createdAt = new Date("2026-12-04T02:05:28.852Z");
    const out = JSON.parse(
      encode({
        id: "0190a0a0-0000-7000-8000-000000000000",
        name: "HR",
        color: null,
        settings: { nested: { a: [1, 2] } },
        isArchived: false,
        archivedAt: null,
        createdAt,
        passwordHash: "secret",
      }),
    );
    expect(out).toEqual({
      id: "0190a0a0-0000-7000-8000-000000000000",
      name: "HR",
      color: null,
      settings: { nested: { a: [1, 2] } },
      isArchived: false,
      archivedAt: null,
      createdAt: "2026-12-04T02:05:28.852Z",
    });
    expect(out).not.toHaveProperty("passwordHash");
  });

  it("picks the union member that fits, and follows lazy (recursive) schemas", () => {
    const encodeEvent = compileResponseEncoder(event, "GET", "/e");
    const done = { type: "done", at: new Date(0), count: 3 };
    expect(encodeEvent(done)).toBe(viaZod(event, done));
    expect(encodeEvent({ type: "token", text: "hi", at: 1 })).toBe('{"type":"token","text":"hi"}');
    const encodeTree = compileResponseEncoder(tree, "GET", "/t");
    const value = { name: "a", children: [{ name: "b", children: [], x: 1 }] };
    expect(encodeTree(value)).toBe(viaZod(tree, value));
  });

  it("hands schemas it does not compile (defaults, strict objects) to zod", () => {
    const schema = z.object({ a: z.string().default("x"), b: z.strictObject({ c: z.number() }) });
    const encode = compileResponseEncoder(schema, "GET", "/d");
    expect(encode({ a: "y", b: { c: 1 } })).toBe(viaZod(schema, { a: "y", b: { c: 1 } }));
    expect(() => encode({ a: "y", b: { c: 1, d: 2 } })).toThrow(/response/i);
  });

  it.each([
    ["a missing required field", { id: "0190a0a0-0000-7000-8000-000000000000", name: "HR" }],
    ["a string where a Date belongs", { ...validDepartment(), createdAt: "2026-12-04T02:05:28.852Z" }],
    ["an invalid Date", { ...validDepartment(), createdAt: new Date(Number.NaN) }],
    ["a number where a boolean belongs", { ...validDepartment(), isArchived: 0 }],
    ["NaN for a number", { type: "done", at: new Date(0), count: Number.NaN }],
  ])("refuses %s with fastify's response serialisation error", (_what, value) => {
    const schema = "type" in value ? event : department;
    const encode = compileResponseEncoder(schema, "GET", "/r");
    expect(() => encode(value)).toThrow(expect.objectContaining({ code: "FST_ERR_RESPONSE_SERIALIZATION" }));
  });
});

function validDepartment() {
  return {
    id: "0190a0a0-0000-7000-8000-000000000000",
    name: "HR",
    color: null,
    settings: {},
    isArchived: false,
    archivedAt: null,
    createdAt: new Date(0),
  };
}
