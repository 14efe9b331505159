import { v7 as uuidv7, validate } from "uuid";

/** Time-ordered UUID v7: ids sort by creation, which keeps B-tree inserts local. */
export function newId(): string {
  return uuidv7();
}

export function isUuid(value: string): boolean {
  return validate(value);
}
