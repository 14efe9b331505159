import fc from "fast-check";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type RouteEntry } from "../../src/http/app.js";
import { errorCodes } from "../../src/lib/errors.js";
import { createTestContainer, destroyTestContainer } from "../setup/container.js";
import {
  type ArbitraryContext,
  type Credentials,
  describeRequest,
  type Generated,
  requestFor,
} from "../setup/request-arbitraries.js";
import { exampleBodyFor, resourceFixtures } from "../setup/resource-fixtures.js";
import { buildWorld, type IsolationWorld } from "../setup/world.js";

/**
 * Property-based tests over every route of `app.routeTable`: random and malformed bodies, query
 * strings, headers and path parameters, without credentials and as the organisation's admin. Whatever
 * arrives, the API answers below 500, and every 4xx is the JSON error envelope with a code from the
 * closed set and the request id of the response header.
 *
 * The requests come from test/setup/request-arbitraries.ts (schema-derived, then mutated).
 */

/** Runs per route and credential kind; ATRIUM_PROPERTY_RUNS scales them for a deeper (slower) search. */
const scale = Number(process.env.ATRIUM_PROPERTY_RUNS ?? "1") || 1;
const runs = (n: number) => Math.max(1, Math.round(n * scale));
const RUNS_AS_ADMIN = runs(40);
/** Requests without valid credentials stop at authentication, so fewer runs find what there is to find. */
const RUNS_WITHOUT_CREDENTIALS = runs(20);
const RUNS_PUBLIC = runs(30);
/** The API docs and the OpenAPI document are static and costly to render. */
const RUNS_DOCS = runs(8);

const context = await createTestContainer({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "100000" } });
const app = await buildApp(context.container);
await app.ready();

let world: IsolationWorld;
const arbitraries: ArbitraryContext = {
  spec: app.swagger() as unknown as ArbitraryContext["spec"],
  knownIds: [],
  idsByKind: new Map(),
};

beforeAll(async () => {
  world = await buildWorld(context.container);
  const { orgA, orgB } = world;
  arbitraries.knownIds = [
    orgA.d1.id,
    orgA.d2.id,
    orgA.d3Archived.id,
    orgA.users.employeeD1.id,
    orgA.users.deptHeadD1.id,
    orgA.customRoles.noPermissions.id,
    orgA.roles.employee.id,
    orgB.department.id,
    orgB.admin.id,
    orgB.roles.admin.id,
  ];
  for (const [kind, fixture] of Object.entries(resourceFixtures)) {
    const ids: string[] = [];
    for (const departmentId of [orgA.d1.id, orgA.d1.id, orgA.d2.id]) {
      ids.push((await fixture.create(world, { orgId: orgA.org.id, departmentId }, "visible")).id);
    }
    ids.push(
      (await fixture.create(world, { orgId: orgB.org.id, departmentId: orgB.department.id }, "hidden")).id,
    );
    arbitraries.idsByKind.set(kind, ids);
  }
}, 60_000);

afterAll(async () => {
  await app.close();
  await destroyTestContainer(context);
});

/** The admin's token, re-issued only when a request revoked it (logout, logout-all, password change). */
let adminToken: string | undefined;

async function send(
  route: RouteEntry,
  g: Generated,
  credentials: Credentials,
): Promise<LightMyRequestResponse> {
  // `follow=true` on a conversation's stream is documented to stay open until the client leaves, and an
  // injected request cannot leave: such a request is sent without it (its validation is still tested:
  // the parameter is only removed when one of its values is the `true` that opens such a stream).
  const query = route.url.endsWith("/stream") ? withoutFollow(g.query) : g.query;
  const inject = (token?: string) => {
    const headers: Record<string, string> = { ...g.auth };
    if (token) headers.authorization = `Bearer ${token}`;
    if (g.requestId !== undefined) headers["x-request-id"] = g.requestId;
    if (g.payload?.contentType !== undefined) headers["content-type"] = g.payload.contentType;
    return app.inject({
      method: route.method as "GET",
      url: `${g.path}${query ? `?${query}` : ""}`,
      headers,
      ...(g.payload ? { payload: g.payload.text } : {}),
    });
  };
  if (credentials !== "admin") return inject();
  adminToken ??= await world.tokenFor(world.orgA.users.admin);
  const response = await inject(adminToken);
  if (response.statusCode !== 401) return response;
  adminToken = await world.tokenFor(world.orgA.users.admin);
  return inject(adminToken);
}

function withoutFollow(query: string): string {
  const params = new URLSearchParams(query);
  if (!params.getAll("follow").includes("true")) return query;
  params.delete("follow");
  return params.toString();
}

