import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_PERMISSIONS } from "../../src/core/permissions.js";
import { buildApp, type RouteEntry } from "../../src/http/app.js";
import { createTestContainer, destroyTestContainer } from "../setup/container.js";
import { keyOf, matrixRoutes } from "../setup/matrix-coverage.js";
import {
  type ExampleContext,
  exampleBodyFor,
  extraPathParams,
  fixtureFor,
} from "../setup/resource-fixtures.js";
import { buildWorld, type IsolationWorld, marker } from "../setup/world.js";

/**
 * Mass assignment: fields a route does not declare, slipped into the body of every create and change
 * route — an owner, an organisation, a department, a role, permissions, an id — pointing at another
 * organisation. Each route must ignore or refuse them. Proof: after every attack, no value of the other
 * organisation (nor the forged id) appears in any more rows of any table than before, and a caller
 * who tried to raise their own access has exactly the access they had.
 */

const context = await createTestContainer({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "100000" } });
const app = await buildApp(context.container);
await app.ready();
const db = context.container.database.db;

let world: IsolationWorld;
const forgedId = randomUUID();

beforeAll(async () => {
  world = await buildWorld(context.container);
}, 60_000);
afterAll(async () => {
  await app.close();
  await destroyTestContainer(context);
});

/** Another tenant's values, and a forged id, planted under names a careless handler would copy. */
function poison(w: IsolationWorld): Record<string, unknown> {
  const b = w.orgB;
  return {
    id: forgedId,
    orgId: b.org.id,
    org_id: b.org.id,
    organizationId: b.org.id,
    departmentId: b.department.id,
    department_id: b.department.id,
    userId: b.admin.id,
    ownerId: b.admin.id,
    createdById: b.admin.id,
    created_by_id: b.admin.id,
    createdBy: b.admin.id,
    uploadedById: b.admin.id,
    invitedById: b.admin.id,
    roleId: b.roles.admin.id,
    role: "admin",
    permissions: ALL_PERMISSIONS,
    extraPermissions: ALL_PERMISSIONS,
    allDepartments: true,
    departmentIds: [b.department.id],
    extraDepartmentIds: [b.department.id],
    isActive: true,
    tokenVersion: 0,
    passwordHash: "$argon2id$forged",
    keyHash: "forged",
    currentVersionId: forgedId,
    knowledgeBaseId: forgedId,
  };
}

const uuidOf = (value: unknown): value is string =>
  typeof value === "string" && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value);

/** Every property name a JSON-schema body may carry (unions and intersections included). */
function declaredProperties(schema: unknown, into = new Set<string>()): Set<string> {
  if (!schema || typeof schema !== "object") return into;
  const ref = (schema as { $ref?: unknown }).$ref;
  // Bodies are named components (ADR 0009): follow "#/components/schemas/<Name>".
  if (typeof ref === "string")
    return declaredProperties(spec.components?.schemas?.[ref.split("/").at(-1)!], into);
  const s = schema as Record<string, unknown>;
  for (const key of Object.keys((s.properties as object | undefined) ?? {})) into.add(key);
  for (const branch of ["anyOf", "oneOf", "allOf"]) {
    for (const sub of (s[branch] as unknown[] | undefined) ?? []) declaredProperties(sub, into);
  }
  return into;
}

const spec = app.swagger() as unknown as {
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: unknown }> } }>>;
  components?: { schemas?: Record<string, unknown> };
};
function bodyFields(route: RouteEntry): Set<string> {
  const operation = spec.paths[route.url.replace(/:(\w+)/g, "{$1}")]?.[route.method.toLowerCase()];
  return declaredProperties(operation?.requestBody?.content?.["application/json"]?.schema);
}

const rowsOf = <T>(result: unknown): T[] =>
  (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];

/** How many rows of each table hold each planted value, in any uuid, uuid[], text or jsonb column. */
async function occurrences(values: string[]): Promise<Map<string, number>> {
  const columns = rowsOf<{ table_name: string; column_name: string; udt_name: string }>(
    await db.execute(sql`
      SELECT c.table_name, c.column_name, c.udt_name FROM information_schema.columns c
      JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
        AND c.udt_name IN ('uuid', '_uuid', 'text', 'varchar', 'jsonb')`),
  );
  const list = `ARRAY[${values.map((v) => `'${v}'`).join(",")}]::text[]`;
  const counts = new Map<string, number>();
  const parts = columns.map(({ table_name: table, column_name: column, udt_name: type }) => {
    const col = `"${table}"."${column}"`;
    const where =
      type === "_uuid"
        ? `EXISTS (SELECT 1 FROM unnest(${col}) v WHERE v::text = ANY(${list}))`
        : type === "jsonb" || type === "text" || type === "varchar"
          ? `${col}::text LIKE ANY (SELECT '%' || v || '%' FROM unnest(${list}) v)`
          : `${col}::text = ANY(${list})`;
    return `SELECT '${table}.${column}' AS at, count(*)::int AS n FROM "${table}" WHERE ${where}`;
  });
  for (let i = 0; i < parts.length; i += 50) {
    const rows = rowsOf<{ at: string; n: number }>(
      await db.execute(sql.raw(parts.slice(i, i + 50).join(" UNION ALL "))),
    );
    for (const row of rows) if (Number(row.n) > 0) counts.set(row.at, Number(row.n));
  }
  return counts;
}

