/**
 * The EigenTrust baseline: S. D. Kamvar, M. T. Schlosser and H. Garcia-Molina, "The EigenTrust Algorithm for
 * Reputation Management in P2P Networks", WWW 2003.
 */
import type { ModelRun, SimTrace } from "../types.js";

/** Parameters of {@link runEigenTrust}. */
export interface EigenTrustOptions {
  /** The teleport weight a in (0, 1]: the share of trust that returns to the pre-trusted peers each step. */
  teleport?: number;
  /** A rating with score ≥ this cut is a satisfactory transaction, below it an unsatisfactory one. */
  satisfactoryCut?: number;
  /** Stop when ‖t(k+1) − t(k)‖₁ falls below this. */
  tolerance?: number;
  /** Stop after this many iterations in a round whatever the residual. */
  maxIterations?: number;
}

export const EIGENTRUST_DEFAULTS: Required<EigenTrustOptions> = {
  teleport: 0.15,
  satisfactoryCut: 0.5,
  tolerance: 1e-9,
  maxIterations: 200,
};

/**
 * Replays `trace` through EigenTrust with pre-trusted peers (the paper's Algorithm 2, computed centrally).
 *
 * The nodes of a round are its present members (joinedRound ≤ round) plus one node for the platform, which rates
 * but is never scored. After the round's ratings (all rounds so far count; EigenTrust does not forget):
 * - local trust s_ij = sat(i, j) − unsat(i, j), where a rating by i of j is satisfactory when its score is
 *   ≥ `satisfactoryCut` (default 0.5); self-ratings are ignored (the ledger rejects them anyway);
 * - c_ij = max(s_ij, 0) / Σ_k max(s_ik, 0), or c_ij = p_j when i has no positive opinion of anyone present;
 * - p is uniform over the pre-trusted set: the present founders and the platform node;
 * - t ← (1 − a)·Cᵀt + a·p, from the previous round's vector (new nodes at 0, renormalized to sum 1; p in round 0),
 *   until ‖Δt‖₁ < `tolerance` or `maxIterations`. The map is a contraction with factor 1 − a, so the fixed point
 *   does not depend on the start; the warm start only saves iterations.
 *
 * `trust[round][j]` is t_j ÷ max over present members of t, in [0, 1] (0 for all if that maximum is 0), NaN before
 * j's `joinedRound`. Dividing every member by the same positive number changes neither the AUC nor any share of
 * total trust (a share is a ratio of sums), so the metrics read the same as from the raw t, whose member entries
 * normalized to sum 1 give the shares. Members are never removed: an expelled identity keeps the trust the
 * ratings give it. Each iteration costs O(nodes + positive local-trust entries).
 */
export function runEigenTrust(trace: SimTrace, options: EigenTrustOptions = {}): ModelRun {
  const { teleport: a, satisfactoryCut, tolerance, maxIterations } = { ...EIGENTRUST_DEFAULTS, ...options };
  if (!(a > 0 && a <= 1)) throw new Error(`eigentrust: the teleport weight must be in (0, 1], got ${a}`);
  const members = trace.members;
  const n = members.length;
  const platform = n; // the platform's node index
  // local[i]: target → sat − unsat, for rater i (members 0..n−1, the platform n).
  const local: Map<number, number>[] = Array.from({ length: n + 1 }, () => new Map());
  let t = new Float64Array(n + 1);
  let fresh = new Float64Array(n + 1);
  const p = new Float64Array(n + 1);
  const trust: number[][] = [];
  let next = 0;

  for (let round = 0; round < trace.rounds; round++) {
    for (; next < trace.ratings.length && trace.ratings[next].round === round; next++) {
      const { rater, target, score } = trace.ratings[next];
      const i = rater === "platform" ? platform : rater;
      if (i === target) continue;
      local[i].set(target, (local[i].get(target) ?? 0) + (score >= satisfactoryCut ? 1 : -1));
    }

    const present: number[] = [];
    for (const member of members) if (member.joinedRound <= round) present.push(member.index);
    const nodes = [...present, platform];

    p.fill(0);
    const preTrusted = [...present.filter((j) => members[j].founder), platform];
    for (const j of preTrusted) p[j] = 1 / preTrusted.length;

    // Sparse rows of C over the present nodes: parallel arrays of targets and normalized weights; an empty row
    // stands for "no positive opinion", whose mass is spread along p.
    const rowTargets: number[][] = [];
    const rowWeights: number[][] = [];
    for (const i of nodes) {
      const targets: number[] = [];
      const weights: number[] = [];
      let total = 0;
      for (const [j, sij] of local[i]) {
        if (sij > 0 && members[j].joinedRound <= round) {
          targets.push(j);
          weights.push(sij);
          total += sij;
        }
      }
      for (let k = 0; k < weights.length; k++) weights[k] /= total;
      rowTargets.push(targets);
      rowWeights.push(weights);
    }

    // Warm start: last round's vector restricted to the present nodes, renormalized; p when there is none.
    let mass = 0;
    for (const i of nodes) mass += t[i];
    if (mass > 0) for (const i of nodes) t[i] /= mass;
    else t.set(p);

    for (let iteration = 0; iteration < maxIterations; iteration++) {
      fresh.fill(0);
      let dangling = 0;
      for (let k = 0; k < nodes.length; k++) {
        const ti = t[nodes[k]];
        const targets = rowTargets[k];
        if (targets.length === 0) {
          dangling += ti;
          continue;
        }
        const weights = rowWeights[k];
        for (let e = 0; e < targets.length; e++) fresh[targets[e]] += (1 - a) * weights[e] * ti;
      }
      const spread = (1 - a) * dangling + a; // both go along p
      let delta = 0;
      for (const j of nodes) {
        fresh[j] += spread * p[j];
        delta += Math.abs(fresh[j] - t[j]);
      }
      [t, fresh] = [fresh, t];
      if (delta < tolerance) break;
    }

    let max = 0;
    for (const j of present) max = Math.max(max, t[j]);
    trust.push(
      members.map(({ index, joinedRound }) => (round < joinedRound ? Number.NaN : max > 0 ? t[index] / max : 0)),
    );
  }
  if (next !== trace.ratings.length) throw new Error(`eigentrust: rating ${next} is out of round order or range`);
  return { model: "eigentrust", trust };
}
