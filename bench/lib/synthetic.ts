import { createRng, type Rng } from "./prng.js";

/**
 * Vocabulary for synthetic workplace text. No English stop words, so every word survives
 * to_tsvector('english', …) and websearch_to_tsquery('english', …) and full-text queries hit.
 */
export const WORDS: readonly string[] = `
account accrual agenda agreement allowance analysis analyst annual applicant approval architecture archive
asset assignment audit authority backlog badge balance bandwidth benchmark benefit billing blueprint bonus
boundary branch briefing broker budget buffer building bulletin calendar campaign candidate capacity capital
career catalog certificate channel charter checklist claim clearance client cluster coaching colleague
committee compliance component conference configuration consultant contract contractor controller
coordinator copyright corridor counsel coverage credential crisis criteria curriculum customer cycle
dashboard database deadline delegate delivery deployment deposit designer desk diagnostic director
discount dispatch dispute distributor dividend domain donation draft duty earnings element embargo
emergency employee encryption endpoint engineer enrollment equipment escalation estimate evaluation
exception expense export facility feedback finance firewall fiscal fleet forecast framework freight
gateway governance grant guideline hardware headcount helpdesk hiring holiday incident income inspection
insurance integration interview inventory invoice journal kiosk laboratory laptop lease ledger liability
license logistics loyalty maintenance manager manual margin marketing mentor merger migration milestone
mobile monitor mortgage network notice objective onboarding operator order outage overtime packaging
partner password payroll penalty pension permit pipeline planning platform policy portal premium
printer priority procedure procurement product profile project promotion proposal protocol prototype
quarter quota receipt recruiter refund register regulation reimbursement release renewal repair report
request research reservation resource retention revenue review risk roadmap roster router safety salary
sample schedule scholarship security seminar server session settlement shipment shipping sick signature
software specification sponsor staffing standard statement storage strategy subscription supplier
support survey tariff taxation teamwork template tenant terminal ticket timesheet token training
transfer travel treasury tuition upgrade vacation vehicle vendor verification visitor voucher
wallet warehouse warranty webinar welfare wellness workflow workload workshop workstation
`
  .trim()
  .split(/\s+/)
  .filter((word, i, all) => all.indexOf(word) === i);

/**
 * A vocabulary of `size` words: WORDS first (they become the most frequent ranks under Zipf sampling),
 * then pronounceable pseudo-words (two or three consonant-vowel syllables, fixed seed) for the long
 * tail, so documents have a realistic spread of common and rare terms.
 */
export function vocabulary(size: number, seed = 7): string[] {
  const rng = createRng(seed);
  // Shuffled, so the most frequent ranks are not simply the alphabetically first words.
  const words = rng.sample(WORDS, Math.min(size, WORDS.length));
  const seen = new Set(words);
  const consonants = "bdfgklmnprstvz";
  const vowels = "aeiou";
  while (words.length < size) {
    let word = "";
    const syllables = rng.range(2, 3);
    for (let i = 0; i < syllables; i++) word += rng.pick([...consonants]) + rng.pick([...vowels]);
    if (!seen.has(word)) {
      seen.add(word);
      words.push(word);
    }
  }
  return words;
}

