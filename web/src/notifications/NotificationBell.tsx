import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { Bell } from "lucide-react";
import { useEffect } from "react";
import { Dialog, DialogTrigger, Heading, Popover } from "react-aria-components";
import { api } from "../api/client";
import { unwrap } from "../api/errors";
import { useCan } from "../auth/me";
import { ago } from "../lib/time";
import { Button } from "../ui/Button";
import { ErrorNotice } from "../ui/ErrorNotice";
import { followNotifications, type NotificationItem, notificationKeys } from "./stream";
import "../styles/notifications.css";

/** The count in the bell is refreshed by the live stream; this is only the fallback. */
const FALLBACK_POLL_MS = 60_000;

/**
 * The notification bell: the unread count, the latest notifications, mark read. It also keeps the
 * live stream open for the whole signed-in app (approvals arriving, replies reviewed).
 */
export function NotificationBell() {
  const client = useQueryClient();
  useEffect(() => followNotifications(client), [client]);
  const unread = useQuery({
    queryKey: notificationKeys.unread,
    queryFn: async () => unwrap(await api.GET("/notifications/unread-count")).unread,
    refetchInterval: FALLBACK_POLL_MS,
  });
  const count = unread.data ?? 0;
  const label = count > 0 ? `Notifications, ${count} unread` : "Notifications";
  return (
    <DialogTrigger>
      <Button variant="ghost" aria-label={label} className="bell">
        <Bell aria-hidden size={18} />
        {count > 0 && (
          <span className="bell-count" aria-hidden>
            {count > 99 ? "99+" : count}
          </span>
        )}
      </Button>
      <Popover placement="bottom end" className="popover bell-popover">
        <Dialog className="bell-dialog" aria-label="Notifications">
          {({ close }) => <NotificationList onOpen={close} />}
        </Dialog>
      </Popover>
    </DialogTrigger>
  );
}

function NotificationList({ onOpen }: { onOpen: () => void }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const canDecide = useCan("approvals:decide");
  const latest = useQuery({
    queryKey: notificationKeys.latest,
    queryFn: async () =>
      unwrap(await api.GET("/notifications", { params: { query: { limit: 10 } } }))
        .items as NotificationItem[],
  });
  const refresh = () => client.invalidateQueries({ queryKey: notificationKeys.all });
  const readAll = useMutation({
    mutationFn: async () => unwrap(await api.POST("/notifications/read-all")),
    onSuccess: refresh,
  });
  const open = async (item: NotificationItem) => {
    if (!item.read) {
      await api.POST("/notifications/{id}/read", { params: { path: { id: item.id } } });
      void refresh();
    }
    onOpen();
    if (item.entityType === "approval" && canDecide && item.type !== "approval.decided") {
      await navigate({ to: "/review", search: item.entityId ? { id: item.entityId } : {} });
    }
  };
  const items = latest.data ?? [];
  return (
    <div className="bell-panel">
      <div className="bell-head">
        <Heading slot="title">Notifications</Heading>
        {items.some((n) => !n.read) && (
          <Button variant="ghost" onPress={() => readAll.mutate()} isPending={readAll.isPending}>
            Mark all read
          </Button>
        )}
      </div>
      <ErrorNotice error={latest.error ?? readAll.error} />
      {latest.data && items.length === 0 && <p className="muted">Nothing new.</p>}
      <ul className="bell-list">
        {items.map((item) => (
          <li key={item.id} className={item.read ? "" : "unread"}>
            <button type="button" onClick={() => void open(item)}>
              <span className="bell-title">
                {!item.read && <span className="visually-hidden">Unread: </span>}
                {item.title}
              </span>
              {item.body && <span className="bell-body">{item.body}</span>}
              <span className="bell-time">{ago(item.createdAt)}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
