import { Link } from "@tanstack/react-router";
import { fullDate } from "../../lib/time";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { Spinner } from "../../ui/Spinner";
import { formatCost, formatMs, formatTokens } from "./format";
import { InsightsNav } from "./InsightsNav";
import { useRuns } from "./queries";
import { ScrollRegion } from "./ScrollRegion";
import "../../styles/insights.css";

/**
 * The newest runs whose traces the person may read (GET /runs): their own, and with analytics:read
 * their departments'. Each opens its trace. (A plain table: its links are ordinary Tab stops.)
 */
export function RunsPage() {
  const runs = useRuns(100);
  return (
    <main className="page insights" id="main">
      <h1>Insights</h1>
      <InsightsNav />
      <h2>Recent runs</h2>
      {runs.isPending && <Spinner label="Loading runs" />}
      <ErrorNotice error={runs.error} />
      {runs.data && runs.data.items.length === 0 && (
        <p className="notice notice-info">No runs yet: every answer an assistant gives is one.</p>
      )}
      {runs.data && runs.data.items.length > 0 && (
        <ScrollRegion label="Recent runs">
          <table className="table runs-table">
            <caption className="visually-hidden">Recent runs, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Assistant</th>
                <th scope="col">Model</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Tokens
                </th>
                <th scope="col" className="num">
                  Cost
                </th>
                <th scope="col" className="num">
                  First token
                </th>
                <th scope="col" className="num">
                  Duration
                </th>
              </tr>
            </thead>
            <tbody>
              {runs.data.items.map((run) => (
                <tr key={run.id}>
                  <th scope="row">
                    <Link to="/insights/runs/$runId" params={{ runId: run.id }}>
                      {fullDate(run.startedAt)}
                    </Link>
                  </th>
                  <td>{run.agentName ?? "—"}</td>
                  <td className="mono">
                    {run.provider}/{run.model}
                  </td>
                  <td>
                    <span className={`status status-${run.status}`}>{run.status}</span>
                  </td>
                  <td className="num">{formatTokens(run.totalTokens)}</td>
                  <td className="num">{formatCost(run.costUsd)}</td>
                  <td className="num">{formatMs(run.firstTokenMs)}</td>
                  <td className="num">{formatMs(run.latencyMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </main>
  );
}
