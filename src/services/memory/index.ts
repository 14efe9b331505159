/** Employee memory: the profile each user has, extracted from their conversations. */
export {
  createMemoryService,
  type MemoryService,
  type MemoryServiceDeps,
  type ProfileView,
} from "./memory-service.js";