/** The invariant of every answer: below 500, and a 4xx is the closed-set JSON error envelope. */
function checkResponse(route: RouteEntry, g: Generated, response: LightMyRequestResponse): void {
  const label = `${describeRequest(route, g)}\n→ ${response.statusCode} ${response.body.slice(0, 400)}`;
  expect(response.statusCode, label).toBeLessThan(500);
  const requestId = response.headers["x-request-id"];
  expect(requestId, `${label}\n(x-request-id header)`).toEqual(expect.any(String));
  if (g.requestId !== undefined && /^[\w.-]{8,128}$/.test(g.requestId))
    expect(requestId, label).toBe(g.requestId);
  if (response.statusCode < 400) return;
  expect(String(response.headers["content-type"]), label).toMatch(/^application\/json/);
  let body: { error?: Record<string, unknown> };
  try {
    body = JSON.parse(response.body);
  } catch {
    throw new Error(`not JSON: ${label}`);
  }
  expect(Object.keys(body), label).toEqual(["error"]);
  const error = body.error!;
  // The OpenAI-compatible routes (/v1) add OpenAI's error `type` for OpenAI clients; nothing else.
  const keys = ["code", "message", "requestId", ...(route.url.startsWith("/v1/") ? ["type"] : [])];
  expect(Object.keys(error).sort(), label).toEqual(
    (error.details === undefined ? keys : [...keys, "details"]).sort(),
  );
  expect(Object.keys(errorCodes), label).toContain(error.code);
  // Every status is its code's own, Fastify's errors included (413 is PAYLOAD_TOO_LARGE).
  const expectedStatus = errorCodes[error.code as keyof typeof errorCodes];
  expect(expectedStatus, `${label}\n(code ↔ status)`).toBe(response.statusCode);
  expect(error.message, label).toEqual(expect.any(String));
  expect(error.requestId, `${label}\n(requestId = x-request-id)`).toBe(requestId);
  if (error.details !== undefined) expect(error.details, label).toEqual(expect.any(Object));
}

/** Every status a route answers is one its OpenAPI operation lists (ADR 0009). */
function checkDocumented(route: RouteEntry, g: Generated, response: LightMyRequestResponse): void {
  const paths = arbitraries.spec.paths as Record<string, Record<string, { responses?: object }>>;
  const operation = paths[route.url.replace(/:(\w+)/g, "{$1}")]?.[route.method.toLowerCase()];
  if (!operation?.responses) return; // hidden routes (the web application, the docs UI)
  // Dot segments are normalised to another route's path; the answer is that route's.
  if (/(^|\/)(\.|%2e){1,2}(\/|$)/i.test(g.path)) return;
  expect(
    Object.keys(operation.responses),
    `${describeRequest(route, g)}\n→ ${response.statusCode} ${response.body.slice(0, 200)}\n(a status its operation does not list)`,
  ).toContain(String(response.statusCode));
}

async function checkRoute(route: RouteEntry, credentials: Credentials, numRuns: number) {
  await fc.assert(
    fc.asyncProperty(requestFor(arbitraries, route, credentials), async (g) => {
      let response: LightMyRequestResponse;
      try {
        response = await send(route, g, credentials);
      } catch (error) {
        // A URL the test client itself cannot build never reaches the server: skip it.
        fc.pre((error as { code?: string }).code !== "ERR_INVALID_URL");
        throw error;
      }
      checkResponse(route, g, response);
      checkDocumented(route, g, response);
    }),
    { numRuns, endOnFailure: true },
  );
}

// ---------------------------------------------------------------------------------------------------

const routes = app.routeTable;
const isPublic = (r: RouteEntry) =>
  r.config.auth === "public" || r.url === "/docs" || r.url.startsWith("/docs/");
const entries = routes.map((route): [string, RouteEntry] => [`${route.method} ${route.url}`, route]);

describe("property: every route answers below 500 with the error envelope", () => {
  it("covers the route table", () => {
    expect(entries.length).toBeGreaterThan(10);
    // A body example exists for the matrix; the property tests must know the same routes.
    expect(entries.some(([, r]) => r.hasBody && exampleBodyFor(r.method, r.url))).toBe(true);
  });

  it.each(entries)("%s — random requests without valid credentials", async (_key, route) => {
    const docs = route.url.startsWith("/docs") || route.url === "/openapi.json";
    const numRuns = docs ? RUNS_DOCS : isPublic(route) ? RUNS_PUBLIC : RUNS_WITHOUT_CREDENTIALS;
    await checkRoute(route, isPublic(route) ? "none" : "garbage", numRuns);
  });

  it.each(entries.filter(([, route]) => !isPublic(route)))(
    "%s — random requests as the org admin",
    async (_key, route) => {
      await checkRoute(route, "admin", RUNS_AS_ADMIN);
    },
  );

  it("unknown paths and methods get the not-found envelope", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE"),
        fc.array(fc.string({ minLength: 1, maxLength: 12 }).map(encodeURIComponent), {
          minLength: 1,
          maxLength: 4,
        }),
        async (method, segments) => {
          const url = `/zz-${segments.join("/")}`;
          const response = await app.inject({ method: method as "GET", url });
          const fake: RouteEntry = { method, url, config: {}, hasBody: false, hidden: false };
          checkResponse(
            fake,
            { path: url, query: "", payload: undefined, auth: {}, requestId: undefined },
            response,
          );
          expect(response.statusCode).toBe(404);
        },
      ),
      { numRuns: 30 },
    );
  });
});
