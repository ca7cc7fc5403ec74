/**
 * A small seeded pseudo-random generator for the simulator: sfc32 (Chris Doty-Humphrey's Small Fast Counting
 * generator, 128-bit state) seeded through splitmix32. Only 32-bit integer arithmetic (`Math.imul`, `>>>`), so a
 * seed gives the same sequence on every platform and Node version. Not cryptographic.
 */

/** A seeded random stream. */
export interface Rng {
  /** A float in [0, 1), with 32 random bits. */
  next(): number;
  /** An integer in [0, n), for an integer n in [1, 2³²]. */
  int(n: number): number;
  /** True with probability `p` (p ≤ 0 never, p ≥ 1 always). */
  chance(p: number): boolean;
  /** A normal variate (Box–Muller; consumes two draws per call). */
  normal(mean?: number, sd?: number): number;
  /** A uniformly chosen element of a non-empty array. */
  pick<T>(array: readonly T[]): T;
  /** A uniformly shuffled copy of `array` (Fisher–Yates); the argument is left as it was. */
  shuffle<T>(array: readonly T[]): T[];
  /**
   * An independent stream derived from this stream's seed and `label` only, not from how many draws were taken,
   * so that adding draws to one part of a simulation does not shift another part's stream.
   */
  fork(label: string): Rng;
}

const TWO_POW_32 = 2 ** 32;

/** splitmix32: a 32-bit mixer that spreads a seed's bits over the whole state. */
function splitmix32(state: number): () => number {
  let s = state | 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
}

/** The seed of `fork(label)`: FNV-1a over the label's UTF-16 code units, started from the mixed parent seed. */
function forkSeed(seed: number, label: string): number {
  let h = splitmix32(seed)() ^ 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return splitmix32(h)();
}

/**
 * A seeded random stream (sfc32 seeded through splitmix32). The same 32-bit `seed` always gives the same
 * sequence; `seed` is taken modulo 2³² (so -1 and 0xffffffff are the same seed).
 */
export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed)) throw new Error(`an RNG seed must be an integer, got ${seed}`);
  const root = seed >>> 0;
  const init = splitmix32(root);
  let a = init();
  let b = init();
  let c = init();
  let d = init();

  const nextUint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // The usual warm-up: the first outputs of sfc32 are still close to the seeding values.
  for (let i = 0; i < 12; i++) nextUint32();

  const next = (): number => nextUint32() / TWO_POW_32;
  const int = (n: number): number => {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) throw new Error(`int(n) needs an integer n ≥ 1, got ${n}`);
    // floor(u·n) has a bias below n / 2³² (under 3e-8 for n ≤ 100), far under the simulator's noise.
    return Math.floor(next() * n);
  };

  // Closures rather than `this`, so that a destructured method (`const { pick } = rng`) still works.
  return {
    next,
    int,
    chance(p) {
      return next() < p;
    },
    normal(mean = 0, sd = 1) {
      // 1 − u is in (0, 1], so the logarithm is finite.
      const u1 = 1 - next();
      const u2 = next();
      return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    },
    pick(array) {
      if (array.length === 0) throw new Error("pick from an empty array");
      return array[int(array.length)];
    },
    shuffle(array) {
      const out = [...array];
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    },
    fork(label) {
      return createRng(forkSeed(root, label));
    },
  };
}
