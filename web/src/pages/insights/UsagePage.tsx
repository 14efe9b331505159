import { useState } from "react";
import { ToggleButton, ToggleButtonGroup } from "react-aria-components";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { Spinner } from "../../ui/Spinner";
import { formatCost, formatTokens, utcDay } from "./format";
import { InsightsNav } from "./InsightsNav";
import { type UsageGroup, useUsage } from "./queries";
import { CostByGroupChart, OverTimeChart } from "./UsageCharts";
import { DaysTable, GroupsTable } from "./UsageTables";
import "../../styles/insights.css";

/**
 * Usage and cost over time (GET /usage, analytics:read): per day, and per department, assistant and
 * model. Recharts is loaded with this page only (a lazy route), never with chat. Each chart's numbers
 * are also in a table for people who cannot see it.
 */
const PERIODS = {
  month: { label: "This month", from: () => `${utcDay(new Date()).slice(0, 8)}01` },
  "30d": { label: "Last 30 days", from: () => utcDay(new Date(Date.now() - 29 * 86_400_000)) },
  "7d": { label: "Last 7 days", from: () => utcDay(new Date(Date.now() - 6 * 86_400_000)) },
} as const;
type PeriodKey = keyof typeof PERIODS;

const GROUPS: { groupBy: Exclude<UsageGroup, "day" | "user">; title: string; noun: string }[] = [
  { groupBy: "department", title: "By department", noun: "Department" },
  { groupBy: "agent", title: "By assistant", noun: "Assistant" },
  { groupBy: "model", title: "By model", noun: "Model" },
];

export function UsagePage() {
  const [periodKey, setPeriodKey] = useState<PeriodKey>("30d");
  const period = { from: PERIODS[periodKey].from(), to: utcDay(new Date()) };
  const byDay = useUsage("day", period);
  return (
    <main className="page insights" id="main">
      <h1>Insights</h1>
      <InsightsNav />
      <div className="usage-head">
        <h2>Usage and cost</h2>
        <ToggleButtonGroup
          aria-label="Period"
          className="segmented"
          selectionMode="single"
          disallowEmptySelection
          selectedKeys={[periodKey]}
          onSelectionChange={(keys) => {
            const [key] = [...keys];
            if (key) setPeriodKey(key as PeriodKey);
          }}
        >
          {(Object.keys(PERIODS) as PeriodKey[]).map((key) => (
            <ToggleButton key={key} id={key} className="btn btn-ghost">
              {PERIODS[key].label}
            </ToggleButton>
          ))}
        </ToggleButtonGroup>
      </div>
      {byDay.isPending && <Spinner label="Loading usage" />}
      <ErrorNotice error={byDay.error} />
      {byDay.data && (
        <>
          <dl className="figures">
            <div className="figure">
              <dt>Runs</dt>
              <dd>{formatTokens(byDay.data.totals.runs)}</dd>
            </div>
            <div className="figure">
              <dt>Tokens</dt>
              <dd>{formatTokens(byDay.data.totals.totalTokens)}</dd>
            </div>
            <div className="figure">
              <dt>Cost</dt>
              <dd>{formatCost(byDay.data.totals.costUsd)}</dd>
            </div>
          </dl>
          <section aria-labelledby="usage-over-time" className="usage-section">
            <h3 id="usage-over-time">Over time</h3>
            <OverTimeChart report={byDay.data} />
            <DaysTable
              report={byDay.data}
              caption={`Tokens and cost per day, ${period.from} to ${period.to}`}
            />
          </section>
        </>
      )}
      {GROUPS.map((group) => (
        <GroupSection key={group.groupBy} {...group} period={period} />
      ))}
    </main>
  );
}

function GroupSection({
  groupBy,
  title,
  noun,
  period,
}: (typeof GROUPS)[number] & { period: { from: string; to: string } }) {
  const report = useUsage(groupBy, period);
  const id = `usage-${groupBy}`;
  return (
    <section aria-labelledby={id} className="usage-section">
      <h3 id={id}>{title}</h3>
      {report.isPending && <Spinner label={`Loading usage ${title.toLowerCase()}`} />}
      <ErrorNotice error={report.error} />
      {report.data &&
        (report.data.rows.length === 0 ? (
          <p className="muted">No runs in this period.</p>
        ) : (
          <>
            <CostByGroupChart report={report.data} label={`Cost per day ${title.toLowerCase()}`} />
            <GroupsTable
              report={report.data}
              noun={noun}
              caption={`Usage ${title.toLowerCase()}, ${period.from} to ${period.to}`}
            />
          </>
        ))}
    </section>
  );
}
