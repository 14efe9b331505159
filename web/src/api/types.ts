import type { paths } from "./schema";

/** The JSON body a route answers with a given status, straight from the generated schema. */
export type ResponseOf<
  P extends keyof paths,
  M extends keyof paths[P],
  S extends number = 200,
> = paths[P][M] extends { responses: infer R }
  ? R extends Record<S, { content: { "application/json": infer B } }>
    ? B
    : never
  : never;

export type Me = ResponseOf<"/auth/me", "get">;
export type Conversation = ResponseOf<"/conversations/{id}", "get">;
export type Message = ResponseOf<"/conversations/{id}/messages", "get">["items"][number];
export type Agent = ResponseOf<"/agents", "get">["items"][number];
export type DocumentView = ResponseOf<"/documents/{id}", "get">;
export type Chunk = ResponseOf<"/documents/{id}/chunks", "get">["items"][number];
export type Citation = ResponseOf<"/conversations/{id}/messages", "post">["citations"][number];
