import { randomUUID } from "node:crypto";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILT_IN_ROLES, type Permission } from "../../src/core/permissions.js";
import { buildApp, type RouteEntry } from "../../src/http/app.js";
import { errorCodes } from "../../src/lib/errors.js";
import type { UserRow } from "../../src/repositories/user.repository.js";
import { createTestContainer, destroyTestContainer } from "../setup/container.js";
import { coverageProblems, keyOf, matrixRoutes, pathParams } from "../setup/matrix-coverage.js";
import {
  type CreatedResource,
  createHiddenRecords,
  type ExampleContext,
  exampleBodyFor,
  exampleCleanups,
  exampleQueries,
  extraPathParams,
  fixtureFor,
  type ResourceScope,
  resourceFixtures,
} from "../setup/resource-fixtures.js";
import { buildWorld, type IsolationWorld, marker } from "../setup/world.js";

/**
 * The isolation matrix: every authenticated route in `app.routeTable` × every way a request must be
 * refused or filtered. A route registered anywhere in the app is attacked the moment it exists; a
 * route this file cannot attack (unknown resource kind, `:id` without a resource kind, body without an
 * example) fails with a message saying what to add.
 */

const context = await createTestContainer();
const app = await buildApp(context.container);
await app.ready();

let world: IsolationWorld;
/** Identifiers of org A's department D2 and of one resource of every kind inside it. */
let hiddenInD2: string[] = [];
/** Identifiers of organisation B, its department, its admin and one resource of every kind. */
let hiddenInOrgB: string[] = [];

beforeAll(async () => {
  world = await buildWorld(context.container);
  const d2: ResourceScope = { orgId: world.orgA.org.id, departmentId: world.orgA.d2.id };
  const b: ResourceScope = { orgId: world.orgB.org.id, departmentId: world.orgB.department.id };
  for (const fixture of Object.values(resourceFixtures)) {
    // Organisation-wide kinds are visible to every member by design; only department kinds hide.
    if (fixture.visibility === "department") {
      hiddenInD2.push(...(await fixture.create(world, d2, "hidden")).identifiers);
    } else {
      await fixture.create(world, d2, "visible");
    }
    hiddenInOrgB.push(...(await fixture.create(world, b, "hidden")).identifiers);
  }
  hiddenInD2.push(...(await createHiddenRecords(world, d2)));
  hiddenInOrgB.push(...(await createHiddenRecords(world, b)));
  const { org, department, admin } = world.orgB;
  hiddenInOrgB.push(org.id, org.name, department.id, department.name, admin.id, admin.email);
  hiddenInD2 = [...new Set(hiddenInD2)];
  hiddenInOrgB = [...new Set(hiddenInOrgB)];
}, 60_000);

afterAll(async () => {
  await app.close();
  await destroyTestContainer(context);
});

/** Every authenticated route (test/security/route-coverage.test.ts holds the rest to a public list). */
const covered = matrixRoutes(app.routeTable);

type Target = "otherDepartment" | "otherOrg" | "visible";
type Expected = 401 | 403 | 404 | "filtered" | "reachable";
type Headers = Record<string, string>;

interface MatrixCase {
  name: string;
  expected: Expected;
  /** Where the attacked resource lives. */
  target: Target;
  headers: (w: IsolationWorld) => Promise<Headers>;
  /**
   * Built-in roles may lack a permission the service checks before looking the resource up; a 403
   * is then fine as long as it is exactly what a missing id gets (it reveals nothing).
   */
  uniform403?: boolean;
}

const bearer = (token: string): Headers => ({ authorization: `Bearer ${token}` });
const as = (pick: (w: IsolationWorld) => UserRow) => async (w: IsolationWorld) =>
  bearer(await w.tokenFor(pick(w)));
const rolePermissions = (slug: string): readonly Permission[] =>
  BUILT_IN_ROLES.find((r) => r.slug === slug)?.permissions ?? [];

