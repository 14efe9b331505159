import { Fragment } from "react";
import { formatCost, formatTokens } from "./format";
import type { UsageReport } from "./queries";
import { ScrollRegion } from "./ScrollRegion";
import { groupLabel } from "./UsageCharts";

type Metrics = UsageReport["totals"];

function MetricCells({ m }: { m: Metrics }) {
  return (
    <>
      <td className="num">{formatTokens(m.runs)}</td>
      <td className="num">{formatTokens(m.promptTokens)}</td>
      <td className="num">{formatTokens(m.completionTokens)}</td>
      <td className="num">{formatTokens(m.totalTokens)}</td>
      <td className="num">{formatCost(m.costUsd)}</td>
    </>
  );
}

function MetricHeaders() {
  return (
    <>
      <th scope="col" className="num">
        Runs
      </th>
      <th scope="col" className="num">
        Prompt tokens
      </th>
      <th scope="col" className="num">
        Completion tokens
      </th>
      <th scope="col" className="num">
        Total tokens
      </th>
      <th scope="col" className="num">
        Cost
      </th>
    </>
  );
}

/** The numbers of a per-day chart: one row per day and the period's total. */
export function DaysTable({ report, caption }: { report: UsageReport; caption: string }) {
  return (
    <ScrollRegion label={caption}>
      <table className="table usage-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <MetricHeaders />
          </tr>
        </thead>
        <tbody>
          {report.rows.map((row) => (
            <tr key={row.name ?? ""}>
              <th scope="row">{row.name}</th>
              <MetricCells m={row} />
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <MetricCells m={report.totals} />
          </tr>
        </tfoot>
      </table>
    </ScrollRegion>
  );
}

/**
 * The numbers of a grouped chart: each group's total for the period, then its days (what the
 * stacked bars show).
 */
export function GroupsTable({
  report,
  caption,
  noun,
}: {
  report: UsageReport;
  caption: string;
  noun: string;
}) {
  return (
    <ScrollRegion label={caption}>
      <table className="table usage-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{noun}</th>
            <th scope="col">Day</th>
            <MetricHeaders />
          </tr>
        </thead>
        <tbody>
          {report.rows.map((row) => (
            <Fragment key={row.id ?? "none"}>
              <tr className="group-total">
                <th scope="row">{groupLabel(row)}</th>
                <td>All days</td>
                <MetricCells m={row} />
              </tr>
              {row.days.map((day) => (
                <tr key={day.day}>
                  <th scope="row" className="group-repeat">
                    {groupLabel(row)}
                  </th>
                  <td>{day.day}</td>
                  <MetricCells m={day} />
                </tr>
              ))}
            </Fragment>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <td>All days</td>
            <MetricCells m={report.totals} />
          </tr>
        </tfoot>
      </table>
    </ScrollRegion>
  );
}
