import type { Permission } from "../auth/me";

/**
 * The main navigation. An item shows only to people holding every permission it lists, so nobody is
 * offered a page whose calls the API would refuse. New areas add one line here (and their routes in
 * router.tsx).
 */
export interface NavItem {
  to: "/chat" | "/admin" | "/admin/people" | "/review";
  label: string;
  /** Any one of these suffices; none means everyone signed in. */
  anyOf?: Permission[];
}

export const NAV_ITEMS: NavItem[] = [
  { to: "/chat", label: "Chat", anyOf: ["chat:use"] },
  {
    to: "/admin",
    label: "Administration",
    anyOf: ["users:manage", "roles:manage", "departments:manage", "org:admin", "audit:read"],
  },
];

// Approvals (journey 5)
NAV_ITEMS.splice(1, 0, { to: "/review", label: "Approvals", anyOf: ["approvals:decide"] });

export function visibleItems(permissions: readonly string[]): NavItem[] {
  return NAV_ITEMS.filter((item) => !item.anyOf || item.anyOf.some((p) => permissions.includes(p)));
}
