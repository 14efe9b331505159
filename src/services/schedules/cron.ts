import { Cron } from "croner";

/**
 * The one seam to the cron library: everything schedules need from it. Swapping croner for another
 * library means re-implementing these two functions.
 */
export interface CronClock {
  /** Problems with the expression in this time zone (empty when it is valid and fires at all). */
  problems(expression: string, timeZone: string): string[];
  /** The next `count` fire times strictly after `after`. */
  next(expression: string, timeZone: string, after: Date, count: number): Date[];
}

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** croner: 5- or 6-field expressions (seconds optional), nicknames like `@daily`, DST-aware zones. */
export const cronerClock: CronClock = {
  problems(expression, timeZone) {
    try {
      const cron = new Cron(expression, { paused: true, timezone: timeZone });
      return cron.nextRun() ? [] : ["the cron expression never fires"];
    } catch (error) {
      return [`the cron expression is not valid: ${(error as Error).message}`];
    }
  },
  next(expression, timeZone, after, count) {
    return new Cron(expression, { paused: true, timezone: timeZone }).nextRuns(count, after);
  },
};