const bodyRoutes = () =>
  matrixRoutes(app.routeTable).filter((r) => r.hasBody && ["POST", "PATCH", "PUT"].includes(r.method));

function urlFor(route: RouteEntry, ctx: ExampleContext): string {
  const extra = Object.hasOwn(extraPathParams, keyOf(route)) ? extraPathParams[keyOf(route)]!(ctx) : {};
  return route.url.replace(/:(\w+)/g, (_, name: string) =>
    encodeURIComponent(name === "id" ? ctx.id! : extra[name]!),
  );
}

describe("attack: mass assignment on every create and change route", () => {
  it("finds the body routes and what they declare", () => {
    const keys = bodyRoutes().map(keyOf);
    expect(keys).toContain("POST /departments");
    expect(keys).toContain("PATCH /users/:id");
    expect(bodyFields(bodyRoutes().find((r) => keyOf(r) === "POST /departments")!)).toContain("name");
  });

  it("no route writes another organisation's ids or a forged id, whatever the body carries", async () => {
    const planted = poison(world);
    const watched = [...new Set(Object.values(planted).flat().filter(uuidOf))];
    const before = await occurrences(watched);
    const report: string[] = [];
    for (const route of bodyRoutes()) {
      const key = keyOf(route);
      // A department of its own, so that changing or archiving anything in it harms no other case.
      const name = marker("visible", "mass-assignment");
      const department = await world.repos.departments.create({ orgId: world.orgA.org.id, name, slug: name });
      const scope = { orgId: world.orgA.org.id, departmentId: department.id };
      const ctx: ExampleContext = { world };
      if (route.url.includes(":id"))
        ctx.id = (await fixtureFor(route.config.resource!).create(world, scope, "visible")).id;
      const example = exampleBodyFor(route.method, route.url)!(ctx) as Record<string, unknown>;
      const declared = bodyFields(route);
      const undeclared = Object.fromEntries(
        Object.entries(planted).filter(([field]) => !declared.has(field)),
      );
      const res = await app.inject({
        method: route.method as "POST",
        url: urlFor(route, ctx),
        headers: { authorization: `Bearer ${await world.tokenFor(world.orgA.users.admin)}` },
        payload: { ...undeclared, ...example },
      });
      expect(res.statusCode, `${key}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
      for (const value of watched) {
        if (res.body.includes(value)) report.push(`${key} answered with the planted value ${value}`);
      }
    }
    const after = await occurrences(watched);
    for (const [at, n] of after) {
      if (n > (before.get(at) ?? 0))
        report.push(`${at}: ${n - (before.get(at) ?? 0)} more row(s) hold a planted value`);
    }
    expect(report).toEqual([]);
  });

  it("an employee cannot raise their own role, permissions or reach through their own routes", async () => {
    const employee = world.orgA.users.employeeD1;
    const token = await world.tokenFor(employee);
    const me = async () =>
      (
        await app.inject({ method: "GET", url: "/auth/me", headers: { authorization: `Bearer ${token}` } })
      ).json();
    const before = await me();
    const escalation = {
      ...poison(world),
      role: "admin",
      roleId: world.orgA.roles.admin.id,
      departmentId: world.orgA.d2.id,
      extraDepartmentIds: [world.orgA.d2.id],
      departmentIds: [world.orgA.d2.id],
      revokedPermissions: [],
      orgId: world.orgA.org.id,
    };
    const attempts: Array<[string, string, Record<string, unknown>]> = [
      ["PATCH", "/users/me", { ...escalation, phone: "+1 555 0199" }],
      ["PATCH", `/users/${employee.id}`, { ...escalation }],
      ["POST", `/users/${employee.id}/transfer`, { departmentId: world.orgA.d2.id }],
      ["POST", "/api-keys", { name: "mine", permissions: ["org:admin"], allDepartments: true }],
      ["POST", "/roles", { name: "Mine", slug: "mine", permissions: ALL_PERMISSIONS, allDepartments: true }],
    ];
    for (const [method, url, payload] of attempts) {
      const res = await app.inject({
        method: method as "POST",
        url,
        headers: { authorization: `Bearer ${token}` },
        payload,
      });
      expect(res.statusCode, `${method} ${url}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
      if (url !== "/users/me") expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
    const after = await me();
    expect(after).toEqual(before);
    expect(after.permissions).not.toContain("org:admin");
    expect(after.departmentIds).toEqual([world.orgA.d1.id]);
  });
});
