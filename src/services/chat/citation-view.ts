import type { CitedPassage } from "../knowledge/index.js";
import type { CitationView } from "./turn-events.js";

const SNIPPET_CHARS = 300;

export function snippetOf(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= SNIPPET_CHARS ? flat : `${flat.slice(0, SNIPPET_CHARS - 1)}…`;
}

export function citationView(passage: CitedPassage): CitationView {
  return {
    label: passage.label,
    chunkId: passage.chunkId,
    documentId: passage.documentId,
    knowledgeBaseId: passage.knowledgeBaseId,
    title: passage.title,
    snippet: snippetOf(passage.content),
    score: passage.score,
  };
}
