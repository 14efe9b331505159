import { randomBytes } from "node:crypto";

/** Distinguishes this process's rows from any other run sharing a database or a Redis. */
const run = randomBytes(3).toString("hex");
let sequence = 0;

/** A value no other call in this process returns: safe for unique columns (slugs, emails, hashes). */
export function unique(prefix: string): string {
  sequence += 1;
  return `${prefix}-${run}-${sequence}`;
}

/** A positive integer no other call in this process returns (versions, ordinals). */
export function uniqueNumber(): number {
  sequence += 1;
  return sequence;
}

/** An instant `days` from now (negative for the past), with whole milliseconds. */
export function daysFromNow(days: number): Date {
  return new Date(Date.now() + days * 86_400_000);
}
