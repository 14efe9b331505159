import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  argumentChunks,
  type ChatScriptStep,
  DEFAULT_FALLBACK,
  passagesIn,
  replyFor,
  type ScriptReply,
  sleep,
  textChunks,
  wordCount,
} from "./chat-script.js";

export type { ChatScriptStep, ScriptedToolCall } from "./chat-script.js";

/** An OpenAI chat message as the client sent it. */
export interface RecordedMessage {
  role: string;
  content: unknown;
  tool_calls?: { id: string; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
}

export interface RecordedChatRequest {
  path: string;
  authorization: string | undefined;
  /** The whole JSON body. */
  body: Record<string, unknown>;
  model: string;
  stream: boolean;
  messages: RecordedMessage[];
  /** Function tools offered to the model. */
  tools: { name: string; description?: string; parameters?: unknown }[];
  at: number;
}

export interface FakeOpenAIChatServer {
  /** Base URL including `/v1` (what LLM_BASE_URL would be). */
  baseUrl: string;
  /** Every request to `/v1/chat/completions`, in order. */
  requests: RecordedChatRequest[];
  /** Replaces the queue of steps; each chat completion request consumes one. */
  script(...steps: ChatScriptStep[]): void;
  /** Steps not consumed yet. */
  readonly pending: number;
  close(): Promise<void>;
}

/** Text of an OpenAI message content (a string or an array of parts). */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part) => (typeof part?.text === "string" ? part.text : "")).join("\n");
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return JSON.parse(Buffer.concat(parts).toString("utf8") || "{}") as Record<string, unknown>;
}

function record(req: IncomingMessage, body: Record<string, unknown>): RecordedChatRequest {
  const tools = Array.isArray(body.tools) ? (body.tools as { function?: Record<string, unknown> }[]) : [];
  return {
    path: req.url ?? "",
    authorization: req.headers.authorization,
    body,
    model: String(body.model ?? ""),
    stream: body.stream === true,
    messages: (Array.isArray(body.messages) ? body.messages : []) as RecordedMessage[],
    tools: tools.map((t) => ({
      name: String(t.function?.name ?? ""),
      description: t.function?.description as string | undefined,
      parameters: t.function?.parameters,
    })),
    at: Date.now(),
  };
}

function usageOf(step: ChatScriptStep, request: RecordedChatRequest, reply: ScriptReply) {
  const given = "usage" in step ? step.usage : undefined;
  const prompt =
    given?.promptTokens ?? wordCount(request.messages.map((m) => contentText(m.content)).join(" "));
  const completion =
    given?.completionTokens ??
    wordCount(reply.text) + reply.toolCalls.reduce((n, c) => n + wordCount(c.arguments), 0);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

const created = () => Math.floor(Date.now() / 1000);

function completion(model: string, reply: ScriptReply, usage: ReturnType<typeof usageOf>) {
  const toolCalls = reply.toolCalls.map((c) => ({
    id: c.id,
    type: "function",
    function: { name: c.name, arguments: c.arguments },
  }));
  return {
    id: `chatcmpl-${Date.now()}`,
    object: "chat.completion",
    created: created(),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: reply.text.length > 0 ? reply.text : null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: toolCalls.length > 0 ? "tool_calls" : "stop",
      },
    ],
    usage,
  };
}

/** Server-sent chunks in the order OpenAI sends them: role, content, tool calls, finish, usage. */
function streamChunks(model: string, reply: ScriptReply, usage: ReturnType<typeof usageOf> | undefined) {
  const base = { id: `chatcmpl-${Date.now()}`, object: "chat.completion.chunk", created: created(), model };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
    ...base,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const chunks: unknown[] = [chunk({ role: "assistant", content: "" })];
  for (const piece of reply.chunks ?? textChunks(reply.text)) chunks.push(chunk({ content: piece }));
  reply.toolCalls.forEach((call, index) => {
    chunks.push(
      chunk({
        tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }],
      }),
    );
    for (const piece of argumentChunks(call.arguments)) {
      chunks.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  chunks.push(chunk({}, reply.toolCalls.length > 0 ? "tool_calls" : "stop"));
  if (usage) chunks.push({ ...base, choices: [], usage });
  return chunks;
}

async function answer(
  res: ServerResponse,
  step: ChatScriptStep,
  request: RecordedChatRequest,
): Promise<void> {
  if ("hang" in step) return;
  if ("status" in step) {
    res.writeHead(step.status, {
      "content-type": "application/json",
      ...(step.retryAfter ? { "retry-after": step.retryAfter } : {}),
    });
    res.end(
      JSON.stringify({
        error: {
          message: step.error ?? `scripted failure ${step.status}`,
          type: "fake_error",
          code: step.status,
        },
      }),
    );
    return;
  }
  const passages = passagesIn(
    request.messages
      .filter((m) => m.role === "system" || m.role === "tool")
      .map((m) => contentText(m.content)),
  );
  const reply = replyFor(step, passages);
  const usage = usageOf(step, request, reply);
  const delayMs = step.delayMs ?? 0;
  if (!request.stream) {
    if (delayMs > 0) await sleep(delayMs);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(completion(request.model, reply, usage)));
    return;
  }
  const includeUsage = (request.body.stream_options as { include_usage?: boolean } | undefined)
    ?.include_usage;
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  for (const chunk of streamChunks(request.model, reply, includeUsage ? usage : undefined)) {
    if (delayMs > 0) await sleep(delayMs);
    if (res.destroyed) return;
    res.write(`data: ${JSON.stringify(chunk)}\n\n`);
  }
  res.end("data: [DONE]\n\n");
}

/**
 * A real HTTP server speaking OpenAI's chat completions protocol (`POST /v1/chat/completions`, streamed
 * as SSE or not, with tool calls and usage) and `GET /v1/models`, following a script of steps. Every
 * request is recorded (messages, tools) for assertions. Point LLM_BASE_URL (or the provider's baseUrl)
 * at `baseUrl`.
 */
export async function startFakeOpenAIChatServer(
  options: {
    models?: string[];
    fallback?: ChatScriptStep;
    /** Picks the step from the request itself instead of the script (tests running in any order). */
    chooseStep?: (request: RecordedChatRequest) => ChatScriptStep;
  } = {},
): Promise<FakeOpenAIChatServer> {
  let steps: ChatScriptStep[] = [];
  const requests: RecordedChatRequest[] = [];
  const fallback = options.fallback ?? DEFAULT_FALLBACK;
  const server: Server = createServer(async (req, res) => {
    if (req.method === "GET" && req.url === "/v1/models") {
      const data = (options.models ?? ["fake-model"]).map((id) => ({
        id,
        object: "model",
        owned_by: "fake",
      }));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ object: "list", data }));
      return;
    }
    if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
      return;
    }
    const request = record(req, await readJson(req));
    requests.push(request);
    await answer(res, options.chooseStep?.(request) ?? steps.shift() ?? fallback, request);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    script(...next) {
      steps = [...next];
    },
    get pending() {
      return steps.length;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
