import { useQuery, useQueryClient } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import { ArrowLeft, MoreVertical } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { Menu, MenuItem, MenuTrigger, Popover } from "react-aria-components";
import type { Citation, Message } from "../../api/types";
import { useMe } from "../../auth/me";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { notifyError } from "../../ui/notices";
import { Spinner } from "../../ui/Spinner";
import { ChatLayout } from "./ChatLayout";
import { CitationDialog } from "./CitationDialog";
import { Composer } from "./Composer";
import { useConversationFollow } from "./follow";
import { LiveAnswer } from "./LiveAnswer";
import { MessageItem } from "./MessageItem";
import { conversationQuery, messagesQuery, useSetStatus } from "./queries";
import { ask, isLive, resume, stop, useLiveTurn } from "./turns";

const route = getRouteApi("/app/chat/$conversationId");
/** Only while the conversation stream is down: how often to look for a decided reply. */
const FALLBACK_POLL_MS = 10_000;

const approvalOf = (m: Message) =>
  typeof m.metadata.approvalId === "string" ? m.metadata.approvalId : undefined;

/** A held reply nobody has decided yet (no later message delivers its approval). */
function awaitingReview(messages: Message[]): boolean {
  return withoutDecidedDrafts(messages).some((m) => m.heldForApproval);
}

/** Drops held drafts whose approval delivered another message (an edit or a rejection replaced them). */
function withoutDecidedDrafts(messages: Message[]): Message[] {
  const delivered = new Set(messages.filter((m) => !m.heldForApproval).map(approvalOf));
  return messages.filter((m) => !(m.heldForApproval && delivered.has(approvalOf(m))));
}

export function ConversationPage() {
  const { conversationId } = route.useParams();
  const client = useQueryClient();
  // While a reply waits for review (or a colleague has the conversation), the conversation stream
  // delivers the decided reply live; only while that stream is down do the queries poll.
  const conversation = useQuery(conversationQuery(conversationId));
  const me = useMe();
  const messages = useQuery(messagesQuery(conversationId));
  const state = conversation.data?.status;
  const following =
    state === "awaiting_approval" || state === "escalated" || awaitingReview(messages.data ?? []);
  const follow = useConversationFollow(conversationId, following);
  // A second observer of the same queries, polling only as the fallback.
  const poll = following && !follow.live ? FALLBACK_POLL_MS : false;
  useQuery({ ...conversationQuery(conversationId), refetchInterval: poll });
  useQuery({ ...messagesQuery(conversationId), refetchInterval: poll });
  const turn = useLiveTurn(conversationId);
  const status = useSetStatus(conversationId);
  const [citation, setCitation] = useState<Citation | null>(null);
  const end = useRef<HTMLDivElement>(null);

  // A question without an answer after a reload: the answer may still be being written.
  const lastRole = messages.data?.at(-1)?.role;
  useEffect(() => {
    if (lastRole === "user" && !isLive(conversationId)) void resume(client, conversationId);
  }, [lastRole, conversationId, client]);

  // Keep the newest text in view while the answer grows or messages arrive.
  const growth = `${turn?.text.length ?? 0}:${messages.data?.length ?? 0}`;
  useEffect(() => {
    if (growth) end.current?.scrollIntoView({ block: "end" });
  }, [growth]);

  const closed = conversation.data?.status === "closed";
  const waiting = conversation.data?.status === "awaiting_approval";
  const writing = turn !== undefined && (turn.status === "connecting" || turn.status === "streaming");
  const stored = withoutDecidedDrafts(messages.data ?? []);
  const showQuestion = turn?.question && !stored.some((m) => m.id === turn.userMessageId);

  return (
    <ChatLayout activeId={conversationId}>
      <header className="conversation-header">
        <Link to="/chat" className="btn btn-ghost back-link" aria-label="All conversations">
          <ArrowLeft aria-hidden size={18} />
        </Link>
        <div className="conversation-heading">
          <h1>{conversation.data?.title ?? "New conversation"}</h1>
          <p className="muted">
            {conversation.data?.agentName ?? ""}
            {closed ? " · closed" : ""}
          </p>
        </div>
        {conversation.data && (
          <MenuTrigger>
            <Button variant="ghost" aria-label="Conversation actions">
              <MoreVertical aria-hidden size={18} />
            </Button>
            <Popover placement="bottom end" className="popover">
              <Menu
                className="menu"
                aria-label="Conversation actions"
                onAction={(key) =>
                  status.mutate(key === "close" ? "close" : "reopen", { onError: (e) => notifyError(e) })
                }
              >
                {closed ? (
                  <MenuItem id="reopen" className="menu-item">
                    Reopen conversation
                  </MenuItem>
                ) : (
                  <MenuItem id="close" className="menu-item">
                    Close conversation
                  </MenuItem>
                )}
              </Menu>
            </Popover>
          </MenuTrigger>
        )}
      </header>
      <ErrorNotice error={conversation.error ?? messages.error} />
      <div className="messages">
        {messages.isPending && <Spinner label="Loading messages" />}
        {stored.map((message) => (
          <MessageItem
            key={message.id}
            conversationId={conversationId}
            message={message}
            onCite={setCitation}
            askedByMe={conversation.data !== undefined && conversation.data.userId === me.data?.id}
          />
        ))}
        {showQuestion && (
          <article className="message message-user" aria-label="You">
            <p className="message-text">{turn.question}</p>
          </article>
        )}
        {turn && <LiveAnswer turn={turn} onCite={setCitation} />}
        <p className="visually-hidden" role="status" aria-live="polite">
          {follow.announcement}
        </p>
        <div ref={end} />
      </div>
      {closed ? (
        <div className="closed-bar">
          <span>This conversation is closed.</span>
          <Button variant="secondary" onPress={() => status.mutate("reopen")} isPending={status.isPending}>
            Reopen
          </Button>
        </div>
      ) : (
        <Composer
          busy={writing}
          onSend={(text) => ask(client, conversationId, text)}
          onStop={() => void stop(conversationId)}
          disabled={!conversation.data || waiting}
        />
      )}
      <CitationDialog citation={citation} onClose={() => setCitation(null)} />
    </ChatLayout>
  );
}
