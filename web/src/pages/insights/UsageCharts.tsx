import {
  Bar,
  BarChart,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  type TooltipContentProps,
  XAxis,
  YAxis,
} from "recharts";
import type { NameType, ValueType } from "recharts/types/component/DefaultTooltipContent";
import { useTheme } from "../../lib/theme";
import { daysBetween, formatCost, formatTokens } from "./format";
import type { UsageReport } from "./queries";

/** Series colours per theme (contrast checked against each theme's surface). */
const PALETTE = {
  light: ["#4338ca", "#0f766e", "#b45309", "#be185d", "#1d4ed8", "#4d7c0f", "#6b7280"],
  dark: ["#a5b4fc", "#5eead4", "#fcd34d", "#f9a8d4", "#93c5fd", "#bef264", "#d1d5db"],
};
const AXIS = { light: "#555a66", dark: "#a6abb8" };
const GRID = { light: "#d6d8e0", dark: "#383c48" };
/** More groups than this share one "Other" series, so a chart stays readable. */
const MAX_SERIES = 6;

export const groupLabel = (row: UsageReport["rows"][number]) => row.name ?? "None";

function ChartTooltip({ active, payload, label }: TooltipContentProps<ValueType, NameType>) {
  if (!active || !payload?.length) return null;
  return (
    <div className="chart-tooltip">
      <strong>{label}</strong>
      {payload.map((p) => (
        <div key={String(p.dataKey)}>
          {p.name}: {p.dataKey === "tokens" ? formatTokens(Number(p.value)) : formatCost(Number(p.value))}
        </div>
      ))}
    </div>
  );
}

/**
 * Cost per day, stacked by group (department, assistant or model). Only the picture: the numbers are
 * in the table beside it, so the chart is one image to assistive technology.
 */
export function CostByGroupChart({ report, label }: { report: UsageReport; label: string }) {
  const theme = useTheme();
  const shown = report.rows.slice(0, MAX_SERIES);
  const rest = report.rows.slice(MAX_SERIES);
  const series = [
    ...shown.map((row, i) => ({ key: `s${i}`, name: groupLabel(row), days: row.days })),
    ...(rest.length > 0 ? [{ key: "other", name: "Other", days: rest.flatMap((r) => r.days) }] : []),
  ];
  const days = daysBetween(report.from, report.to);
  const data = days.map((day) => {
    const point: Record<string, number | string> = { day };
    for (const s of series) {
      point[s.key] = s.days.filter((d) => d.day === day).reduce((sum, d) => sum + d.costUsd, 0);
    }
    return point;
  });
  return (
    <div className="chart" role="img" aria-label={`${label} (the numbers are in the table below)`}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={GRID[theme]} vertical={false} />
          <XAxis dataKey="day" stroke={AXIS[theme]} tick={{ fill: AXIS[theme], fontSize: 12 }} />
          <YAxis
            stroke={AXIS[theme]}
            tick={{ fill: AXIS[theme], fontSize: 12 }}
            tickFormatter={(v: number) => formatCost(v)}
            width={72}
          />
          <Tooltip content={ChartTooltip} cursor={{ fill: GRID[theme], opacity: 0.4 }} />
          <Legend />
          {series.map((s, i) => (
            <Bar
              key={s.key}
              dataKey={s.key}
              name={s.name}
              stackId="cost"
              fill={PALETTE[theme][i % PALETTE[theme].length]}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Tokens (bars) and cost (line) per day for the whole period. */
export function OverTimeChart({ report }: { report: UsageReport }) {
  const theme = useTheme();
  const byDay = new Map(report.rows.map((row) => [row.name, row]));
  const data = daysBetween(report.from, report.to).map((day) => ({
    day,
    tokens: byDay.get(day)?.totalTokens ?? 0,
    cost: byDay.get(day)?.costUsd ?? 0,
  }));
  return (
    <div
      className="chart"
      role="img"
      aria-label="Tokens and cost per day (the numbers are in the table below)"
    >
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart
          data={data}
          accessibilityLayer={false}
          margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
        >
          <CartesianGrid stroke={GRID[theme]} vertical={false} />
          <XAxis dataKey="day" stroke={AXIS[theme]} tick={{ fill: AXIS[theme], fontSize: 12 }} />
          <YAxis
            yAxisId="tokens"
            stroke={AXIS[theme]}
            tick={{ fill: AXIS[theme], fontSize: 12 }}
            tickFormatter={(v: number) => formatTokens(v)}
            width={64}
          />
          <YAxis
            yAxisId="cost"
            orientation="right"
            stroke={AXIS[theme]}
            tick={{ fill: AXIS[theme], fontSize: 12 }}
            tickFormatter={(v: number) => formatCost(v)}
            width={72}
          />
          <Tooltip content={ChartTooltip} cursor={{ fill: GRID[theme], opacity: 0.4 }} />
          <Legend />
          <Bar
            yAxisId="tokens"
            dataKey="tokens"
            name="Tokens"
            fill={PALETTE[theme][0]}
            isAnimationActive={false}
          />
          <Line
            yAxisId="cost"
            dataKey="cost"
            name="Cost"
            stroke={PALETTE[theme][2]}
            strokeWidth={2}
            isAnimationActive={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
