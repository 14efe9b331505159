import type { EntityTable, NewRow, Patch } from "../../src/repositories/table-repository.js";

export type { Repositories } from "../../src/repositories/index.js";
export type { Row } from "../../src/repositories/table-repository.js";

/** The values a factory builds for `T`, and the columns a caller may override. */
export type Values<T extends EntityTable> = NewRow<T>;
export type Overrides<T extends EntityTable> = Patch<T>;
