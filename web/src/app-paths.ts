/**
 * Every page path of the application. The API has no prefix, so none of these may be a GET route of
 * the API: the server gives index.html only to navigations no API route answers. The server's tests
 * (test/http/web-app.test.ts) load each one as a browser would. router.tsx declares one route per path.
 */
export const APP_PATHS = [
  "/",
  "/sign-in",
  "/forgot-password",
  "/reset-password",
  "/accept-invitation",
  "/chat",
  "/chat/$conversationId",
  "/admin",
  "/admin/people",
  // Observability
  "/insights",
  "/insights/runs/$runId",
  "/insights/usage",
  "/memory",
  "/knowledge",
  "/knowledge/$knowledgeBaseId",
  "/knowledge/documents/$documentId",
  "/assistants",
  "/assistants/agents/$agentId",
  "/assistants/namespaces/$namespaceId",
  // Approvals and administration (journeys 5 and 6)
  "/review",
  "/admin/departments",
  "/admin/roles",
  "/admin/api-keys",
  "/admin/audit",
  "/admin/settings",
] as const;