/** How visible the route's `:id` resource is meant to be (unknown kinds fail in runCase). */
function visibilityOf(route: RouteEntry): "department" | "organisation" | undefined {
  const kind = route.config.resource;
  if (!pathParams(route.url).includes("id") || !kind) return undefined;
  return Object.hasOwn(resourceFixtures, kind) ? resourceFixtures[kind]!.visibility : "department";
}

function casesFor(route: RouteEntry): MatrixCase[] {
  const visibility = visibilityOf(route);
  const departmentOutcome: Expected = visibility === "department" ? 404 : "filtered";
  const orgOutcome: Expected = visibility ? 404 : "filtered";
  const permission = route.config.permission;
  const unauthenticated = (name: string, headers: MatrixCase["headers"]): MatrixCase => ({
    name: `${name} → 401`,
    expected: 401,
    target: "otherDepartment",
    headers,
  });
  const cases: MatrixCase[] = [
    unauthenticated("no token", async () => ({})),
    unauthenticated("malformed token", async (w) => bearer(w.badCredentials.malformed)),
    unauthenticated("expired token", async (w) => bearer(w.badCredentials.expired)),
    unauthenticated("token signed with another key", async (w) => bearer(w.badCredentials.forged)),
    unauthenticated("revoked token (old tokenVersion)", async (w) =>
      bearer(w.badCredentials.staleTokenVersion),
    ),
    unauthenticated("deactivated user", async (w) => bearer(w.badCredentials.deactivated)),
    unauthenticated("revoked API key", async (w) => ({ "x-api-key": w.badCredentials.revokedApiKey })),
  ];
  if (permission) {
    cases.push({
      name: `missing permission (${permission}) → 403`,
      expected: 403,
      target: "otherDepartment",
      headers: as((w) => w.orgA.users.noPermissions),
    });
  }
  const isolation = (name: string, target: Target, headers: MatrixCase["headers"]): MatrixCase => {
    const expected = target === "otherOrg" ? orgOutcome : departmentOutcome;
    return { name: `${name} ${expected === 404 ? "→ 404" : "→ no hidden data"}`, expected, target, headers };
  };
  cases.push(
    isolation(
      "another department (every permission, role limited to D1)",
      "otherDepartment",
      as((w) => w.orgA.users.allPermissionsD1),
    ),
    isolation("another department (API key limited to D1)", "otherDepartment", async (w) => ({
      "x-api-key": w.apiKeyD1,
    })),
    isolation(
      "revoked department override (role reaches D1+D2, D2 revoked)",
      "otherDepartment",
      as((w) => w.orgA.users.revokedD2Override),
    ),
    isolation(
      "another organisation (org A admin)",
      "otherOrg",
      as((w) => w.orgA.users.admin),
    ),
  );
  if (!permission || rolePermissions("dept_head").includes(permission)) {
    cases.push({
      ...isolation(
        "another department (D1 dept head)",
        "otherDepartment",
        as((w) => w.orgA.users.deptHeadD1),
      ),
      uniform403: true,
    });
  }
  if (!permission || rolePermissions("employee").includes(permission)) {
    cases.push({
      ...isolation(
        "another department (D1 employee)",
        "otherDepartment",
        as((w) => w.orgA.users.employeeD1),
      ),
      uniform403: true,
    });
  }
  cases.push({
    name: "control: the org admin reaches a resource of its own organisation",
    expected: "reachable",
    target: "visible",
    headers: as((w) => w.orgA.users.admin),
  });
  return cases;
}

/** Query parameters the route declares (from the OpenAPI document, i.e. its zod schema). */
const spec = app.swagger() as unknown as {
  paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }> }>>;
};
function queryParams(route: RouteEntry): Set<string> {
  const operation = spec.paths[route.url.replace(/:(\w+)/g, "{$1}")]?.[route.method.toLowerCase()];
  return new Set((operation?.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name));
}

/** Largest pages the route allows, so a leak cannot hide beyond the first page. */
function widestPage(route: RouteEntry): Record<string, string> {
  const params = queryParams(route);
  return Object.fromEntries(["pageSize", "limit"].filter((p) => params.has(p)).map((p) => [p, "100"]));
}

