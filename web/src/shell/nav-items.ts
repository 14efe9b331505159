import type { Permission } from "../auth/me";

/**
 * The main navigation. An item shows only to people holding every permission it lists, so nobody is
 * offered a page whose calls the API would refuse. New areas add one line here (and their routes in
 * router.tsx).
 */
export interface NavItem {
  to:
    | "/chat"
    | "/admin"
    | "/admin/people"
    | "/knowledge"
    | "/assistants"
    | "/insights"
    | "/memory"
    | "/review";
  label: string;
  /** Any one of these suffices; none means everyone signed in. */
  anyOf?: Permission[];
}

export const NAV_ITEMS: NavItem[] = [
  { to: "/chat", label: "Chat", anyOf: ["chat:use"] },
  // Approvals (journey 5): the review inbox (its path is not /approvals, an API route)
  { to: "/review", label: "Approvals", anyOf: ["approvals:decide"] },
  { to: "/knowledge", label: "Knowledge", anyOf: ["kb:read"] },
  { to: "/assistants", label: "Assistants", anyOf: ["agents:manage"] },
  // Observability: runs and traces, usage and cost (the memory profile is in the account menu).
  { to: "/insights", label: "Insights", anyOf: ["analytics:read"] },
  {
    to: "/admin",
    label: "Administration",
    anyOf: ["users:manage", "roles:manage", "departments:manage", "org:admin", "audit:read"],
  },
];

export function visibleItems(permissions: readonly string[]): NavItem[] {
  return NAV_ITEMS.filter((item) => !item.anyOf || item.anyOf.some((p) => permissions.includes(p)));
}
