/** Numbers as the observability pages show them (tables and charts read the same words). */
const integer = new Intl.NumberFormat("en", { maximumFractionDigits: 0 });

export const formatTokens = (n: number) => integer.format(n);

/** US dollars with enough decimals for the fractions of a cent a run costs. */
export function formatCost(usd: number): string {
  const digits = usd === 0 ? 2 : usd < 0.01 ? 6 : usd < 1 ? 4 : 2;
  return `$${usd.toFixed(digits)}`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

export const formatScore = (score: number | null | undefined) =>
  score === null || score === undefined ? "—" : score.toFixed(3);

/** YYYY-MM-DD of a date (UTC), as the usage API counts days. */
export const utcDay = (date: Date) => date.toISOString().slice(0, 10);

/** Every day from `from` to `to` (YYYY-MM-DD, both included), so a chart shows quiet days too. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (
    let t = Date.parse(`${from}T00:00:00Z`);
    t <= Date.parse(`${to}T00:00:00Z`) && days.length < 400;
    t += 86_400_000
  ) {
    days.push(utcDay(new Date(t)));
  }
  return days;
}
