import { Link } from "@tanstack/react-router";
import { type Permission, useMe } from "../../auth/me";

/**
 * Administration home (code-split: loaded only when opened). Lists the areas the person may manage;
 * each area is a page under /admin with its own lazy route in router.tsx.
 */
type AreaPath =
  | "/admin/people"
  | "/admin/departments"
  | "/admin/roles"
  | "/admin/approver-groups"
  | "/admin/api-keys"
  | "/admin/audit"
  | "/admin/settings";

const AREAS: { to: AreaPath; title: string; description: string; permission: Permission }[] = [
  {
    to: "/admin/people",
    title: "People",
    description: "Everyone in the departments you manage, their roles and whether they are active.",
    permission: "users:manage",
  },
  {
    to: "/admin/departments",
    title: "Departments",
    description: "The organisation's departments: create, archive and bring back.",
    permission: "departments:manage",
  },
  {
    to: "/admin/roles",
    title: "Roles",
    description: "Roles and the permissions each holds, with the permission catalogue.",
    permission: "roles:manage",
  },
  {
    to: "/admin/approver-groups",
    title: "Approver groups",
    description: "Named sets of people a namespace's approval policy may name to review its held replies.",
    permission: "agents:manage",
  },
  {
    to: "/admin/api-keys",
    title: "API keys",
    description: "Keys for scripts and integrations, each limited to some permissions.",
    permission: "org:admin",
  },
  {
    to: "/admin/audit",
    title: "Audit log",
    description: "Who did what and when, filtered by action, kind and day.",
    permission: "audit:read",
  },
  {
    to: "/admin/settings",
    title: "Organisation settings",
    description: "The organisation's name and this month's budgets.",
    permission: "org:admin",
  },
];

export function AdminPage() {
  const me = useMe();
  const areas = AREAS.filter((a) => me.data?.permissions.includes(a.permission));
  return (
    <main className="page" id="main">
      <h1>Administration</h1>
      {areas.length === 0 ? (
        <p className="notice notice-info">There is nothing here you may administer.</p>
      ) : (
        <ul className="cards">
          {areas.map((area) => (
            <li key={area.to} className="card">
              <h2>
                <Link to={area.to}>{area.title}</Link>
              </h2>
              <p className="muted">{area.description}</p>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
