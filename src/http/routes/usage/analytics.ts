import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { type AnalyticsReportName, analyticsCsv } from "../../../services/usage/analytics-service.js";
import { contextOf } from "../../auth.js";
import { authErrors, errorBody } from "../../schemas/common.js";
import { named } from "../../schemas/named.js";

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date like 2025-01-31")
  .describe("a UTC day, YYYY-MM-DD");

const query = z.object({
  from: day.optional().describe("first day (default: the first day of this month)"),
  to: day.optional().describe("last day, included (default: today)"),
  groupBy: z
    .enum(["none", "department", "assistant", "model", "channel", "intent"])
    .default("none")
    .describe("what each row is per, besides its period (each report lists the groupings it accepts)"),
  interval: z
    .enum(["day", "week", "total"])
    .default("day")
    .describe("rows per UTC day, per ISO week (its Monday), or one total for the period"),
  format: z
    .enum(["json", "csv"])
    .optional()
    .describe("csv: the same rows as text/csv (or send Accept: text/csv)"),
});

const analyticsReport = named(
  z.object({
    report: z.string(),
    from: z.string(),
    to: z.string(),
    groupBy: z.string(),
    interval: z.string(),
    measures: z.array(z.string()).describe("the measures of every row, in CSV column order"),
    rows: z.array(
      z.object({
        period: z.string().nullable().describe("the day, or the week's Monday; null for interval=total"),
        key: z
          .string()
          .nullable()
          .describe("department or assistant id, model, channel, intent or document id"),
        label: z.string().nullable().describe("its name; null for rows without one"),
        measures: z.record(z.string(), z.number()),
      }),
    ),
  }),
  "AnalyticsReport",
);

/** The reports, as data: one GET route each. */
const reports: { name: AnalyticsReportName; operationId: string; summary: string }[] = [
  {
    name: "activity",
    operationId: "getActivityReport",
    summary: "Conversations with activity, messages, questions and answers",
  },
  { name: "tokens", operationId: "getTokensReport", summary: "Model runs, tokens and cost" },
  { name: "feedback", operationId: "getFeedbackReport", summary: "Thumbs up and down on answers" },
  {
    name: "citations",
    operationId: "getCitationsReport",
    summary: "Citation coverage: share of the assistant's answers with at least one verified citation",
  },
  {
    name: "unanswered",
    operationId: "getUnansweredReport",
    summary: "Turns the relevance gate found no relevant passage for, and their share of judged turns",
  },
  {
    name: "documents",
    operationId: "getDocumentsReport",
    summary: "Documents most cited in answers (one row per document)",
  },
  {
    name: "approvals",
    operationId: "getApprovalsReport",
    summary:
      "Held replies: decisions, approval rate and average time to decision (groupBy=intent per intent)",
  },
  {
    name: "autonomy",
    operationId: "getAutonomyReport",
    summary:
      "Turns with a classified intent answered without approval (autonomy share; groupBy=intent per intent)",
  },
  { name: "schedules", operationId: "getSchedulesReport", summary: "Scheduled runs: done, failed, skipped" },
];

const tags = ["analytics"];

export const analyticsRoutes: FastifyPluginAsyncZod = async (app) => {
  for (const report of reports) {
    app.get(
      `/analytics/${report.name}`,
      {
        config: { permission: "analytics:read" },
        schema: {
          operationId: report.operationId,
          tags,
          summary: `${report.summary}, per day or week and group, in the departments you reach (JSON or CSV)`,
          querystring: query,
          response: {
            200: analyticsReport,
            ...authErrors,
            503: errorBody,
          },
        },
      },
      async (request, reply) => {
        const { format, ...rest } = request.query;
        const result = await app.container.services.analytics.report(contextOf(request), report.name, rest);
        const csv =
          format === "csv" || (format === undefined && /\btext\/csv\b/.test(request.headers.accept ?? ""));
        if (!csv) return result;
        return reply
          .type("text/csv; charset=utf-8")
          .header(
            "content-disposition",
            `attachment; filename="${report.name}-${result.from}-${result.to}.csv"`,
          )
          .serializer((payload: unknown) => payload as string)
          .send(analyticsCsv(result) as never);
      },
    );
  }
};
