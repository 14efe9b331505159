/**
 * Exact cl100k token counts for usage reporting by offline models (the extractive model, test fakes).
 * Providers must not import services, so this sits here rather than reusing services/knowledge/tokens.ts.
 * The BPE ranks take a few hundred milliseconds to load, so they load once, on first use.
 */
type Counter = (text: string) => number;

let loading: Promise<Counter> | undefined;

export function loadTokenCounter(): Promise<Counter> {
  loading ??= import("gpt-tokenizer/encoding/cl100k_base").then((m) => (text: string) => m.countTokens(text));
  return loading;
}

export async function countTokens(text: string): Promise<number> {
  if (text.length === 0) return 0;
  return (await loadTokenCounter())(text);
}
