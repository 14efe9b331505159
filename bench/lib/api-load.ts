import autocannon from "autocannon";
import { type LatencySummary, summarize } from "./stats.js";

export interface LoadOptions {
  url: string;
  connections: number;
  durationSec: number;
  headers?: Record<string, string>;
}

export interface LoadResult {
  /** 2xx responses. */
  ok: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  durationSec: number;
  /** 2xx responses per second of the run. */
  reqPerSec: number;
  /** Of 2xx responses, from autocannon's per-response times (µs resolution, not its 1 ms histogram). */
  latency: LatencySummary;
  /** Every 2xx response time (ms), for pooling runs. */
  samplesMs: number[];
  bytesPerResponse: number;
}

/** One closed-loop autocannon run: `connections` keep-alive connections, each sending the next request on reply. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const samplesMs: number[] = [];
  let bytes = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationSec,
        headers: options.headers ?? {},
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        const durationSec = result.duration;
        const latency = summarize(samplesMs, durationSec * 1000);
        resolve({
          ok: samplesMs.length,
          non2xx: result.non2xx,
          errors: result.errors,
          durationSec,
          reqPerSec: latency.opsPerSec,
          latency,
          samplesMs,
          bytesPerResponse: samplesMs.length > 0 ? bytes / samplesMs.length : 0,
        });
      },
    );
    instance.on("response", (_client, statusCode, resBytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) {
        samplesMs.push(responseTime);
        bytes += resBytes;
      }
    });
  });
}

/** Several runs of one target as one: requests over total time, percentiles over every sample. */
export function poolRuns(runs: readonly LoadResult[]): LatencySummary & { non2xx: number; errors: number } {
  const samples = runs.flatMap((r) => r.samplesMs);
  const totalMs = runs.reduce((acc, r) => acc + r.durationSec * 1000, 0);
  return {
    ...summarize(samples, totalMs),
    non2xx: runs.reduce((acc, r) => acc + r.non2xx, 0),
    errors: runs.reduce((acc, r) => acc + r.errors, 0),
  };
}
