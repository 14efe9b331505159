import { useMutation, useQueryClient } from "@tanstack/react-query";
import { getRouteApi, Link, useNavigate } from "@tanstack/react-router";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { Can } from "../../auth/Can";
import { ago } from "../../lib/time";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { Spinner } from "../../ui/Spinner";
import { knowledgeKeys, useChunks, useDocument } from "./queries";
import { ProgressNote, StatusBadge } from "./StatusBadge";
import "../../styles/knowledge.css";

const route = getRouteApi("/app/knowledge/documents/$documentId");

/** One document: its ingestion state, and once ready its chunks with their synthetic questions. */
export function DocumentPage() {
  const { documentId } = route.useParams();
  const doc = useDocument(documentId);
  const chunks = useChunks(documentId, doc.data?.status === "ready");
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const reingest = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST("/documents/{id}/reingest", { params: { path: { id: documentId } } })),
    onSuccess: (updated) => {
      queryClient.setQueryData(knowledgeKeys.document(documentId), updated);
      void queryClient.invalidateQueries({ queryKey: knowledgeKeys.chunks(documentId) });
    },
  });
  const remove = useMutation({
    mutationFn: async () =>
      unwrap(await api.DELETE("/documents/{id}", { params: { path: { id: documentId } } })),
    onSuccess: async () => {
      const kbId = doc.data?.knowledgeBaseId;
      if (kbId) {
        await queryClient.invalidateQueries({ queryKey: knowledgeKeys.documents(kbId) });
        await navigate({ to: "/knowledge/$knowledgeBaseId", params: { knowledgeBaseId: kbId } });
      } else await navigate({ to: "/knowledge" });
    },
  });
  const d = doc.data;
  return (
    <main className="page" id="main">
      <p className="breadcrumb">
        <Link to="/knowledge">Knowledge</Link>
        {d?.knowledgeBaseId && (
          <>
            {" / "}
            <Link to="/knowledge/$knowledgeBaseId" params={{ knowledgeBaseId: d.knowledgeBaseId }}>
              Knowledge base
            </Link>
          </>
        )}
      </p>
      {doc.isPending && <Spinner label="Loading the document" />}
      <ErrorNotice error={doc.error ?? reingest.error ?? remove.error} />
      {d && (
        <>
          <h1>{d.title}</h1>
          <dl className="facts">
            <div>
              <dt>Status</dt>
              <dd>
                <span className="status-cell" role="status">
                  <StatusBadge status={d.status} />
                  <ProgressNote status={d.status} progress={d.progress} error={d.error} />
                </span>
              </dd>
            </div>
            <div>
              <dt>Type</dt>
              <dd>
                {d.type} ({d.sourceKind})
              </dd>
            </div>
            <div>
              <dt>Chunks</dt>
              <dd>{d.chunkCount}</dd>
            </div>
            <div>
              <dt>Tokens</dt>
              <dd>{d.tokenCount}</dd>
            </div>
            <div>
              <dt>Updated</dt>
              <dd>{ago(d.updatedAt)}</dd>
            </div>
            {d.originalUrl && (
              <div>
                <dt>Source</dt>
                <dd className="source-url">{d.originalUrl}</dd>
              </div>
            )}
          </dl>
          <Can permission="kb:write">
            <div className="actions">
              <Button onPress={() => reingest.mutate()} isPending={reingest.isPending}>
                Ingest again
              </Button>
              <Button variant="danger" onPress={() => remove.mutate()} isPending={remove.isPending}>
                Delete document
              </Button>
            </div>
          </Can>
          <section aria-labelledby="chunks-title">
            <h2 id="chunks-title">Chunks</h2>
            {d.status !== "ready" && <p className="muted">Chunks are shown once the document is ready.</p>}
            {chunks.isFetching && !chunks.data && <Spinner label="Loading chunks" />}
            <ErrorNotice error={chunks.error} />
            {chunks.data && (
              <ol className="chunks" aria-label="Chunks">
                {chunks.data.items.map((chunk) => (
                  <li key={chunk.id} className="card chunk">
                    <p className="muted small">
                      Chunk {chunk.ordinal + 1} · {chunk.tokenCount} tokens
                    </p>
                    <p className="chunk-content">{chunk.content}</p>
                    {chunk.syntheticQuestions.length > 0 && (
                      <>
                        <h3 className="small">Questions this chunk answers</h3>
                        <ul
                          className="questions"
                          aria-label={`Synthetic questions of chunk ${chunk.ordinal + 1}`}
                        >
                          {chunk.syntheticQuestions.map((q) => (
                            <li key={q}>{q}</li>
                          ))}
                        </ul>
                      </>
                    )}
                  </li>
                ))}
              </ol>
            )}
          </section>
        </>
      )}
    </main>
  );
}
