import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { ResponseOf } from "../../api/types";

export type KnowledgeBase = ResponseOf<"/knowledge-bases/{id}", "get">;
export type KbDocument = ResponseOf<"/documents/{id}", "get">;
export type WebSource = ResponseOf<"/knowledge-bases/{id}/web-sources", "get">["items"][number];
export type SearchResults = ResponseOf<"/knowledge-bases/{id}/search", "post">;
export type Department = ResponseOf<"/departments", "get">["items"][number];

/** Query keys of the knowledge pages: one place, so a change invalidates what shows it. */
export const knowledgeKeys = {
  bases: ["knowledge-bases"] as const,
  base: (id: string) => ["knowledge-bases", id] as const,
  documents: (id: string) => ["knowledge-bases", id, "documents"] as const,
  webSources: (id: string) => ["knowledge-bases", id, "web-sources"] as const,
  document: (id: string) => ["documents", id] as const,
  chunks: (id: string) => ["documents", id, "chunks"] as const,
};

const busy = (status: string) => status === "pending" || status === "processing";

export function useDepartments() {
  return useQuery({
    queryKey: ["departments", "visible"],
    queryFn: async () => unwrap(await api.GET("/departments", { params: { query: { pageSize: 100 } } })),
    staleTime: 60_000,
  });
}

export function useKnowledgeBases() {
  return useQuery({
    queryKey: knowledgeKeys.bases,
    queryFn: async () => unwrap(await api.GET("/knowledge-bases", { params: { query: { pageSize: 100 } } })),
  });
}

export function useKnowledgeBase(id: string) {
  return useQuery({
    queryKey: knowledgeKeys.base(id),
    queryFn: async () => unwrap(await api.GET("/knowledge-bases/{id}", { params: { path: { id } } })),
  });
}

/** The documents, polled every second while any of them is still being ingested (live status). */
export function useDocuments(id: string) {
  return useQuery({
    queryKey: knowledgeKeys.documents(id),
    queryFn: async () =>
      unwrap(
        await api.GET("/knowledge-bases/{id}/documents", {
          params: { path: { id }, query: { pageSize: 100 } },
        }),
      ),
    refetchInterval: (query) => (query.state.data?.items.some((d) => busy(d.status)) ? 1000 : false),
  });
}

/** Web sources, polled while a crawl is running. */
export function useWebSources(id: string) {
  return useQuery({
    queryKey: knowledgeKeys.webSources(id),
    queryFn: async () =>
      unwrap(
        await api.GET("/knowledge-bases/{id}/web-sources", {
          params: { path: { id }, query: { pageSize: 100 } },
        }),
      ),
    refetchInterval: (query) =>
      query.state.data?.items.some((s) => s.lastCrawlStatus !== "done" && s.lastCrawlStatus !== "failed")
        ? 1500
        : false,
  });
}

export function useDocument(id: string) {
  return useQuery({
    queryKey: knowledgeKeys.document(id),
    queryFn: async () => unwrap(await api.GET("/documents/{id}", { params: { path: { id } } })),
    refetchInterval: (query) => (query.state.data && busy(query.state.data.status) ? 1000 : false),
  });
}

export function useChunks(id: string, enabled: boolean) {
  return useQuery({
    queryKey: knowledgeKeys.chunks(id),
    enabled,
    queryFn: async () =>
      unwrap(await api.GET("/documents/{id}/chunks", { params: { path: { id }, query: { pageSize: 100 } } })),
  });
}
