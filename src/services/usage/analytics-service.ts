import { requirePermission } from "../../core/access.js";
import { AppError } from "../../lib/errors.js";
import {
  type AnalyticsCell,
  type AnalyticsGroup,
  type AnalyticsInterval,
  type AnalyticsReportName,
  type AnalyticsRepository,
  reportGroups,
  reportMeasures,
} from "../../repositories/analytics.repository.js";
import type { ServiceContext } from "../context.js";
import { resolvePeriod } from "./period.js";

export type { AnalyticsReportName };

export interface AnalyticsQuery {
  from?: string | undefined;
  to?: string | undefined;
  groupBy?: AnalyticsGroup | undefined;
  interval?: AnalyticsInterval | undefined;
}

export interface AnalyticsReport {
  report: AnalyticsReportName;
  from: string;
  to: string;
  groupBy: AnalyticsGroup;
  interval: AnalyticsInterval;
  /** The measures every row carries, in order (the CSV columns after period, key and label). */
  measures: string[];
  rows: AnalyticsCell[];
}

/**
 * Reports over conversations, runs, feedback, citations, approvals and schedules, read from the
 * analytics client (a separate pool with a statement timeout in server mode) and kept to the
 * departments the caller reaches.
 */
export function createAnalyticsService(deps: { analytics: AnalyticsRepository }) {
  return {
    async report(
      ctx: ServiceContext,
      report: AnalyticsReportName,
      query: AnalyticsQuery,
    ): Promise<AnalyticsReport> {
      requirePermission(ctx, "analytics:read");
      const period = resolvePeriod(query);
      const groupBy = query.groupBy ?? "none";
      const interval = query.interval ?? "day";
      const groups = reportGroups(report);
      if (!groups.includes(groupBy)) {
        throw new AppError("VALIDATION", `The ${report} report groups by ${groups.join(", ")} only`, {
          field: "groupBy",
        });
      }
      const rows = await deps.analytics.cells(
        report,
        { orgId: ctx.orgId, start: period.start, end: period.end, access: ctx.access },
        groupBy,
        interval,
      );
      const measures = reportMeasures(report);
      return { report, from: period.from, to: period.to, groupBy, interval, measures, rows };
    },
  };
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;

const csvCell = (value: unknown): string => {
  if (value === null || value === undefined) return "";
  const text = String(value);
  // Quote separators and quotes; defuse spreadsheet formulas in free text (names, titles).
  const safe = /^[=+\-@\t\r]/.test(text) && Number.isNaN(Number(text)) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** The report as CSV: one line per row, columns period, key, label, then each measure. */
export function analyticsCsv(report: AnalyticsReport): string {
  const header = ["period", "key", "label", ...report.measures];
  const lines = report.rows.map((row) =>
    [row.period, row.key, row.label, ...report.measures.map((m) => row.measures[m])].map(csvCell).join(","),
  );
  return `${[header.join(","), ...lines].join("\r\n")}\r\n`;
}
