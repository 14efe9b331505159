import type { QueryClient } from "@tanstack/react-query";
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  redirect,
} from "@tanstack/react-router";
import { session } from "./api/session";
import { ChatHome } from "./pages/chat/ChatHome";
import { ConversationPage } from "./pages/chat/ConversationPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { AcceptInvitationPage } from "./pages/sign-in/AcceptInvitationPage";
import { ForgotPasswordPage } from "./pages/sign-in/ForgotPasswordPage";
import { ResetPasswordPage } from "./pages/sign-in/ResetPasswordPage";
import { SignInPage } from "./pages/sign-in/SignInPage";
import { AppShell } from "./shell/AppShell";
import { Notices } from "./ui/notices";

/**
 * The pages of the application (their paths are listed in app-paths.ts, which the server's tests
 * check against the API's routes). Pages outside chat are code-split with lazyRouteComponent, so the
 * chat route's first load stays within its budget (scripts/web-bundle-size.ts).
 */
const optionalString = (value: unknown) => (typeof value === "string" && value ? value : undefined);

const rootRoute = createRootRouteWithContext<{ queryClient: QueryClient }>()({
  component: () => (
    <>
      <Outlet />
      <Notices />
    </>
  ),
  notFoundComponent: NotFoundPage,
});

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/sign-in",
  validateSearch: (
    search: Record<string, unknown>,
  ): { redirect?: string; error?: string; expired?: boolean } => ({
    ...(optionalString(search.redirect) ? { redirect: optionalString(search.redirect) } : {}),
    ...(optionalString(search.error) ? { error: optionalString(search.error) } : {}),
    ...(search.expired === true || search.expired === "true" ? { expired: true } : {}),
  }),
  component: SignInPage,
});

const tokenSearch = (search: Record<string, unknown>) => ({ token: optionalString(search.token) ?? "" });

const forgotRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/forgot-password",
  component: ForgotPasswordPage,
});

const resetRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/reset-password",
  validateSearch: tokenSearch,
  component: ResetPasswordPage,
});

const acceptRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/accept-invitation",
  validateSearch: tokenSearch,
  component: AcceptInvitationPage,
});

/** Everything behind sign-in: restores the session from its cookie, or goes to sign in and back. */
const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: "app",
  beforeLoad: async ({ location }) => {
    if (!(await session.ensure())) {
      throw redirect({ to: "/sign-in", search: { redirect: location.href } });
    }
  },
  component: AppShell,
});

const indexRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/",
  beforeLoad: () => {
    throw redirect({ to: "/chat" });
  },
});

const chatRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/chat",
  validateSearch: (search: Record<string, unknown>): { new?: boolean } =>
    search.new === true || search.new === "true" ? { new: true } : {},
  component: ChatHome,
});

const conversationRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/chat/$conversationId",
  component: ConversationPage,
});

const adminRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/admin",
  component: lazyRouteComponent(() => import("./pages/admin/AdminPage"), "AdminPage"),
});

const peopleRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/admin/people",
  component: lazyRouteComponent(() => import("./pages/admin/PeoplePage"), "PeoplePage"),
});

// Observability (journey 7): runs and their traces, usage and cost, the person's memory profile.
const insightsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/insights",
  component: lazyRouteComponent(() => import("./pages/insights/RunsPage"), "RunsPage"),
});
const runTraceRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/insights/runs/$runId",
  component: lazyRouteComponent(() => import("./pages/insights/RunTracePage"), "RunTracePage"),
});
const usageRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/insights/usage",
  component: lazyRouteComponent(() => import("./pages/insights/UsagePage"), "UsagePage"),
});
const memoryRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/memory",
  component: lazyRouteComponent(() => import("./pages/memory/MemoryPage"), "MemoryPage"),
});
const observabilityRoutes = [insightsRoute, runTraceRoute, usageRoute, memoryRoute];
// Knowledge and assistants (issue 13, journeys 3 and 4).
const knowledgeRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/knowledge",
  component: lazyRouteComponent(() => import("./pages/knowledge/KnowledgePage"), "KnowledgePage"),
});
const knowledgeBaseRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/knowledge/$knowledgeBaseId",
  component: lazyRouteComponent(() => import("./pages/knowledge/KnowledgeBasePage"), "KnowledgeBasePage"),
});
const documentRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/knowledge/documents/$documentId",
  component: lazyRouteComponent(() => import("./pages/knowledge/DocumentPage"), "DocumentPage"),
});
const assistantsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/assistants",
  component: lazyRouteComponent(() => import("./pages/assistants/AssistantsPage"), "AssistantsPage"),
});
const agentRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/assistants/agents/$agentId",
  component: lazyRouteComponent(() => import("./pages/assistants/AgentPage"), "AgentPage"),
});
const namespaceRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/assistants/namespaces/$namespaceId",
  component: lazyRouteComponent(() => import("./pages/assistants/NamespacePage"), "NamespacePage"),
});
const knowledgeRoutes = [
  knowledgeRoute,
  knowledgeBaseRoute,
  documentRoute,
  assistantsRoute,
  agentRoute,
  namespaceRoute,
];
/* Approvals (journey 5): the inbox at /review (GET /approvals is the API's). */
const reviewViews = ["waiting", "escalated", "samples", "all"] as const;
const reviewRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/review",
  validateSearch: (
    search: Record<string, unknown>,
  ): { view?: (typeof reviewViews)[number]; id?: string } => ({
    ...(reviewViews.includes(search.view as never)
      ? { view: search.view as (typeof reviewViews)[number] }
      : {}),
    ...(optionalString(search.id) ? { id: optionalString(search.id) } : {}),
  }),
  component: lazyRouteComponent(() => import("./pages/approvals/ApprovalsPage"), "ApprovalsPage"),
});
/* Administration (journey 6): one lazy page per area under /admin. */
const adminArea = <P extends `/admin/${string}`, N extends string>(
  path: P,
  load: () => Promise<Record<N, () => React.ReactNode>>,
  name: N,
) =>
  createRoute({
    getParentRoute: () => appRoute,
    path,
    component: lazyRouteComponent(load, name),
  });
const adminAreas = [
  adminArea("/admin/departments", () => import("./pages/admin/DepartmentsPage"), "DepartmentsPage"),
  adminArea("/admin/roles", () => import("./pages/admin/RolesPage"), "RolesPage"),
  adminArea("/admin/approver-groups", () => import("./pages/admin/ApproverGroupsPage"), "ApproverGroupsPage"),
  adminArea("/admin/api-keys", () => import("./pages/admin/ApiKeysPage"), "ApiKeysPage"),
  adminArea("/admin/audit", () => import("./pages/admin/AuditPage"), "AuditPage"),
  adminArea("/admin/settings", () => import("./pages/admin/SettingsPage"), "SettingsPage"),
];
const governanceRoutes = [reviewRoute, ...adminAreas];

const routeTree = rootRoute.addChildren([
  signInRoute,
  forgotRoute,
  resetRoute,
  acceptRoute,
  appRoute.addChildren([
    indexRoute,
    chatRoute,
    conversationRoute,
    adminRoute,
    peopleRoute,
    ...observabilityRoutes,
    ...knowledgeRoutes,
    ...governanceRoutes,
  ]),
]);

export function createAppRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    defaultPreload: "intent",
    scrollRestoration: true,
  });
}

declare module "@tanstack/react-router" {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
