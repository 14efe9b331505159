import { AppError } from "../../lib/errors.js";

/** A report period: whole UTC days, `from` and `to` inclusive; `start`/`end` the half-open instants. */
export interface Period {
  from: string;
  to: string;
  start: Date;
  end: Date;
}

const DAY_MS = 86_400_000;
/** Longest period one report may cover (a year and a day, so a leap year fits). */
export const MAX_PERIOD_DAYS = 366;

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

function parseDay(value: string, name: string): Date {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00.000Z`) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime()) || isoDay(date) !== value) {
    throw new AppError("VALIDATION", `${name} must be a date like 2025-01-31`, { field: name });
  }
  return date;
}

/** The calendar month (UTC) that contains `now`, as half-open instants, with its `YYYY-MM` label. */
export function monthOf(now: Date): { start: Date; end: Date; label: string } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { start, end, label: isoDay(start).slice(0, 7) };
}

/** "May 2025" for messages people read. */
export function monthName(label: string): string {
  const date = new Date(`${label}-01T00:00:00.000Z`);
  return date.toLocaleString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
}

/** Parses `from`/`to` (default: the current month up to today); refuses reversed or too long periods. */
export function resolvePeriod(
  query: { from?: string | undefined; to?: string | undefined },
  now = new Date(),
) {
  const month = monthOf(now);
  const start = query.from ? parseDay(query.from, "from") : month.start;
  const toDay = query.to ? parseDay(query.to, "to") : parseDay(isoDay(now), "to");
  if (toDay < start) throw new AppError("VALIDATION", "from must not be after to", { field: "from" });
  const end = new Date(toDay.getTime() + DAY_MS);
  if (end.getTime() - start.getTime() > MAX_PERIOD_DAYS * DAY_MS) {
    throw new AppError("VALIDATION", `A report covers at most ${MAX_PERIOD_DAYS} days`, { field: "to" });
  }
  return { from: isoDay(start), to: isoDay(toDay), start, end } satisfies Period;
}
