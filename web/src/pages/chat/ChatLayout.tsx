import type { ReactNode } from "react";
import { ConversationList } from "./ConversationList";

/**
 * Conversation list beside the open conversation. On a phone only one shows: the list at /chat, the
 * conversation (with a way back) at /chat/:id — `data-pane` tells the stylesheet which.
 */
export function ChatLayout({
  activeId,
  showMain = activeId !== undefined,
  children,
}: {
  activeId?: string;
  /** On a phone, show the main pane instead of the list. */
  showMain?: boolean;
  children: ReactNode;
}) {
  return (
    <div className="chat" data-pane={showMain ? "conversation" : "list"}>
      <aside className="chat-sidebar">
        <ConversationList {...(activeId ? { activeId } : {})} />
      </aside>
      <main className="chat-main" id="main">
        {children}
      </main>
    </div>
  );
}
