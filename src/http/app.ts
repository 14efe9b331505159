import { randomUUID } from "node:crypto";
import cors from "@fastify/cors";
import multipart from "@fastify/multipart";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyContextConfig } from "fastify";
import { validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { Container } from "../app/container.js";
import { serializers } from "../lib/logger.js";
import { authPlugin } from "./auth.js";
import {
  clientErrorHandler,
  errorHandler,
  frameworkErrorHandler,
  notFoundHandler,
  shuttingDown,
} from "./error-handler.js";
import { registerJsonParser } from "./json-body.js";
import { apiContract } from "./openapi.js";
import { responseSerializerCompiler } from "./response-encoder.js";
import { agentRoutes } from "./routes/agents/index.js";
import { apiKeyRoutes } from "./routes/api-keys/index.js";
import { approverGroupRoutes } from "./routes/approvals/approver-groups.js";
import { approvalRoutes } from "./routes/approvals/index.js";
import { trustRoutes } from "./routes/approvals/trust.js";
import { auditLogRoutes } from "./routes/audit-logs/index.js";
import { authRoutes } from "./routes/auth/index.js";
import { oauthRoutes } from "./routes/auth/oauth.js";
import { passwordRoutes } from "./routes/auth/password.js";
import { webSessionRoutes } from "./routes/auth/session.js";
import { handoffRoutes } from "./routes/conversations/handoff.js";
import { conversationRoutes } from "./routes/conversations/index.js";
import { turnRoutes } from "./routes/conversations/turns.js";
import { departmentRoutes } from "./routes/departments/index.js";
import { documentGenerationRoutes } from "./routes/document-generations/index.js";
import { documentTemplateRoutes } from "./routes/document-templates/index.js";
import { documentRoutes } from "./routes/documents/index.js";
import { intentRoutes } from "./routes/intents/index.js";
import { invitationRoutes } from "./routes/invitations/index.js";
import { knowledgeBaseRoutes } from "./routes/knowledge-bases/index.js";
import { namespaceRoutes } from "./routes/namespaces/index.js";
import { notificationRoutes } from "./routes/notifications/index.js";
import { openaiRoutes } from "./routes/openai/index.js";
import { orgRoutes } from "./routes/orgs/index.js";
import { personaRoutes } from "./routes/personas/index.js";
import { profileRoutes } from "./routes/profiles/index.js";
import { roleRoutes } from "./routes/roles/index.js";
import { runRoutes } from "./routes/runs/index.js";
import { scheduleRoutes } from "./routes/schedules/index.js";
import { searchRoutes } from "./routes/search/index.js";
import { systemRoutes } from "./routes/system/index.js";
import { toolRoutes } from "./routes/tools/index.js";
import { analyticsRoutes } from "./routes/usage/analytics.js";
import { usageRoutes } from "./routes/usage/index.js";
import { userRoutes } from "./routes/users/index.js";
import { webSourceRoutes } from "./routes/web-sources/index.js";
import { SECURITY_HEADERS } from "./security-headers.js";
import { registerWebApp } from "./web-app.js";

export const BODY_LIMIT_BYTES = 1_048_576;

/** What a browser on an allowed origin may send (preflight): every verb the API routes answer. */
export const CORS_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];
/** Request headers the API reads; anything else a preflight asks for is not allowed. */
export const CORS_ALLOWED_HEADERS = [
  "accept",
  "authorization",
  "content-type",
  "if-none-match",
  "last-event-id",
  "x-api-key",
  "x-request-id",
];
/** Response headers a cross-origin page may read. */
export const CORS_EXPOSED_HEADERS = ["etag", "x-request-id"];

declare module "fastify" {
  interface FastifyInstance {
    container: Container;
    /** Every route with its config, read by the isolation matrix and property tests. */
    routeTable: RouteEntry[];
  }
}

export interface RouteEntry {
  method: string;
  url: string;
  config: FastifyContextConfig;
  hasBody: boolean;
  hidden: boolean;
  /** The operationId the route sets (src/http/openapi.ts gives a provisional one to a route without). */
  operationId?: string | undefined;
}

