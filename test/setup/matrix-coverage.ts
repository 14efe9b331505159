import type { RouteEntry } from "../../src/http/app.js";
import { exampleBodyFor, extraPathParams, resourceFixtures } from "./resource-fixtures.js";

/**
 * Which routes the isolation matrix (test/http/isolation-matrix.test.ts) attacks, and what keeps it
 * from attacking one. Shared with test/security/route-coverage.test.ts, which holds every other route
 * to an explicit list of public ones, so no route escapes both.
 */

export const keyOf = (route: Pick<RouteEntry, "method" | "url">) => `${route.method} ${route.url}`;
export const pathParams = (url: string) => [...url.matchAll(/:(\w+)/g)].map((m) => m[1]!);

/** The docs UI is served by a plugin that cannot carry route config; src/http/auth.ts lets it through. */
export const isDocsRoute = (route: Pick<RouteEntry, "url">) =>
  route.url === "/docs" || route.url.startsWith("/docs/");

/** Every authenticated route; public ones, hidden ones and the docs UI are out of the matrix's scope. */
export function matrixRoutes(routeTable: readonly RouteEntry[]): RouteEntry[] {
  return routeTable.filter(
    (r) => !r.hidden && r.config.auth !== "public" && !isDocsRoute(r) && r.method !== "OPTIONS",
  );
}

/** Problems that keep the matrix from attacking a route; each names the fix. */
export function coverageProblems(route: RouteEntry): string[] {
  const key = keyOf(route);
  const problems: string[] = [];
  const kind = route.config.resource;
  const params = pathParams(route.url);
  if (params.includes("id") && !kind) {
    problems.push(
      `${key} has an :id path parameter but no config.resource (say what kind of resource :id names)`,
    );
  }
  if (kind && !Object.hasOwn(resourceFixtures, kind)) {
    problems.push(
      `${key} declares resource "${kind}" but test/setup/resource-fixtures.ts has no fixture for it (add one to resourceFixtures)`,
    );
  }
  const others = params.filter((p) => p !== "id");
  if (others.length > 0 && !Object.hasOwn(extraPathParams, key)) {
    problems.push(
      `${key} has path parameters ${others.map((p) => `:${p}`).join(", ")}: add values to extraPathParams in test/setup/resource-fixtures.ts`,
    );
  }
  if (route.hasBody && !exampleBodyFor(route.method, route.url)) {
    problems.push(
      `${key} has a body but no example: add a minimal valid body to exampleBodies in test/setup/resource-fixtures.ts`,
    );
  }
  return problems;
}
