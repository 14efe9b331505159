/** Latency samples (milliseconds) summarised the way the benchmark tables print them. */
export interface LatencySummary {
  count: number;
  /** Wall time of the whole timed loop, including the harness's own overhead. */
  totalMs: number;
  /** count / totalMs, per second. */
  opsPerSec: number;
  minMs: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Percentile of ascending-sorted values by linear interpolation between closest ranks (p in [0, 100]). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const low = sorted[lo]!;
  return low + (sorted[hi]! - low) * (rank - lo);
}

export function summarize(samplesMs: readonly number[], totalMs: number): LatencySummary {
  const sorted = [...samplesMs].sort((x, y) => x - y);
  const sum = sorted.reduce((acc, v) => acc + v, 0);
  return {
    count: sorted.length,
    totalMs,
    opsPerSec: totalMs > 0 ? (sorted.length * 1000) / totalMs : Number.NaN,
    minMs: sorted[0] ?? Number.NaN,
    meanMs: sorted.length ? sum / sorted.length : Number.NaN,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** a / b, or NaN when either side is missing or b is zero. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : Number.NaN;
}
