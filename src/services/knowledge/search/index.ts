/** Index and search: hybrid retrieval over the bases a caller may read, and the citations of a turn. */
export { CitationRegistry, type CitedPassage } from "./citations.js";
export type { SearchResult } from "./retrieval.js";
export {
  createSearchService,
  type SearchAnswer,
  type SearchInput,
  type SearchService,
} from "./search-service.js";
