/**
 * The plain-average baseline: a member's trust is the unweighted mean of every rating score it has received, as a
 * naive star-rating system computes it.
 */
import type { ModelRun, SimTrace } from "../types.js";
import { replayRounds } from "./replay.js";

/** A member's trust before any rating: the midpoint, neither trusted nor distrusted. */
export const AVERAGE_PRIOR = 0.5;

/**
 * Replays `trace` through the plain average: trust_j = (Σ scores received by j) ÷ (number of ratings received by
 * j), platform and peer ratings counted alike, {@link AVERAGE_PRIOR} before the first rating. `trust[round][j]` is
 * the value at the end of `round` (NaN before j's `joinedRound`). Throws if the trace's ratings are not in round
 * order within [0, rounds).
 */
export function runAverage(trace: SimTrace): ModelRun {
  const n = trace.members.length;
  const sum = new Float64Array(n);
  const count = new Uint32Array(n);
  return replayRounds(trace, "average", {
    rate({ target, score }) {
      sum[target] += score;
      count[target]++;
    },
    trustOf: (j) => (count[j] === 0 ? AVERAGE_PRIOR : sum[j] / count[j]),
  });
}
