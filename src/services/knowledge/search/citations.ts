import type { PromptPassage } from "../../../providers/llm/passages.js";
import { CITATION_MARKER } from "../../../providers/llm/passages.js";
import type { SearchResult } from "./retrieval.js";

/** A passage retrieved during one turn (by the retrieval stage or by a tool), with its citation label. */
export interface CitedPassage {
  label: number;
  chunkId: string;
  documentId: string;
  knowledgeBaseId: string;
  departmentId: string;
  title: string;
  content: string;
  score: number;
  rerankScore?: number | undefined;
  /** Which path found it: `retrieval` (the turn's retrieval stage) or a tool name. */
  via: string;
}

export interface CitationCheck {
  /** The answer with invalid markers removed. */
  text: string;
  /** Passages the answer cites, in first-cited order. */
  cited: CitedPassage[];
  /** How many markers referred to nothing retrieved in this turn. */
  removed: number;
}

/**
 * The passages of one turn. Labels are unique within the turn, so a marker `[n]` in the answer can be
 * checked against what was actually retrieved, whichever stage or tool retrieved it.
 */
export class CitationRegistry {
  private readonly byLabel = new Map<number, CitedPassage>();
  private readonly byChunk = new Map<string, CitedPassage>();

  /** Registers a search result and returns its passage; a chunk seen before keeps its first label. */
  add(result: SearchResult, via: string): CitedPassage {
    const known = this.byChunk.get(result.chunkId);
    if (known) return known;
    const passage: CitedPassage = {
      label: this.byLabel.size + 1,
      chunkId: result.chunkId,
      documentId: result.documentId,
      knowledgeBaseId: result.knowledgeBaseId,
      departmentId: result.departmentId,
      title: result.title,
      content: result.content,
      score: result.scores.fused,
      rerankScore: result.scores.rerank,
      via,
    };
    this.byLabel.set(passage.label, passage);
    this.byChunk.set(passage.chunkId, passage);
    return passage;
  }

  get size(): number {
    return this.byLabel.size;
  }

  all(): CitedPassage[] {
    return [...this.byLabel.values()];
  }

  forPrompt(passages: readonly CitedPassage[] = this.all()): PromptPassage[] {
    return passages.map((p) => ({ label: p.label, title: p.title, text: p.content }));
  }

  /** Keeps markers that name a passage of this turn; removes and counts the rest. */
  check(answer: string): CitationCheck {
    const cited = new Map<number, CitedPassage>();
    let removed = 0;
    const text = answer.replace(CITATION_MARKER, (marker, digits: string) => {
      const passage = this.byLabel.get(Number(digits));
      if (!passage) {
        removed += 1;
        return "";
      }
      cited.set(passage.label, passage);
      return marker;
    });
    return { text: removed > 0 ? tidy(text) : text, cited: [...cited.values()], removed };
  }
}

/** Removing a marker can leave a double space or a space before punctuation. */
function tidy(text: string): string {
  return text.replace(/[ \t]{2,}/g, " ").replace(/ +([.,;:!?])/g, "$1");
}
