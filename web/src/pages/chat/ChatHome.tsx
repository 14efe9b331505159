import { useQueryClient } from "@tanstack/react-query";
import { getRouteApi, Link, useNavigate } from "@tanstack/react-router";
import { ArrowLeft } from "lucide-react";
import { useState } from "react";
import {
  Button as AriaButton,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Select,
  SelectValue,
} from "react-aria-components";
import { useCan } from "../../auth/me";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { Spinner } from "../../ui/Spinner";
import { ChatLayout } from "./ChatLayout";
import { Composer } from "./Composer";
import { type ChatTarget, useChatAgents, useChatDesks, useCreateConversation } from "./queries";
import { ask } from "./turns";

const route = getRouteApi("/app/chat");

/** A new conversation: pick an assistant, ask; the conversation is created with the first question. */
export function ChatHome() {
  const canChat = useCan("chat:use");
  const agents = useChatAgents();
  const desks = useChatDesks();
  const [picked, setAgentId] = useState<string | null>(null);
  // The first assistant until the person picks one (derived, so nothing "changes" on load).
  const agentId = picked ?? agents.data?.[0]?.id ?? null;
  // Assistants by their id; a department's desk as "desk:<id>" (its rules apply: reviews, handoff).
  const choices = [
    ...(agents.data ?? []).map((a) => ({ id: a.id, name: a.name, description: a.description })),
    ...(desks.data ?? []).map((d) => ({
      id: `desk:${d.id}`,
      name: `${d.name} desk`,
      description: d.description ?? "A department's desk: some replies are reviewed by a person first",
    })),
  ];
  const target = (id: string): ChatTarget =>
    id.startsWith("desk:") ? { namespaceId: id.slice(5) } : { agentId: id };
  const create = useCreateConversation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const { new: fresh } = route.useSearch();

  const send = async (text: string) => {
    if (!agentId) return;
    const conversation = await create.mutateAsync(target(agentId));
    void ask(client, conversation.id, text).catch(() => undefined);
    await navigate({ to: "/chat/$conversationId", params: { conversationId: conversation.id } });
  };

  return (
    <ChatLayout showMain={fresh === true}>
      <section className="new-conversation" aria-labelledby="new-conversation-title">
        <div className="new-conversation-head">
          <Link to="/chat" className="btn btn-ghost back-link" aria-label="All conversations">
            <ArrowLeft aria-hidden size={18} />
          </Link>
          <h1 id="new-conversation-title">New conversation</h1>
        </div>
        {!canChat && <p className="notice notice-info">Your role does not include talking to assistants.</p>}
        {agents.isPending && <Spinner label="Loading assistants" />}
        <ErrorNotice error={agents.error ?? create.error} />
        {agents.data && agents.data.length === 0 && (
          <p className="muted">No assistant is available to you yet.</p>
        )}
        {agents.data && agents.data.length > 0 && (
          <>
            <Select
              className="field assistant-picker"
              selectedKey={agentId}
              onSelectionChange={(key) => setAgentId(String(key))}
            >
              <Label>Assistant</Label>
              <AriaButton className="select-button">
                <SelectValue />
                <span aria-hidden>▾</span>
              </AriaButton>
              <Popover className="popover">
                <ListBox className="listbox" items={choices}>
                  {(agent) => (
                    <ListBoxItem id={agent.id} className="listbox-item" textValue={agent.name}>
                      <span className="agent-name">{agent.name}</span>
                      {agent.description && <span className="agent-description">{agent.description}</span>}
                    </ListBoxItem>
                  )}
                </ListBox>
              </Popover>
            </Select>
            <p className="muted">{choices.find((a) => a.id === agentId)?.description ?? ""}</p>
            <Composer onSend={send} busy={create.isPending} disabled={!agentId || !canChat} />
          </>
        )}
      </section>
    </ChatLayout>
  );
}
