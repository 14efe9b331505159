import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { ResponseOf } from "../../api/types";

export type AgentView = ResponseOf<"/agents/{id}", "get">;
export type AgentVersion = ResponseOf<"/agents/{id}/versions", "get">["items"][number];
export type Persona = ResponseOf<"/personas/{id}", "get">;
export type Namespace = ResponseOf<"/namespaces/{id}", "get">;
export type ToolView = ResponseOf<"/tools/{id}", "get">;
export type PluginList = ResponseOf<"/namespaces/{id}/plugins", "get">;

export const assistantKeys = {
  agents: ["agents", "manage"] as const,
  agent: (id: string) => ["agents", "manage", id] as const,
  versions: (id: string) => ["agents", "manage", id, "versions"] as const,
  personas: ["personas"] as const,
  namespaces: ["namespaces"] as const,
  namespace: (id: string) => ["namespaces", id] as const,
  plugins: (id: string) => ["namespaces", id, "plugins"] as const,
  approvalPolicy: (id: string) => ["namespaces", id, "approval-policy"] as const,
  trust: (id: string) => ["namespaces", id, "trust"] as const,
  tools: ["tools"] as const,
  builtins: ["tools", "builtins"] as const,
};

export function useAgents() {
  return useQuery({
    queryKey: assistantKeys.agents,
    queryFn: async () =>
      unwrap(await api.GET("/agents", { params: { query: { pageSize: 100, archived: "true" } } })),
  });
}

export function useAgent(id: string) {
  return useQuery({
    queryKey: assistantKeys.agent(id),
    queryFn: async () => unwrap(await api.GET("/agents/{id}", { params: { path: { id } } })),
  });
}

export function useVersions(id: string) {
  return useQuery({
    queryKey: assistantKeys.versions(id),
    queryFn: async () =>
      unwrap(await api.GET("/agents/{id}/versions", { params: { path: { id }, query: { pageSize: 100 } } })),
  });
}

export function usePersonas() {
  return useQuery({
    queryKey: assistantKeys.personas,
    queryFn: async () => unwrap(await api.GET("/personas", { params: { query: { pageSize: 100 } } })),
  });
}

export function useNamespaces() {
  return useQuery({
    queryKey: assistantKeys.namespaces,
    queryFn: async () => unwrap(await api.GET("/namespaces", { params: { query: { pageSize: 100 } } })),
  });
}

export function useNamespace(id: string) {
  return useQuery({
    queryKey: assistantKeys.namespace(id),
    queryFn: async () => unwrap(await api.GET("/namespaces/{id}", { params: { path: { id } } })),
  });
}

export function usePlugins(id: string) {
  return useQuery({
    queryKey: assistantKeys.plugins(id),
    queryFn: async () => unwrap(await api.GET("/namespaces/{id}/plugins", { params: { path: { id } } })),
  });
}

export function useTools() {
  return useQuery({
    queryKey: assistantKeys.tools,
    queryFn: async () => unwrap(await api.GET("/tools", { params: { query: { pageSize: 100 } } })),
  });
}

export function useBuiltinTools() {
  return useQuery({
    queryKey: assistantKeys.builtins,
    queryFn: async () => unwrap(await api.GET("/tools/builtins")),
    staleTime: 300_000,
  });
}