function fillUrl(route: RouteEntry, ctx: ExampleContext, more: Record<string, string> = {}): string {
  const extra = Object.hasOwn(extraPathParams, keyOf(route)) ? extraPathParams[keyOf(route)]!(ctx) : {};
  const path = route.url.replace(/:(\w+)/g, (_, name: string) => {
    const value = name === "id" ? ctx.id : extra[name];
    if (value === undefined) throw new Error(`no value for :${name} of ${keyOf(route)}`);
    return encodeURIComponent(value);
  });
  const query = {
    ...(Object.hasOwn(exampleQueries, keyOf(route)) ? exampleQueries[keyOf(route)]!(ctx) : {}),
    ...more,
  };
  const search = new URLSearchParams(query).toString();
  return search ? `${path}?${search}` : path;
}

function errorEnvelope(response: LightMyRequestResponse, route: RouteEntry) {
  const requestId = response.headers["x-request-id"];
  expect(requestId, "every response carries x-request-id").toEqual(expect.any(String));
  const body = response.json() as { error: Record<string, unknown> };
  expect(Object.keys(body)).toEqual(["error"]);
  // The OpenAI-compatible routes (/v1) add OpenAI's error `type` for OpenAI clients; nothing else.
  const openai = route.url.startsWith("/v1/");
  expect(body.error).toEqual({
    code: expect.any(String),
    message: expect.any(String),
    requestId,
    ...(openai ? { type: expect.any(String) } : {}),
    ...(body.error.details === undefined ? {} : { details: expect.any(Object) }),
  });
  const code = body.error.code as keyof typeof errorCodes;
  expect(Object.keys(errorCodes), "error code is in the closed set").toContain(code);
  expect(errorCodes[code], `code ${code} maps to the HTTP status`).toBe(response.statusCode);
  return body;
}

function leaks(text: string, hidden: string[], except: string[] = []): string[] {
  const lower = text.toLowerCase();
  return hidden.filter((h) => h.length > 0 && !except.includes(h) && lower.includes(h.toLowerCase()));
}

async function scopeFor(target: Target): Promise<ResourceScope> {
  if (target === "otherOrg") return { orgId: world.orgB.org.id, departmentId: world.orgB.department.id };
  if (target === "otherDepartment") return { orgId: world.orgA.org.id, departmentId: world.orgA.d2.id };
  // A department of its own, so that the control case may change or archive it freely.
  const name = marker("visible", "control-department");
  const department = await world.repos.departments.create({ orgId: world.orgA.org.id, name, slug: name });
  return { orgId: world.orgA.org.id, departmentId: department.id };
}

