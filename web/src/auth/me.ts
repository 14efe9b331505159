import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import { unwrap } from "../api/errors";
import type { Me } from "../api/types";

/** Permissions as /auth/me names them (see GET /permissions for the catalogue). */
export type Permission =
  | "kb:read"
  | "kb:write"
  | "chat:use"
  | "approvals:decide"
  | "conversations:handoff"
  | "templates:manage"
  | "agents:manage"
  | "users:manage"
  | "roles:manage"
  | "departments:manage"
  | "analytics:read"
  | "audit:read"
  | "org:admin";

export const meQuery = {
  queryKey: ["me"],
  queryFn: async () => unwrap(await api.GET("/auth/me")),
  staleTime: 60_000,
} as const;

/** Who is signed in and what they may do (effective permissions, after role and overrides). */
export function useMe() {
  return useQuery(meQuery);
}

export function can(me: Me | undefined, permission: Permission): boolean {
  return me?.permissions.includes(permission) ?? false;
}

/** True when the signed-in person holds the permission: show the button only then. */
export function useCan(permission: Permission): boolean {
  return can(useMe().data, permission);
}
