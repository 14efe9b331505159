/**
 * Token counting for chunk sizes. The default is a fast approximation of OpenAI's cl100k BPE:
 * text is pre-split the way BPE tokenizers pre-split it (letter runs, digit groups of up to three,
 * single punctuation marks); a piece of up to 8 characters counts as one token, longer pieces as one
 * more per 5 further characters. Measured against gpt-tokenizer's cl100k on 1,500 SciFact abstracts:
 * total within 0.5 %, mean absolute error 5 % per text, and it over-counts Markdown by ~8 % (the safe
 * side for a size limit); about 5× faster than real BPE (~3 MB/s vs ~0.65 MB/s on this machine).
 * `exactTokenCounter()` gives the real cl100k count where exactness matters more than speed.
 */
export type TokenCounter = (text: string) => number;

const PIECE = /[\p{L}\p{M}]+|\p{N}{1,3}|[^\s\p{L}\p{M}\p{N}]/gu;

export const approximateTokens: TokenCounter = (text) => {
  let count = 0;
  PIECE.lastIndex = 0;
  for (let m = PIECE.exec(text); m !== null; m = PIECE.exec(text)) {
    const length = m[0].length;
    count += length <= 8 ? 1 : 1 + Math.ceil((length - 8) / 5);
  }
  return count;
};

let exact: Promise<TokenCounter> | undefined;

/**
 * The exact cl100k_base count (gpt-tokenizer, ranks bundled, offline). The ranks take a few hundred
 * milliseconds to load, so they load once, on first use.
 */
export function exactTokenCounter(): Promise<TokenCounter> {
  exact ??= import("gpt-tokenizer/encoding/cl100k_base").then((m) => (text: string) => m.countTokens(text));
  return exact;
}

/** Exact cl100k tokens of a text, for usage reported by offline models (the extractive model, fakes). */
export async function countExactTokens(text: string): Promise<number> {
  if (text.length === 0) return 0;
  return (await exactTokenCounter())(text);
}