async function runCase(route: RouteEntry, c: MatrixCase) {
  const key = keyOf(route);
  const byId = pathParams(route.url).includes("id");
  const visibility = visibilityOf(route);
  const needsRealRequest = c.expected !== 401 && c.expected !== 403;
  const problems = coverageProblems(route).filter((p) => needsRealRequest || !p.includes("exampleBodies"));
  if (problems.length > 0) throw new Error(problems.join("\n"));

  const scope = await scopeFor(c.target);
  let resource: CreatedResource | undefined;
  // Names of an organisation-wide resource are not secret from its own organisation.
  const secret = c.target === "otherOrg" || (c.target === "otherDepartment" && visibility === "department");
  if (byId) {
    resource = await fixtureFor(route.config.resource!).create(world, scope, secret ? "hidden" : "visible");
  }
  const hidden = [
    ...(c.target === "otherOrg" ? hiddenInOrgB : c.target === "otherDepartment" ? hiddenInD2 : []),
    ...(secret ? (resource?.identifiers ?? []) : []),
  ];
  const example = exampleBodyFor(route.method, route.url);
  const send = async (id: string | undefined, more: Record<string, string> = {}) => {
    const ctx: ExampleContext = { world, ...(id ? { id } : {}) };
    return app.inject({
      method: route.method as "GET",
      url: fillUrl(route, ctx, more),
      headers: await c.headers(world),
      ...(route.hasBody ? { payload: (example?.(ctx) ?? {}) as object } : {}),
    });
  };
  const listing = c.expected === "filtered" && route.method === "GET" ? widestPage(route) : {};
  const response = await send(resource?.id, listing);
  await exampleCleanups[key]?.(world);
  const label = `${key} [${c.name}] answered ${response.statusCode}: ${response.body.slice(0, 500)}`;
  expect(response.statusCode, label).toBeLessThan(500);
  if (response.statusCode >= 400) errorEnvelope(response, route);

  if (c.expected === "reachable") {
    const refusals = byId ? [401, 403, 404] : [401, 403];
    expect(refusals, label).not.toContain(response.statusCode);
    // Anything but success or a state-dependent refusal means the fixture or example body is wrong.
    expect(response.statusCode < 400 || [409, 412].includes(response.statusCode), label).toBe(true);
    return;
  }
  if (c.expected === "filtered") {
    expect(response.statusCode, `${label} (valid credentials)`).not.toBe(401);
    expect(leaks(response.body, hidden), `${label}: hidden data in the response`).toEqual([]);
    // Walk further pages (offset or cursor) so a leak cannot hide behind pagination.
    let page = response;
    for (let n = 2; n <= 30 && page.statusCode === 200; n++) {
      // A stream (Server-Sent Events) has no pages; its text was searched above.
      if (!String(page.headers["content-type"]).includes("json")) break;
      const body = page.json() as { totalPages?: unknown; nextCursor?: unknown };
      const next: Record<string, string> | undefined =
        typeof body.nextCursor === "string"
          ? { cursor: body.nextCursor }
          : typeof body.totalPages === "number" && n <= body.totalPages
            ? { page: String(n) }
            : undefined;
      if (!next) break;
      page = await send(resource?.id, { ...listing, ...next });
      expect(page.statusCode, `${label} (page ${n})`).toBe(200);
      expect(leaks(page.body, hidden), `${label}: hidden data on page ${n}`).toEqual([]);
    }
    return;
  }
  const uniform = c.expected === 404 && c.uniform403 === true && response.statusCode === 403;
  expect(response.statusCode, label).toBe(uniform ? 403 : c.expected);
  if (c.expected !== 404 || !resource) {
    expect(leaks(response.body, hidden), `${label}: hidden data in the refusal`).toEqual([]);
    return;
  }
  // The id the caller sent may be echoed back, but the answer must be exactly what a missing id gets.
  expect(leaks(response.body, hidden, [resource.id]), `${label}: hidden data in the 404`).toEqual([]);
  const ghostId = randomUUID();
  const ghost = await send(ghostId);
  const normalise = (r: LightMyRequestResponse, id: string) =>
    r.body.replaceAll(id, "<id>").replaceAll(String(r.headers["x-request-id"]), "<request-id>");
  expect(
    { status: response.statusCode, body: normalise(response, resource.id) },
    `${key} [${c.name}]: a hidden resource must look exactly like a missing one`,
  ).toEqual({ status: ghost.statusCode, body: normalise(ghost, ghostId) });
}

describe("isolation matrix coverage", () => {
  it("reads the route table", () => {
    const keys = covered.map(keyOf);
    expect(keys).toContain("GET /departments/:id");
    expect(keys).toContain("GET /auth/me");
    expect(keys).not.toContain("POST /auth/login");
  });

  it.each(covered.map((route): [string, RouteEntry] => [keyOf(route), route]))(
    "%s can be attacked (resource fixture, example body, path values)",
    (_key, route) => {
      expect(coverageProblems(route)).toEqual([]);
    },
  );
});

// One named test per route × case (tuples with "%s": titles are neither quoted nor truncated).
describe.each(covered.map((route): [string, RouteEntry] => [keyOf(route), route]))("%s", (_key, route) => {
  it.each(casesFor(route).map((c): [string, MatrixCase] => [c.name, c]))("%s", async (_name, c) => {
    await runCase(route, c);
  });
});
