import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { Message } from "../../api/types";

/** Query keys of the chat area, so mutations and streams can refresh exactly what changed. */
export const chatKeys = {
  all: ["conversations"] as const,
  list: (q: string) => ["conversations", "list", q] as const,
  one: (id: string) => ["conversations", "one", id] as const,
  messages: (id: string) => ["conversations", "messages", id] as const,
  agents: ["agents", "chat"] as const,
  desks: ["namespaces", "chat"] as const,
};

export function useConversations(q: string) {
  return useQuery({
    queryKey: chatKeys.list(q),
    queryFn: async () => {
      const query = { pageSize: 50, ...(q ? { q } : {}) };
      const page = unwrap(await api.GET("/conversations", { params: { query } }));
      return page.items;
    },
    placeholderData: (previous) => previous,
  });
}

export const conversationQuery = (id: string) =>
  queryOptions({
    queryKey: chatKeys.one(id),
    queryFn: async () => unwrap(await api.GET("/conversations/{id}", { params: { path: { id } } })),
  });

/** Every message of a conversation, oldest first (pages followed to the end). */
export const messagesQuery = (id: string) =>
  queryOptions({
    queryKey: chatKeys.messages(id),
    queryFn: async () => {
      const all: Message[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 20; page++) {
        const query = { limit: 100, ...(cursor ? { cursor } : {}) };
        const result = unwrap(
          await api.GET("/conversations/{id}/messages", { params: { path: { id }, query } }),
        );
        all.push(...result.items);
        if (!result.nextCursor) break;
        cursor = result.nextCursor;
      }
      return all;
    },
  });

/** The assistants the person may talk to (enabled, not archived, published). */
export function useChatAgents() {
  return useQuery({
    queryKey: chatKeys.agents,
    queryFn: async () => {
      const page = unwrap(await api.GET("/agents", { params: { query: { pageSize: 100 } } }));
      return page.items
        .filter((a) => a.enabled && !a.archived && a.currentVersionId)
        .sort((a, b) => a.name.localeCompare(b.name));
    },
    staleTime: 60_000,
  });
}

/**
 * The department desks (namespaces) the person may ask: a conversation through a desk follows its
 * rules (intents, approval of replies, handoff to a person) and its department's assistant.
 */
export function useChatDesks() {
  return useQuery({
    queryKey: chatKeys.desks,
    queryFn: async () => {
      const page = unwrap(await api.GET("/namespaces", { params: { query: { pageSize: 100 } } }));
      return page.items.filter((ns) => ns.isActive).sort((a, b) => a.name.localeCompare(b.name));
    },
    staleTime: 60_000,
  });
}

/** Whom a new conversation talks to: an assistant, or a department's desk. */
export type ChatTarget = { agentId: string } | { namespaceId: string };

export function useCreateConversation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (target: ChatTarget) =>
      unwrap(await api.POST("/conversations", { body: { ...target, channel: "web" } })),
    onSuccess: (conversation) => {
      client.setQueryData(chatKeys.one(conversation.id), conversation);
      void client.invalidateQueries({ queryKey: ["conversations", "list"] });
    },
  });
}

export function useSetStatus(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (verb: "close" | "reopen") =>
      unwrap(
        verb === "close"
          ? await api.POST("/conversations/{id}/close", { params: { path: { id } } })
          : await api.POST("/conversations/{id}/reopen", { params: { path: { id } } }),
      ),
    onSuccess: (conversation) => {
      client.setQueryData(chatKeys.one(id), conversation);
      void client.invalidateQueries({ queryKey: ["conversations", "list"] });
    },
  });
}

export function useFeedback(conversationId: string, messageId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: { rating: 1 | -1; comment?: string | null }) =>
      unwrap(
        await api.POST("/conversations/{id}/messages/{messageId}/feedback", {
          params: { path: { id: conversationId, messageId } },
          body: input,
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: chatKeys.messages(conversationId) }),
  });
}
