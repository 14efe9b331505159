import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { ResponseOf } from "../../api/types";

export type Approval = ResponseOf<"/approvals/{id}", "get">;

/** The inbox's views: each is one filter of GET /approvals. */
export const VIEWS = {
  waiting: { label: "Waiting", query: { status: "pending", sample: "false" } },
  escalated: { label: "Escalated", query: { status: "escalated" } },
  samples: { label: "Samples", query: { status: "pending", sample: "true" } },
  all: { label: "All", query: {} },
} as const;
export type View = keyof typeof VIEWS;

export const approvalKeys = {
  all: ["approvals"] as const,
  list: (view: View) => ["approvals", "list", view] as const,
  one: (id: string) => ["approvals", "one", id] as const,
};

/** New items arrive through the notification stream (it refreshes these keys); this is a fallback. */
const FALLBACK_POLL_MS = 15_000;

export function useApprovals(view: View) {
  return useQuery({
    queryKey: approvalKeys.list(view),
    queryFn: async () =>
      unwrap(await api.GET("/approvals", { params: { query: { pageSize: 50, ...VIEWS[view].query } } })),
    refetchInterval: FALLBACK_POLL_MS,
    placeholderData: keepPreviousData,
  });
}

export function useApproval(id: string | undefined) {
  return useQuery({
    queryKey: approvalKeys.one(id ?? ""),
    queryFn: async () => unwrap(await api.GET("/approvals/{id}", { params: { path: { id: id ?? "" } } })),
    enabled: id !== undefined,
  });
}

export type Decision =
  | { kind: "approve"; notes?: string }
  | { kind: "reject"; notes?: string }
  | { kind: "edit"; text: string; notes?: string }
  | { kind: "escalate"; toUserId: string; reason: string };

async function send(id: string, decision: Decision) {
  const path = { path: { id } };
  switch (decision.kind) {
    case "approve":
      return unwrap(
        await api.POST("/approvals/{id}/approve", { params: path, body: { notes: decision.notes } }),
      );
    case "reject":
      return unwrap(
        await api.POST("/approvals/{id}/reject", { params: path, body: { notes: decision.notes } }),
      );
    case "edit":
      return unwrap(
        await api.POST("/approvals/{id}/edit", {
          params: path,
          body: { text: decision.text, notes: decision.notes },
        }),
      );
    case "escalate":
      return unwrap(
        await api.POST("/approvals/{id}/escalate", {
          params: path,
          body: { toUserId: decision.toUserId, reason: decision.reason },
        }),
      );
  }
}

export function useDecide(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (decision: Decision) => send(id, decision),
    onSuccess: (approval) => {
      client.setQueryData(approvalKeys.one(id), approval);
      void client.invalidateQueries({ queryKey: ["approvals", "list"] });
    },
    // A decision that lost the race (409) shows the winner's: refresh what is on screen.
    onError: () => void client.invalidateQueries({ queryKey: approvalKeys.all }),
  });
}

/** Colleagues to escalate to (GET /users needs users:manage; without it escalation is not offered). */
export function usePeople(enabled: boolean) {
  return useQuery({
    queryKey: ["users", "list", "active"],
    queryFn: async () =>
      unwrap(await api.GET("/users", { params: { query: { pageSize: 100, isActive: "true" } } })).items,
    enabled,
    staleTime: 60_000,
  });
}
