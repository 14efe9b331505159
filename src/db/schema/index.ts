// The whole schema, one file per domain (DESIGN.md §4). drizzle.config.ts and db/client.ts load this.
export * from "./assistants.js";
export * from "./conversations.js";
export * from "./employee-profiles.js";
export * from "./enums.js";
export * from "./execution.js";
export * from "./governance.js";
export * from "./identity.js";
export * from "./knowledge.js";
export * from "./observability.js";
export * from "./templates.js";