export async function buildApp(container: Container) {
  const app = Fastify({
    // The request serialiser drops query values (OAuth codes, tokens) whatever logger was injected.
    loggerInstance: container.logger.child({}, { serializers }),
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && /^[\w.-]{8,128}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    // While shutting down, requests still arriving on open connections get the envelope (below), not
    // Fastify's own 503 body.
    return503OnClosing: false,
    trustProxy: container.config.http.trustProxy,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler);
  app.setErrorHandler(errorHandler);
  // Page navigations to paths no route answers get the web application (registered below).
  let webPage: ReturnType<typeof registerWebApp> = () => undefined;
  app.setNotFoundHandler((request, reply) => webPage(request, reply) ?? notFoundHandler(request, reply));
  registerJsonParser(app);
  app.decorate("container", container);
  const routeTable: RouteEntry[] = [];
  app.decorate("routeTable", routeTable);
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) {
      if (method === "HEAD") continue;
      routeTable.push({
        method,
        url: route.url,
        config: (route.config ?? {}) as FastifyContextConfig,
        hasBody: Boolean(route.schema?.body),
        hidden: Boolean(route.schema?.hide),
        operationId: (route.schema as { operationId?: string } | undefined)?.operationId,
      });
    }
  });
  // After the route table's hook, which records the operationId a route set itself.
  const contract = apiContract();
  app.addHook("onRoute", contract.onRoute);
  let closing = false;
  app.addHook("preClose", (done) => {
    closing = true;
    done();
  });
  app.addHook("onRequest", (request, reply, done) => {
    reply.headers(SECURITY_HEADERS).header("x-request-id", request.id);
    if (closing) {
      shuttingDown(request, reply); // answers here: the route never runs
      return;
    }
    done();
  });

  await app.register(cors, {
    origin: container.config.http.corsOrigins,
    credentials: true,
    methods: CORS_METHODS,
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
  });
  await app.register(rateLimit, { global: false });
  await app.register(multipart, {
    limits: { fileSize: container.config.knowledge.uploadMaxBytes, files: 1, fields: 10, parts: 12 },
  });
  await app.register(swagger, contract.swaggerOptions);
  await app.register(swaggerUi, { routePrefix: "/docs" });
  app.get("/openapi.json", { config: { auth: "public" }, schema: { hide: true } }, async () => app.swagger());

  await app.register(authPlugin);
  await app.register(systemRoutes);
  await app.register(authRoutes);
  await app.register(webSessionRoutes);
  await app.register(passwordRoutes);
  await app.register(oauthRoutes);
  await app.register(apiKeyRoutes);
  await app.register(auditLogRoutes);
  await app.register(departmentRoutes);
  await app.register(orgRoutes);
  await app.register(userRoutes);
  await app.register(roleRoutes);
  await app.register(invitationRoutes);
  await app.register(knowledgeBaseRoutes);
  await app.register(documentRoutes);
  await app.register(webSourceRoutes);
  await app.register(searchRoutes);
  await app.register(usageRoutes);
  await app.register(analyticsRoutes);
  await app.register(profileRoutes);
  await app.register(personaRoutes);
  await app.register(namespaceRoutes);
  await app.register(agentRoutes);
  await app.register(intentRoutes);
  await app.register(conversationRoutes);
  await app.register(turnRoutes);
  await app.register(handoffRoutes);
  await app.register(runRoutes);
  await app.register(openaiRoutes);
  await app.register(toolRoutes);
  await app.register(approvalRoutes);
  await app.register(trustRoutes);
  await app.register(approverGroupRoutes);
  await app.register(notificationRoutes);
  await app.register(documentTemplateRoutes);
  await app.register(documentGenerationRoutes);
  await app.register(scheduleRoutes);
  webPage = registerWebApp(
    (path, handler) =>
      app.get(path, { config: { auth: "public", webAsset: true }, schema: { hide: true } }, handler),
    container.config.web.distDir,
  );
  return app;
}

export type AppInstance = Awaited<ReturnType<typeof buildApp>>;
