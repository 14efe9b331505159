export type Align = "left" | "right";

/**
 * A plain-text table with a header rule, pipe-separated so it also reads as Markdown:
 *   | metric | a | b |
 *   |--------|--:|--:|
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  align?: readonly Align[],
): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const alignOf = (i: number): Align => align?.[i] ?? (i === 0 ? "left" : "right");
  const cell = (text: string, i: number) =>
    alignOf(i) === "left" ? text.padEnd(widths[i]!) : text.padStart(widths[i]!);
  const line = (cells: readonly string[]) =>
    `| ${headers.map((_, i) => cell(cells[i] ?? "", i)).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (alignOf(i) === "left" ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`;
  return [line(headers), rule, ...rows.map(line)].join("\n");
}

/** 12345.6 → "12,346"; small values keep significant digits (0.0123 → "0.0123"). */
export function formatNumber(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return "n/a";
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString("en-US");
  if (abs === 0) return "0";
  return Number(value.toPrecision(digits)).toString();
}

/** A ratio as "0.25×". */
export function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${formatNumber(value, 3)}×` : "n/a";
}
