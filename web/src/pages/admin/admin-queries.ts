import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { ResponseOf } from "../../api/types";

export type User = ResponseOf<"/users/{id}", "get">;
export type Department = ResponseOf<"/departments/{id}", "get">;
export type Role = ResponseOf<"/roles/{id}", "get">;

/** Departments (archived ones too when asked): names for pickers and the departments page. */
export function useDepartments(includeArchived = false) {
  return useQuery({
    queryKey: ["departments", "list", includeArchived],
    queryFn: async () =>
      unwrap(
        await api.GET("/departments", {
          params: { query: { pageSize: 100, includeArchived: includeArchived ? "true" : "false" } },
        }),
      ).items,
    staleTime: 30_000,
  });
}

export function useRoles() {
  return useQuery({
    queryKey: ["roles", "list"],
    queryFn: async () => unwrap(await api.GET("/roles")).items,
    staleTime: 30_000,
  });
}

/** The permission catalogue (GET /permissions): every permission a role or key can hold. */
export function usePermissionCatalogue() {
  return useQuery({
    queryKey: ["permissions"],
    queryFn: async () => unwrap(await api.GET("/permissions")).items,
    staleTime: 5 * 60_000,
  });
}

/** A mutation that refreshes the given query keys when it succeeds. */
export function useAdminMutation<I, O>(
  fn: (input: I) => Promise<O>,
  refresh: readonly (readonly unknown[])[],
) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => Promise.all(refresh.map((queryKey) => client.invalidateQueries({ queryKey }))),
  });
}
