import { performance } from "node:perf_hooks";
import { type LatencySummary, summarize } from "./stats.js";

export const now = (): number => performance.now();

/** Runs `fn` once and returns its result with the elapsed wall time in milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = now();
  const result = await fn();
  return { result, ms: now() - start };
}

export interface MeasureOptions<T> {
  /** Inputs run (and discarded) before timing starts: caches, plans and JIT get warm. */
  warmup?: readonly T[];
}

/**
 * Runs `fn` once per input, sequentially, timing each call; returns the latency summary and every
 * result in input order (so callers can check what the timed calls returned).
 */
export async function measure<T, R>(
  inputs: readonly T[],
  fn: (input: T, index: number) => Promise<R>,
  options: MeasureOptions<T> = {},
): Promise<{ summary: LatencySummary; results: R[] }> {
  const warmup = options.warmup ?? [];
  for (let i = 0; i < warmup.length; i++) await fn(warmup[i]!, i);
  const samples: number[] = new Array(inputs.length);
  const results: R[] = new Array(inputs.length);
  const start = now();
  for (let i = 0; i < inputs.length; i++) {
    const t0 = now();
    results[i] = await fn(inputs[i]!, i);
    samples[i] = now() - t0;
  }
  return { summary: summarize(samples, now() - start), results };
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "n/a";
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
  const s = ms / 1000;
  if (s < 120) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${(s % 60).toFixed(0)} s`;
}
