/**
 * Seeded pseudo-random numbers for benchmarks: the same seed gives the same data on every engine and
 * every run, so results compare like with like. sfc32 (Chris Doty-Humphrey's small fast counter) is
 * fast, has a 128-bit state and passes PractRand; it is not for anything security related.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform integer in [min, max] (both inclusive). */
  range(min: number, max: number): number;
  /** Standard normal (mean 0, variance 1). */
  gaussian(): number;
  pick<T>(items: readonly T[]): T;
  /** `count` distinct items in random order (partial Fisher-Yates; the input is not changed). */
  sample<T>(items: readonly T[], count: number): T[];
  /** An independent generator derived from this one (for a separate stream, e.g. queries vs data). */
  fork(): Rng;
}

export function createRng(seed: number): Rng {
  // splitmix32 spreads a small integer seed over the four state words.
  let s = seed >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const u32 = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) u32();

  let spare: number | undefined;
  const rng: Rng = {
    next: () => u32() / 4_294_967_296,
    int: (n) => Math.floor(rng.next() * n),
    range: (min, max) => min + rng.int(max - min + 1),
    gaussian() {
      if (spare !== undefined) {
        const value = spare;
        spare = undefined;
        return value;
      }
      // Box-Muller; 1 - next() keeps the logarithm's argument in (0, 1].
      const r = Math.sqrt(-2 * Math.log(1 - rng.next()));
      const theta = 2 * Math.PI * rng.next();
      spare = r * Math.sin(theta);
      return r * Math.cos(theta);
    },
    pick: (items) => {
      if (items.length === 0) throw new Error("pick from an empty list");
      return items[rng.int(items.length)]!;
    },
    sample(items, count) {
      const copy = items.slice();
      const n = Math.min(count, copy.length);
      for (let i = 0; i < n; i++) {
        const j = i + rng.int(copy.length - i);
        [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      }
      return copy.slice(0, n);
    },
    fork: () => createRng(u32()),
  };
  return rng;
}
