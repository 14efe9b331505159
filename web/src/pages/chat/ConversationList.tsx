import { Link } from "@tanstack/react-router";
import { Plus } from "lucide-react";
import { useDeferredValue, useState } from "react";
import { Input, Label, SearchField } from "react-aria-components";
import { ago, fullDate } from "../../lib/time";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { Spinner } from "../../ui/Spinner";
import { useConversations } from "./queries";

/** The person's conversations, newest first; the search matches titles and message text. */
export function ConversationList({ activeId }: { activeId?: string }) {
  const [search, setSearch] = useState("");
  const q = useDeferredValue(search.trim());
  const list = useConversations(q);
  return (
    <nav className="conversations" aria-label="Conversations">
      <div className="conversations-head">
        <Link to="/chat" search={{ new: true }} className="btn btn-primary new-chat">
          <Plus aria-hidden size={16} /> New conversation
        </Link>
        <SearchField className="field search" value={search} onChange={setSearch}>
          <Label className="visually-hidden">Search conversations</Label>
          <Input placeholder="Search conversations" />
        </SearchField>
      </div>
      {list.isPending && <Spinner label="Loading conversations" />}
      <ErrorNotice error={list.error} />
      {list.data && list.data.length === 0 && (
        <p className="muted empty">{q ? "No conversation matches." : "No conversations yet."}</p>
      )}
      <ul className="conversation-items">
        {list.data?.map((c) => (
          <li key={c.id}>
            <Link
              to="/chat/$conversationId"
              params={{ conversationId: c.id }}
              className={c.id === activeId ? "conversation-item active" : "conversation-item"}
              aria-current={c.id === activeId ? "page" : undefined}
            >
              <span className="conversation-title">{c.title ?? "Untitled conversation"}</span>
              <span className="conversation-meta">
                {c.agentName ?? "Assistant"}
                {c.status === "closed" ? " · closed" : ""} ·{" "}
                <time
                  dateTime={c.lastMessageAt ?? c.createdAt}
                  title={fullDate(c.lastMessageAt ?? c.createdAt)}
                >
                  {ago(c.lastMessageAt ?? c.createdAt)}
                </time>
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
