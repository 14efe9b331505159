/** A document's or crawl's state as a word with its colour (the word carries the meaning, not the colour). */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`status-badge status-${status}`}>{status}</span>;
}

/** Where the ingestion pipeline is: the stage, chunks done of total, or why it failed. */
export function ProgressNote({
  status,
  progress,
  error,
}: {
  status: string;
  progress: { stage: string; done?: number; total?: number } | null;
  error: string | null;
}) {
  if (status === "failed") return <span className="status-reason">{error ?? "No reason given"}</span>;
  if (status !== "processing" || !progress) return null;
  const counts = progress.total ? ` ${progress.done ?? 0}/${progress.total}` : "";
  return (
    <span className="muted">
      {progress.stage}
      {counts}
    </span>
  );
}
