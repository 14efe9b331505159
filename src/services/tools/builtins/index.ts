import type { Repositories } from "../../../repositories/index.js";
import type { DocumentService, SearchService } from "../../knowledge/index.js";
import type { RuntimeTool } from "../runtime-tool.js";
import { createNoteTool } from "./create-note.js";
import { currentDatetimeTool } from "./current-datetime.js";
import { fetchDocumentTool } from "./fetch-document.js";
import { type DocumentGenerator, generateDocumentTool } from "./generate-document.js";
import { knowledgeSearchTool } from "./knowledge-search.js";
import { BUILTIN_TOOL_NAMES, type BuiltinToolName } from "./names.js";

export type BuiltinToolsRepositories = Pick<Repositories, "documents" | "tools">;

export interface BuiltinToolDeps {
  repositories: BuiltinToolsRepositories;
  search: SearchService;
  documents: DocumentService;
  clock?: (() => Date) | undefined;
  /** The generation service (set once it exists; the tool refuses until then). */
  generations?: (() => DocumentGenerator | undefined) | undefined;
}

/** Every built-in tool, by name (the order of BUILTIN_TOOL_NAMES). */
export function createBuiltinTools(deps: BuiltinToolDeps): Map<BuiltinToolName, RuntimeTool> {
  const tools: Record<BuiltinToolName, RuntimeTool> = {
    knowledge_search: knowledgeSearchTool(deps.search),
    fetch_document: fetchDocumentTool(deps),
    create_note: createNoteTool(deps.documents),
    current_datetime: currentDatetimeTool(deps.clock),
    generate_document: generateDocumentTool(deps.generations ?? (() => undefined)),
  };
  return new Map(BUILTIN_TOOL_NAMES.map((name) => [name, tools[name]]));
}
