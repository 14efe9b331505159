import { Link } from "@tanstack/react-router";
import { Can } from "../../auth/Can";

/** The observability area's own navigation: runs (their traces) and usage. */
export function InsightsNav() {
  return (
    <nav aria-label="Insights" className="subnav">
      <Link to="/insights" activeOptions={{ exact: true }} activeProps={{ "aria-current": "page" }}>
        Runs
      </Link>
      <Can permission="analytics:read">
        <Link to="/insights/usage" activeProps={{ "aria-current": "page" }}>
          Usage and cost
        </Link>
      </Can>
    </nav>
  );
}
