import { useSyncExternalStore } from "react";
import { describeError } from "../api/errors";
import { Button } from "./Button";

/**
 * App-wide notices (a refused or failed action that has no form of its own to show it in). Kept in a
 * small store so any code — query caches, stream handlers — can raise one.
 */
interface Notice {
  id: number;
  text: string;
  tone: "error" | "info";
}

let notices: Notice[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => {
  for (const listener of listeners) listener();
};

export function notify(text: string, tone: Notice["tone"] = "info"): void {
  const id = nextId++;
  notices = [...notices.filter((n) => n.text !== text), { id, text, tone }].slice(-3);
  emit();
  setTimeout(() => dismiss(id), 8000);
}

export function notifyError(error: unknown): void {
  notify(describeError(error), "error");
}

function dismiss(id: number): void {
  notices = notices.filter((n) => n.id !== id);
  emit();
}

export function Notices() {
  const list = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => notices,
  );
  return (
    <section className="notices" aria-live="polite" aria-label="Notifications">
      {list.map((n) => (
        <div key={n.id} className={`notice notice-${n.tone}`} role={n.tone === "error" ? "alert" : "status"}>
          <span>{n.text}</span>
          <Button variant="ghost" aria-label="Dismiss" onPress={() => dismiss(n.id)}>
            ×
          </Button>
        </div>
      ))}
    </section>
  );
}
