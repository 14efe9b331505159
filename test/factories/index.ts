// Row factories: `<table>Values(parents, overrides)` builds valid insert values, `make<Table>(repos, …)`
// inserts them. Unique columns get process-unique values, so factories can be called any number of times.
export * from "./assistants.js";
export * from "./conversations.js";
export * from "./identity.js";
export * from "./knowledge.js";
export * from "./operations.js";
export type { Overrides, Values } from "./types.js";
export * from "./unique.js";
export * from "./world.js";
