/**
 * The fixed helpers a document template may call. Each is a pure function of its arguments and the
 * organisation's locale, time zone and currency (passed as `@org` data): none can reach the file
 * system, the network or the process, and none returns markup Handlebars would not escape.
 */

export interface OrgFormat {
  name: string;
  locale: string;
  timeZone: string;
  currency: string;
}

interface HelperOptions {
  data?: { org?: OrgFormat };
  hash?: Record<string, unknown>;
}

type Helper = (...args: unknown[]) => unknown;

/** A value as text without calling anything the input could have supplied. */
function textOf(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value) ?? "";
}

const DEFAULT_FORMAT: OrgFormat = { name: "", locale: "en-US", timeZone: "UTC", currency: "USD" };

/** The trailing Handlebars options argument, and the real arguments before it. */
function split(args: unknown[]): [unknown[], HelperOptions] {
  const options = (args.at(-1) ?? {}) as HelperOptions;
  return [args.slice(0, -1), options];
}

function formatOf(options: HelperOptions): OrgFormat {
  return { ...DEFAULT_FORMAT, ...(options.data?.org ?? {}) };
}

function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === "string" || typeof value === "number") {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}

function toNumber(value: unknown): number | undefined {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}

const DATE_STYLES = new Set(["full", "long", "medium", "short"]);
const styleOf = (value: unknown, fallback: "medium" | "long") =>
  (typeof value === "string" && DATE_STYLES.has(value) ? value : fallback) as "medium";

/** A date only (YYYY-MM-DD) is a calendar day: shown as that day whatever the time zone. */
const isDateOnly = (value: unknown) => typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value);

function formatDate(value: unknown, style: unknown, options: HelperOptions, withTime: boolean): string {
  const date = toDate(value);
  if (!date) return textOf(value);
  const f = formatOf(options);
  const timeZone = isDateOnly(value) ? "UTC" : f.timeZone;
  return new Intl.DateTimeFormat(f.locale, {
    dateStyle: styleOf(style, "long"),
    ...(withTime ? { timeStyle: "short" as const } : {}),
    timeZone,
  }).format(date);
}

const compare =
  (test: (a: unknown, b: unknown) => boolean): Helper =>
  (...args) => {
    const [[a, b]] = split(args);
    return test(a, b);
  };

const numeric = (test: (a: number, b: number) => boolean) =>
  compare((a, b) => {
    const x = toNumber(a);
    const y = toNumber(b);
    return x !== undefined && y !== undefined && test(x, y);
  });

export const TEMPLATE_HELPERS: Record<string, Helper> = {
  /** `{{formatDate due}}`, `{{formatDate due "short"}}`: a date in the organisation's locale and zone. */
  formatDate: (...args) => {
    const [[value, style], options] = split(args);
    return formatDate(value, style, options, false);
  },
  /** `{{formatDateTime at}}`: date and time in the organisation's time zone. */
  formatDateTime: (...args) => {
    const [[value, style], options] = split(args);
    return formatDate(value, style, options, true);
  },
  /** `{{today}}`: the current date in the organisation's time zone. */
  today: (...args) => {
    const [[style], options] = split(args);
    return formatDate(new Date(), style, options, false);
  },
  /** `{{formatNumber n}}`, `{{formatNumber n 2}}`: grouped in the organisation's locale. */
  formatNumber: (...args) => {
    const [[value, digits], options] = split(args);
    const n = toNumber(value);
    if (n === undefined) return textOf(value);
    const max = toNumber(digits);
    return new Intl.NumberFormat(formatOf(options).locale, {
      maximumFractionDigits: max === undefined ? 3 : Math.min(Math.max(Math.trunc(max), 0), 20),
      ...(max === undefined ? {} : { minimumFractionDigits: Math.min(Math.max(Math.trunc(max), 0), 20) }),
    }).format(n);
  },
  /** `{{currency total}}`, `{{currency total "EUR"}}`: money in the organisation's locale. */
  currency: (...args) => {
    const [[value, code], options] = split(args);
    const n = toNumber(value);
    if (n === undefined) return textOf(value);
    const f = formatOf(options);
    const currency = typeof code === "string" && /^[A-Za-z]{3}$/.test(code) ? code.toUpperCase() : f.currency;
    return new Intl.NumberFormat(f.locale, { style: "currency", currency }).format(n);
  },
  /** `{{join names ", "}}`: a list's items as text. */
  join: (...args) => {
    const [[list, separator]] = split(args);
    if (!Array.isArray(list)) return textOf(list);
    return list.map(textOf).join(typeof separator === "string" ? separator : ", ");
  },
  /** `{{default value "n/a"}}`: the value, or the fallback when it is empty. */
  default: (...args) => {
    const [[value, fallback]] = split(args);
    return value === undefined || value === null || value === "" ? fallback : value;
  },
  upper: (...args) => textOf(split(args)[0][0]).toUpperCase(),
  lower: (...args) => textOf(split(args)[0][0]).toLowerCase(),
  eq: compare((a, b) => a === b),
  ne: compare((a, b) => a !== b),
  lt: numeric((a, b) => a < b),
  lte: numeric((a, b) => a <= b),
  gt: numeric((a, b) => a > b),
  gte: numeric((a, b) => a >= b),
  and: (...args) => split(args)[0].every(Boolean),
  or: (...args) => split(args)[0].some(Boolean),
  not: (...args) => !split(args)[0][0],
};

/** Handlebars' own block helpers that templates keep (partials, `lookup` and `log` are gone). */
export const BUILT_IN_BLOCKS = ["each", "if", "unless", "with"] as const;

export const ALLOWED_HELPERS: ReadonlySet<string> = new Set([
  ...Object.keys(TEMPLATE_HELPERS),
  ...BUILT_IN_BLOCKS,
]);
