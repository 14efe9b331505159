import { getRouteApi, Link } from "@tanstack/react-router";
import { Tab, TabList, TabPanel, Tabs } from "react-aria-components";
import { useCan } from "../../auth/me";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { Spinner } from "../../ui/Spinner";
import { AddContent } from "./AddContent";
import { DocumentTable } from "./DocumentTable";
import { useKnowledgeBase } from "./queries";
import { SearchPanel } from "./SearchPanel";
import { UploadZone } from "./UploadZone";
import { WebSources } from "./WebSources";
import "../../styles/knowledge.css";

const route = getRouteApi("/app/knowledge/$knowledgeBaseId");

/** One knowledge base: its documents (upload, live status), text and tables, web sources, search. */
export function KnowledgeBasePage() {
  const { knowledgeBaseId } = route.useParams();
  const kb = useKnowledgeBase(knowledgeBaseId);
  const canWrite = useCan("kb:write");
  return (
    <main className="page" id="main">
      <p className="breadcrumb">
        <Link to="/knowledge">Knowledge</Link>
      </p>
      {kb.isPending && <Spinner label="Loading the knowledge base" />}
      <ErrorNotice error={kb.error} />
      {kb.data && (
        <>
          <h1>{kb.data.name}</h1>
          {kb.data.description && <p className="muted">{kb.data.description}</p>}
          <Tabs className="tabs">
            <TabList aria-label="Knowledge base" className="tab-list">
              <Tab id="documents" className="tab">
                Documents
              </Tab>
              {canWrite && (
                <Tab id="add" className="tab">
                  Text and tables
                </Tab>
              )}
              <Tab id="web" className="tab">
                Web sources
              </Tab>
              <Tab id="search" className="tab">
                Search
              </Tab>
            </TabList>
            <TabPanel id="documents" className="tab-panel">
              {canWrite && <UploadZone knowledgeBaseId={knowledgeBaseId} />}
              <DocumentTable knowledgeBaseId={knowledgeBaseId} />
            </TabPanel>
            {canWrite && (
              <TabPanel id="add" className="tab-panel">
                <AddContent knowledgeBaseId={knowledgeBaseId} />
              </TabPanel>
            )}
            <TabPanel id="web" className="tab-panel">
              <WebSources knowledgeBaseId={knowledgeBaseId} />
            </TabPanel>
            <TabPanel id="search" className="tab-panel">
              <SearchPanel knowledgeBaseId={knowledgeBaseId} defaultMode={kb.data.config.retrieval.mode} />
            </TabPanel>
          </Tabs>
        </>
      )}
    </main>
  );
}
