/**
 * Small statistics for benchmark samples: nearest-rank percentiles (always a value that was observed, never an
 * interpolation between two) and rates.
 */

/**
 * The `p`-th percentile of `samples` by the nearest-rank method: the smallest sample such that at least `p` % of
 * the samples are less than or equal to it. `p` is in (0, 100]; p = 50 of an even count is the lower middle value.
 * Throws on an empty list, a non-finite sample or `p` out of range.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error("percentile of no samples");
  if (!(p > 0 && p <= 100)) throw new Error(`percentile must be in (0, 100], got ${p}`);
  if (samples.some((value) => !Number.isFinite(value))) throw new Error("percentile of a non-finite sample");
  const sorted = [...samples].sort((a, b) => a - b);
  // The epsilon keeps p·n/100 from landing one rank high through floating-point error: p = 100/11 of 11 samples
  // (the first) computes 1.0000000000000002.
  const rank = Math.max(1, Math.ceil((p * sorted.length) / 100 - 1e-9));
  return sorted[rank - 1];
}

/** The median (nearest rank: the lower middle value of an even count). */
export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

/** Summary of latency samples, in the samples' unit. */
export interface Summary {
  samples: number;
  min: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

/** Count, min, p50, p95, max and mean of `samples` (non-empty). */
export function summarize(samples: readonly number[]): Summary {
  const p50 = percentile(samples, 50); // also checks that there are samples, all finite
  return {
    samples: samples.length,
    min: Math.min(...samples),
    p50,
    p95: percentile(samples, 95),
    max: Math.max(...samples),
    mean: samples.reduce((sum, value) => sum + value, 0) / samples.length,
  };
}

/** Events per second: `count` over `seconds` (which must be positive). */
export function perSecond(count: number, seconds: number): number {
  if (!(seconds > 0)) throw new Error(`a rate needs a positive duration, got ${seconds} s`);
  return count / seconds;
}

/** `value` rounded to `digits` decimals, for a readable JSON result. */
export function round(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
