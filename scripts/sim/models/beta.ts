/**
 * The beta reputation system baseline: A. Jøsang and R. Ismail, "The Beta Reputation System", 15th Bled
 * Electronic Commerce Conference, 2002.
 */
import type { ModelRun, SimTrace } from "../types.js";
import { replayRounds } from "./replay.js";

/** Parameters of {@link runBeta}. */
export interface BetaOptions {
  /** The forgetting factor λ in [0, 1]: evidence one round older counts λ times as much (1 = never forget). */
  forgetting?: number;
}

/** The default forgetting factor λ. */
export const DEFAULT_FORGETTING = 0.9;

/** The paper's reputation expectation E = (r + 1) / (r + s + 2): the mean of Beta(r + 1, s + 1). */
export function betaExpectation(r: number, s: number): number {
  return (r + 1) / (r + s + 2);
}

/**
 * Replays `trace` through the beta reputation system. Each member j holds positive and negative evidence (r_j, s_j),
 * both 0 at the start, and its trust is the expectation E_j = (r_j + 1) / (r_j + s_j + 2) (0.5 without evidence).
 *
 * - Feedback: a rating of score x ∈ [0, 1] is the evidence pair (x, 1 − x), weighted by w:
 *   r_j += w·x, s_j += w·(1 − x); feedback combines by addition, as in the paper.
 * - Reputation discounting: a peer i's rating is weighted by w = E_i, i's own expectation at the moment it rates
 *   (after the ratings before it in the trace). This is a simplification of the paper's reputation discounting,
 *   which discounts through i's belief b_i = r_i / (r_i + s_i + 2) (the subjective-logic opinion of (r_i, s_i))
 *   and so gives no weight at all to a rater without positive evidence; with E_i a newcomer's rating counts half.
 *   The platform's ratings have w = 1.
 * - Forgetting: at the start of every round after round 0, r_j ← λ·r_j and s_j ← λ·s_j for every member, so at the
 *   end of round t a rating made in round t′ counts λ^(t − t′), the paper's r = Σ r_k λ^(n − k).
 *
 * `trust[round][j]` is E_j at the end of `round`, after its ratings in trace order (NaN before j's `joinedRound`).
 * Throws on λ outside [0, 1] or ratings out of round order or range.
 */
export function runBeta(trace: SimTrace, options: BetaOptions = {}): ModelRun {
  const lambda = options.forgetting ?? DEFAULT_FORGETTING;
  if (!(lambda >= 0 && lambda <= 1)) throw new Error(`beta: the forgetting factor must be in [0, 1], got ${lambda}`);
  const n = trace.members.length;
  const r = new Float64Array(n);
  const s = new Float64Array(n);
  return replayRounds(trace, "beta", {
    startRound(round) {
      if (round === 0 || lambda === 1) return;
      for (let j = 0; j < n; j++) {
        r[j] *= lambda;
        s[j] *= lambda;
      }
    },
    rate({ rater, target, score }) {
      const weight = rater === "platform" ? 1 : betaExpectation(r[rater], s[rater]);
      r[target] += weight * score;
      s[target] += weight * (1 - score);
    },
    trustOf: (j) => betaExpectation(r[j], s[j]),
  });
}
