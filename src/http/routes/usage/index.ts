import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { contextOf } from "../../auth.js";
import { authErrors, idParams } from "../../schemas/common.js";
import { named } from "../../schemas/named.js";

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date like 2025-01-31")
  .describe("a UTC day, YYYY-MM-DD");
const period = z.object({
  from: day.optional().describe("first day (default: the first day of this month)"),
  to: day.optional().describe("last day, included (default: today)"),
});

const metrics = {
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  totalTokens: z.number().int(),
  costUsd: z.number(),
  runs: z.number().int(),
};

const usageReport = named(
  z.object({
    from: z.string(),
    to: z.string(),
    groupBy: z.enum(["department", "user", "agent", "model", "day"]),
    totals: z.object(metrics),
    rows: z.array(
      z.object({
        id: z
          .string()
          .nullable()
          .describe("department, user or assistant id, or provider/model; null for runs without one"),
        name: z
          .string()
          .nullable()
          .describe("department, user or assistant name, provider/model, or the day"),
        email: z.string().nullable(),
        ...metrics,
        days: z.array(z.object({ day: z.string(), ...metrics })),
      }),
    ),
  }),
  "UsageReport",
);

const budgetLine = {
  budgetUsd: z.number().nullable().describe("null: no budget"),
  spentUsd: z.number(),
  remainingUsd: z.number().nullable(),
};
const departmentBudget = z.object({
  id: z.string(),
  name: z.string(),
  isArchived: z.boolean(),
  ...budgetLine,
});
const budgetBody = named(
  z.object({
    monthlyBudgetUsd: z
      .number()
      .min(0)
      .max(999_999)
      .nullable()
      .describe("USD per calendar month (UTC); null removes it"),
  }),
  "Budget",
);

const tags = ["usage"];

export const usageRoutes: FastifyPluginAsyncZod = async (app) => {
  const services = () => app.container.services;

  app.get(
    "/usage",
    {
      config: { permission: "analytics:read" },
      schema: {
        operationId: "getUsage",
        tags,
        summary:
          "Tokens, cost and runs per day, grouped by department, user, assistant, model or day (departments you reach)",
        querystring: period.extend({
          groupBy: z.enum(["department", "user", "agent", "model", "day"]).default("day"),
        }),
        response: { 200: usageReport, ...authErrors },
      },
    },
    async (request) => services().usage.report(contextOf(request), request.query),
  );

  app.get(
    "/me/usage",
    {
      schema: {
        operationId: "getMyUsage",
        tags,
        summary: "Your own tokens, cost and runs per day",
        querystring: period,
        response: { 200: usageReport, ...authErrors },
      },
    },
    async (request) => services().usage.mine(contextOf(request), request.query),
  );

  app.get(
    "/budgets",
    {
      config: { permission: "analytics:read" },
      schema: {
        operationId: "listBudgets",
        tags,
        summary: "This month's budget, spend and remainder: the organisation and each department you reach",
        response: {
          200: z.object({
            month: z.string(),
            organization: z.object(budgetLine),
            departments: z.array(departmentBudget),
          }),
          ...authErrors,
        },
      },
    },
    async (request) => services().budgets.overview(contextOf(request)),
  );

  app.put(
    "/budgets/org",
    {
      config: { permission: "org:admin" },
      schema: {
        operationId: "setOrgBudget",
        tags,
        summary: "Set or remove the organisation's monthly budget",
        body: budgetBody,
        response: { 200: z.object({ month: z.string(), ...budgetLine }), ...authErrors },
      },
    },
    async (request) =>
      services().budgets.setOrganizationBudget(contextOf(request), request.body.monthlyBudgetUsd),
  );

  app.put(
    "/departments/:id/budget",
    {
      // departments:manage or org:admin: the service checks either, so no single route permission.
      config: { resource: "department" },
      schema: {
        operationId: "setDepartmentBudget",
        tags,
        summary: "Set or remove a department's monthly budget (departments:manage or org:admin)",
        params: idParams,
        body: budgetBody,
        response: { 200: departmentBudget.extend({ month: z.string() }), ...authErrors },
      },
    },
    async (request) =>
      services().budgets.setDepartmentBudget(
        contextOf(request),
        request.params.id,
        request.body.monthlyBudgetUsd,
      ),
  );
};
