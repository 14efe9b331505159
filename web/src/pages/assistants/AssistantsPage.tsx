import { Tab, TabList, TabPanel, Tabs } from "react-aria-components";
import { AgentsPanel } from "./AgentsPanel";
import { NamespacesPanel } from "./NamespacesPanel";
import { PersonasPanel } from "./PersonasPanel";
import { ToolsPanel } from "./ToolsPanel";
import "../../styles/knowledge.css";

/** Assistants: agents and their versions, personas, namespaces with their plugins, tools. */
export function AssistantsPage() {
  return (
    <main className="page" id="main">
      <h1>Assistants</h1>
      <Tabs className="tabs">
        <TabList aria-label="Assistants" className="tab-list">
          <Tab id="agents" className="tab">
            Agents
          </Tab>
          <Tab id="personas" className="tab">
            Personas
          </Tab>
          <Tab id="namespaces" className="tab">
            Namespaces
          </Tab>
          <Tab id="tools" className="tab">
            Tools
          </Tab>
        </TabList>
        <TabPanel id="agents" className="tab-panel">
          <AgentsPanel />
        </TabPanel>
        <TabPanel id="personas" className="tab-panel">
          <PersonasPanel />
        </TabPanel>
        <TabPanel id="namespaces" className="tab-panel">
          <NamespacesPanel />
        </TabPanel>
        <TabPanel id="tools" className="tab-panel">
          <ToolsPanel />
        </TabPanel>
      </Tabs>
    </main>
  );
}
