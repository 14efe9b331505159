import { Link, useParams } from "@tanstack/react-router";
import { Can } from "../../auth/Can";
import { fullDate } from "../../lib/time";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { Spinner } from "../../ui/Spinner";
import { formatCost, formatMs, formatScore, formatTokens } from "./format";
import { type RunTrace, useRunTrace } from "./queries";
import { StageWaterfall } from "./StageWaterfall";
import "../../styles/insights.css";

/**
 * One run's trace (GET /runs/{id}, by run or task id): what it cost and how long it took, its stages
 * as a waterfall, the tool calls it made and the passages retrieval gave the model, with scores.
 */
export function RunTracePage() {
  const { runId } = useParams({ from: "/app/insights/runs/$runId" });
  const trace = useRunTrace(runId);
  return (
    <main className="page insights" id="main">
      {/* The person who asked reads their own run's trace without analytics:read (no runs list). */}
      <Can permission="analytics:read">
        <p>
          <Link to="/insights">← All runs</Link>
        </p>
      </Can>
      <h1>Run trace</h1>
      {trace.isPending && <Spinner label="Loading the trace" />}
      <ErrorNotice error={trace.error} />
      {trace.data && <TraceView trace={trace.data} />}
    </main>
  );
}

function TraceView({ trace }: { trace: RunTrace }) {
  const { run, task } = trace;
  const tokens = run ?? task;
  return (
    <>
      <dl className="figures">
        <Figure label="Status" value={run?.status ?? task?.status ?? "—"} />
        <Figure label="Model" value={run ? `${run.provider}/${run.model}` : "—"} />
        <Figure label="Started" value={fullDate(run?.startedAt ?? task?.startedAt ?? null) || "—"} />
        <Figure label="Prompt tokens" value={tokens ? formatTokens(tokens.promptTokens) : "—"} />
        <Figure label="Completion tokens" value={tokens ? formatTokens(tokens.completionTokens) : "—"} />
        <Figure label="Total tokens" value={tokens ? formatTokens(tokens.totalTokens) : "—"} />
        <Figure label="Cost" value={tokens ? formatCost(tokens.costUsd) : "—"} />
        <Figure label="Time to first token" value={formatMs(run?.firstTokenMs)} />
        <Figure label="Duration" value={formatMs(run?.latencyMs ?? task?.durationMs)} />
      </dl>
      {(run?.error ?? task?.error) && (
        <p className="notice notice-error">Failed: {run?.error ?? task?.error}</p>
      )}
      {run?.pii && (
        <p className="muted">
          Personal data masking ({run.pii.policy}): {run.pii.masked} value(s) masked
          {run.pii.kinds.length > 0 ? ` (${run.pii.kinds.join(", ")})` : ""}.
        </p>
      )}

      <section aria-labelledby="stages-heading">
        <h2 id="stages-heading">Stages</h2>
        {run && run.stages.length > 0 ? (
          <StageWaterfall stages={run.stages} totalMs={run.latencyMs} />
        ) : (
          <p className="muted">This run has no timed stages.</p>
        )}
      </section>

      <section aria-labelledby="tools-heading">
        <h2 id="tools-heading">Tool calls</h2>
        {trace.toolCalls.length === 0 ? (
          <p className="muted">No tools were called.</p>
        ) : (
          <ol className="trace-list">
            {trace.toolCalls.map((call) => (
              <li key={call.id} className="card">
                <p className="trace-item-head">
                  <span className="mono">{call.name}</span>
                  <span className={`status status-${call.status}`}>{call.status}</span>
                  <span className="muted">{formatMs(call.durationMs)}</span>
                </p>
                {call.error && <p className="notice notice-error">{call.error}</p>}
                <details>
                  <summary>Input and output</summary>
                  <pre className="json">{json(call.input)}</pre>
                  <pre className="json">{json(call.output)}</pre>
                </details>
              </li>
            ))}
          </ol>
        )}
      </section>

      <section aria-labelledby="passages-heading">
        <h2 id="passages-heading">Retrieved passages</h2>
        {trace.retrievalHits.length === 0 ? (
          <p className="muted">Nothing was retrieved for this run.</p>
        ) : (
          <ol className="trace-list" aria-label="Retrieved passages">
            {trace.retrievalHits.map((hit) => (
              <li key={hit.rank} className="card passage">
                <p className="trace-item-head">
                  <span className="citation-chip">{hit.citationLabel ?? `#${hit.rank}`}</span>
                  <span>Rank {hit.rank}</span>
                  <span>
                    Score <strong>{formatScore(hit.score)}</strong>
                  </span>
                  {hit.rerankScore !== null && <span>Rerank {formatScore(hit.rerankScore)}</span>}
                  <span className="muted">{hit.retriever}</span>
                </p>
                {hit.snippet && <p className="passage-text">{hit.snippet}</p>}
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div className="figure">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function json(value: unknown): string {
  if (value === null || value === undefined) return "—";
  const text = JSON.stringify(value, null, 2);
  return text.length > 4000 ? `${text.slice(0, 4000)}…` : text;
}
