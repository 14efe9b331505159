import { getRouteApi, Link } from "@tanstack/react-router";
import { ago } from "../../lib/time";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { Spinner } from "../../ui/Spinner";
import { ApprovalDetail } from "./ApprovalDetail";
import { type Approval, useApprovals, VIEWS, type View } from "./queries";
import "../../styles/approvals.css";

const route = getRouteApi("/app/review");

const STATUS_WORDS: Record<Approval["status"], string> = {
  pending: "waiting",
  approved: "approved",
  edited: "edited",
  rejected: "rejected",
  escalated: "escalated",
};

/**
 * The approval inbox (approvals:decide): held replies of the departments the person reviews, counted
 * per view, new ones arriving live; the chosen one beside the list. On a phone one pane shows at a
 * time, like chat: the list, or the reply under review with a way back.
 */
export function ApprovalsPage() {
  const { view = "waiting", id } = route.useSearch();
  return (
    <div className="review" data-pane={id ? "detail" : "list"}>
      <aside className="review-sidebar" aria-label="Inbox">
        <h1 className="review-title">Approvals</h1>
        <nav aria-label="Approval views" className="review-views">
          {(Object.keys(VIEWS) as View[]).map((key) => (
            <ViewLink key={key} view={key} current={view === key} />
          ))}
        </nav>
        <ApprovalList view={view} selected={id} />
      </aside>
      <main className="review-main" id="main">
        {id ? (
          <ApprovalDetail id={id} view={view} />
        ) : (
          <p className="muted review-empty">Choose a reply to review.</p>
        )}
      </main>
    </div>
  );
}

function ViewLink({ view, current }: { view: View; current: boolean }) {
  const list = useApprovals(view);
  const total = list.data?.total;
  return (
    <Link
      to="/review"
      search={{ view }}
      className={current ? "active" : ""}
      aria-current={current ? "page" : undefined}
    >
      {VIEWS[view].label}
      {total !== undefined && <span className="count">{total}</span>}
    </Link>
  );
}

function ApprovalList({ view, selected }: { view: View; selected: string | undefined }) {
  const list = useApprovals(view);
  const items = list.data?.items ?? [];
  return (
    <>
      {list.isPending && <Spinner label="Loading approvals" />}
      <ErrorNotice error={list.error} />
      <p className="visually-hidden" role="status">
        {list.data ? `${list.data.total} in ${VIEWS[view].label.toLowerCase()}` : ""}
      </p>
      {list.data && items.length === 0 && <p className="muted review-empty">Nothing here.</p>}
      <ul className="review-items" aria-label={`${VIEWS[view].label} replies`}>
        {items.map((item) => (
          <li key={item.id}>
            <Link
              to="/review"
              search={{ view, id: item.id }}
              className={`review-item${item.id === selected ? " active" : ""}`}
              aria-current={item.id === selected ? "true" : undefined}
            >
              <span className="review-question">
                {item.generation ? "Document to generate" : (item.question ?? "(question not found)")}
              </span>
              <span className="review-meta">
                {item.intent ?? "no intent"} · {STATUS_WORDS[item.status]}
                {item.isSample ? " · sample" : ""} · {ago(item.createdAt)}
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}