/** Samples indices 0..n-1 with probability ∝ 1/(i+1)^s: a few common words, a long tail of rare ones. */
export function zipfSampler(n: number, s: number): (rng: Rng) => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += 1 / (i + 1) ** s;
    cumulative[i] = total;
  }
  return (rng) => {
    const target = rng.next() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export interface TextGenerator {
  /** The vocabulary, most frequent first. */
  words: readonly string[];
  /** A word drawn by frequency. */
  word(rng: Rng): string;
  sentence(rng: Rng, minWords?: number, maxWords?: number): string;
  paragraph(rng: Rng, minSentences?: number, maxSentences?: number): string;
}

/** Sentences of Zipf-distributed words (s ≈ 1 resembles natural text) from `words`, most frequent first. */
export function textGenerator(words: readonly string[] = vocabulary(5000), s = 1): TextGenerator {
  const draw = zipfSampler(words.length, s);
  const gen: TextGenerator = {
    words,
    word: (rng) => words[draw(rng)]!,
    sentence(rng, minWords = 6, maxWords = 14) {
      const n = rng.range(minWords, maxWords);
      const parts: string[] = [];
      for (let i = 0; i < n; i++) parts.push(gen.word(rng));
      const text = parts.join(" ");
      return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
    },
    paragraph(rng, minSentences = 3, maxSentences = 6) {
      const n = rng.range(minSentences, maxSentences);
      const sentences: string[] = [];
      for (let i = 0; i < n; i++) sentences.push(gen.sentence(rng));
      return sentences.join(" ");
    },
  };
  return gen;
}

/** Scales `v` in place to unit length (left as is when it is all zeros). */
export function normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / norm;
  return v;
}

export function randomUnitVector(rng: Rng, dim: number): Float32Array {
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = rng.gaussian();
  return normalize(v);
}

/**
 * Unit vectors with cluster structure, like real embeddings: `clusters` random unit centroids, and each
 * vector is a centroid plus isotropic Gaussian noise of total norm ≈ `noise`, renormalised. With
 * noise 0.6 a member's cosine to its centroid is ≈ 0.86 and to another cluster's members ≈ 0.
 */
export class ClusteredVectors {
  readonly centroids: Float32Array[];

  constructor(
    private readonly rng: Rng,
    readonly dim: number,
    clusters: number,
    readonly noise: number,
  ) {
    this.centroids = Array.from({ length: clusters }, () => randomUnitVector(rng, dim));
  }

  /** A vector near a random centroid (or the given one); returns the centroid index with it. */
  next(
    rng: Rng = this.rng,
    cluster = rng.int(this.centroids.length),
  ): { vector: Float32Array; cluster: number } {
    const centroid = this.centroids[cluster]!;
    const sigma = this.noise / Math.sqrt(this.dim);
    const v = new Float32Array(this.dim);
    for (let i = 0; i < this.dim; i++) v[i] = centroid[i]! + sigma * rng.gaussian();
    return { vector: normalize(v), cluster };
  }
}

/** Dot product; equals cosine similarity for unit vectors. */
export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** Indices of the k vectors most similar (cosine) to `query`, best first: the exact answer for recall. */
export function exactTopK(query: Float32Array, vectors: readonly Float32Array[], k: number): number[] {
  const best: { index: number; score: number }[] = [];
  for (let i = 0; i < vectors.length; i++) {
    const score = dot(query, vectors[i]!);
    if (best.length < k || score > best[best.length - 1]!.score) {
      let pos = best.length;
      while (pos > 0 && best[pos - 1]!.score < score) pos--;
      best.splice(pos, 0, { index: i, score });
      if (best.length > k) best.pop();
    }
  }
  return best.map((b) => b.index);
}

/** Fraction of `expected` found in `actual` (recall@k with k = expected.length). */
export function recall(actual: readonly string[], expected: readonly string[]): number {
  if (expected.length === 0) return 1;
  const found = new Set(actual);
  return expected.filter((id) => found.has(id)).length / expected.length;
}

/** A vector as pgvector's text form, rounded to `decimals` places (halfvec keeps ~3 significant digits). */
export function vectorText(v: Float32Array, decimals = 6): string {
  const scale = 10 ** decimals;
  const parts: number[] = new Array(v.length);
  for (let i = 0; i < v.length; i++) parts[i] = Math.round(v[i]! * scale) / scale;
  return `[${parts.join(",")}]`;
}

/** A vector as a plain number array rounded to `decimals` places, as repositories take embeddings. */
export function vectorArray(v: Float32Array, decimals = 6): number[] {
  const scale = 10 ** decimals;
  return Array.from(v, (x) => Math.round(x * scale) / scale);
}
