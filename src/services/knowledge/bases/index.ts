/** Knowledge bases: their settings, who may read and change them, and the embedding models they use. */
export { assertWritable, loadKnowledgeBase } from "./access.js";
export {
  type KnowledgeBaseConfig,
  type KnowledgeBaseConfigInput,
  knowledgeBaseConfigInput,
  mergeConfig,
  resolveConfig,
} from "./config.js";
export { createEmbedderRegistry, type EmbedderRegistry } from "./embedders.js";
export {
  createKnowledgeBaseService,
  type KnowledgeBaseInput,
  type KnowledgeBasePatch,
  type KnowledgeBaseService,
  type KnowledgeBaseView,
} from "./knowledge-base-service.js";
