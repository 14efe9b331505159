import { AppError } from "../../../lib/errors.js";
import type { RuntimeTool } from "../runtime-tool.js";

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      weekday: "long",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      timeZoneName: "longOffset",
    });
  } catch {
    throw new AppError(
      "VALIDATION",
      `"${timeZone}" is not a known time zone (use an IANA name like Europe/Paris)`,
    );
  }
}

/** The time in a zone as ISO 8601 with its offset, plus the weekday (models are bad at both). */
export function describeTime(now: Date, timeZone: string) {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  const offset = (parts.timeZoneName ?? "GMT").replace("GMT", "") || "+00:00";
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const time = `${parts.hour}:${parts.minute}:${parts.second}`;
  return {
    iso: `${date}T${time}${offset}`,
    date,
    time,
    weekday: parts.weekday!,
    timezone: timeZone,
    utc: now.toISOString(),
  };
}

export function currentDatetimeTool(clock: () => Date = () => new Date()): RuntimeTool {
  return {
    name: "current_datetime",
    description: "The current date, time and weekday, in a time zone (default UTC).",
    inputSchema: {
      type: "object",
      properties: {
        timezone: { type: "string", maxLength: 100, description: "IANA zone, e.g. Europe/Paris" },
      },
      additionalProperties: false,
    },
    requiresApproval: false,
    async execute(input) {
      const { timezone } = (input ?? {}) as { timezone?: string };
      return describeTime(clock(), timezone?.trim() || "UTC");
    },
  };
}
