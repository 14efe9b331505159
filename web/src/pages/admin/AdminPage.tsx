import { Link } from "@tanstack/react-router";
import { type Permission, useMe } from "../../auth/me";

/**
 * Administration home (code-split: loaded only when opened). Lists the areas the person may manage;
 * each area is a page under /admin with its own lazy route in router.tsx.
 */
const AREAS: { to: "/admin/people"; title: string; description: string; permission: Permission }[] = [
  {
    to: "/admin/people",
    title: "People",
    description: "Everyone in the departments you manage, their roles and whether they are active.",
    permission: "users:manage",
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
