import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { ResponseOf } from "../../api/types";

export type RunTrace = ResponseOf<"/runs/{id}", "get">;
export type RunListItem = ResponseOf<"/runs", "get">["items"][number];
export type UsageReport = ResponseOf<"/usage", "get">;
export type UsageGroup = UsageReport["groupBy"];

/** The newest runs whose traces the person may read (GET /runs). */
export function useRuns(limit = 50) {
  return useQuery({
    queryKey: ["runs", "list", limit],
    queryFn: async () => unwrap(await api.GET("/runs", { params: { query: { limit } } })),
  });
}

/** One run's trace, by run id or task id (GET /runs/{id}). */
export function useRunTrace(id: string) {
  return useQuery({
    queryKey: ["runs", "trace", id],
    queryFn: async () => unwrap(await api.GET("/runs/{id}", { params: { path: { id } } })),
  });
}

/** Usage in a period grouped one way (GET /usage, analytics:read). */
export function useUsage(groupBy: UsageGroup, period: { from: string; to: string }) {
  return useQuery({
    queryKey: ["usage", groupBy, period.from, period.to],
    queryFn: async () =>
      unwrap(await api.GET("/usage", { params: { query: { groupBy, from: period.from, to: period.to } } })),
  });
}
