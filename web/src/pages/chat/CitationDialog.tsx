import { useQuery } from "@tanstack/react-query";
import { X } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { Dialog, Heading, Modal, ModalOverlay } from "react-aria-components";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { Citation } from "../../api/types";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { Spinner } from "../../ui/Spinner";

/** What a citation chip opens: the cited passage, then its whole document with the passage marked. */
export function CitationDialog({ citation, onClose }: { citation: Citation | null; onClose: () => void }) {
  return (
    <ModalOverlay
      className="modal-overlay"
      isDismissable
      isOpen={citation !== null}
      onOpenChange={(open) => !open && onClose()}
    >
      <Modal className="modal modal-side">
        <Dialog className="dialog" aria-label={citation ? `Source ${citation.label}` : "Source"}>
          {citation && <CitationBody citation={citation} onClose={onClose} />}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}

function CitationBody({ citation, onClose }: { citation: Citation; onClose: () => void }) {
  const [showDocument, setShowDocument] = useState(false);
  const chunks = useQuery({
    queryKey: ["documents", citation.documentId, "chunks"],
    queryFn: async () =>
      unwrap(
        await api.GET("/documents/{id}/chunks", {
          params: { path: { id: citation.documentId }, query: { pageSize: 100 } },
        }),
      ),
    retry: false,
  });
  const cited = chunks.data?.items.find((c) => c.id === citation.chunkId);
  const marked = useRef<HTMLLIElement | null>(null);
  useEffect(() => {
    if (showDocument) marked.current?.scrollIntoView({ block: "center" });
  }, [showDocument]);

  return (
    <>
      <header className="dialog-header">
        <Heading slot="title">
          <span className="citation-chip" aria-hidden>
            {citation.label}
          </span>{" "}
          {citation.title}
        </Heading>
        <Button variant="ghost" aria-label="Close" onPress={onClose}>
          <X aria-hidden size={18} />
        </Button>
      </header>
      <section aria-label="Cited passage" className="passage">
        <h3>Cited passage</h3>
        <blockquote className="passage-text">{cited?.content ?? citation.snippet}</blockquote>
      </section>
      {chunks.isPending && <Spinner label="Loading the document" />}
      {chunks.error && <ErrorNotice error={chunks.error} title="The document cannot be shown." />}
      {chunks.data && (
        <section aria-label="Document" className="document">
          <Button variant="secondary" onPress={() => setShowDocument((v) => !v)} aria-expanded={showDocument}>
            {showDocument ? "Hide the document" : `Open the document (${chunks.data.total} passages)`}
          </Button>
          {showDocument && (
            <ol className="document-chunks">
              {chunks.data.items.map((chunk) => (
                <li
                  key={chunk.id}
                  ref={chunk.id === citation.chunkId ? marked : undefined}
                  className={chunk.id === citation.chunkId ? "chunk chunk-cited" : "chunk"}
                  aria-current={chunk.id === citation.chunkId ? "true" : undefined}
                >
                  {chunk.content}
                </li>
              ))}
            </ol>
          )}
        </section>
      )}
    </>
  );
}
