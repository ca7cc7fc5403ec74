/**
 * The simulator's metrics: how well a model's trust separates honest from malicious identities, how much trust
 * and accepted work the malicious side gets, and (for Credence) how fast its penalty cases catch them.
 */
import type { ModelRun, RunMetrics, SimTrace, Summary } from "./types.js";

/**
 * The area under the ROC curve: the probability that a random positive (honest) identity's score is higher than a
 * random negative (malicious) one's, ties counting ½. 1 means every honest identity above every malicious one,
 * 0.5 no separation, 0 the order reversed. Computed as the Mann–Whitney U of the positives from average ranks,
 * AUC = (R₊ − n₊(n₊ + 1)/2) ÷ (n₊·n₋), in O(n log n). Throws when either class is empty, the lengths differ or a
 * score is NaN.
 */
export function auc(scores: readonly number[], positives: readonly boolean[]): number {
  if (scores.length !== positives.length) {
    throw new Error(`auc: ${scores.length} scores for ${positives.length} labels`);
  }
  if (scores.some(Number.isNaN)) throw new Error("auc of a NaN score");
  const nPositive = positives.filter(Boolean).length;
  const nNegative = scores.length - nPositive;
  if (nPositive === 0 || nNegative === 0) {
    throw new Error(`auc needs both classes, got ${nPositive} positive and ${nNegative} negative`);
  }
  const order = scores.map((_, i) => i).sort((x, y) => scores[x] - scores[y]);
  let positiveRankSum = 0;
  for (let start = 0; start < order.length;) {
    let end = start + 1;
    while (end < order.length && scores[order[end]] === scores[order[start]]) end++;
    // Ranks start+1 … end (1-based) tie: each gets their mean.
    const averageRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) if (positives[order[k]]) positiveRankSum += averageRank;
    start = end;
  }
  return (positiveRankSum - (nPositive * (nPositive + 1)) / 2) / (nPositive * nNegative);
}

/** Mean, minimum and maximum of the defined, non-NaN values; all NaN when there are none. */
export function summarize(values: readonly (number | undefined)[]): Summary {
  const kept = values.filter((value): value is number => value !== undefined && !Number.isNaN(value));
  if (kept.length === 0) return { mean: Number.NaN, min: Number.NaN, max: Number.NaN };
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const value of kept) {
    sum += value;
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  return { mean: sum / kept.length, min, max };
}

/** Options of {@link computeRunMetrics}. */
export interface RunMetricsOptions {
  /** The paired run of the same attacker without its Sybils, for `sybilAmplification`. */
  sybilControl?: { trace: SimTrace; run: ModelRun };
}

/** The last round's row of `run`: each identity's final trust, NaN for one that never joined. */
function finalRow(trace: SimTrace, run: ModelRun): number[] {
  if (trace.rounds < 1 || run.trust.length < trace.rounds) {
    throw new Error(`metrics: ${run.model} has ${run.trust.length} rounds of trust for a ${trace.rounds}-round trace`);
  }
  return run.trust[trace.rounds - 1];
}

/** x ÷ y, NaN when y is 0 (a share of nothing is undefined, not 0). */
const share = (x: number, y: number): number => (y === 0 ? Number.NaN : x / y);

/** The mean of `values`, undefined when there are none. */
const meanOrUndefined = (values: number[]): number | undefined =>
  values.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0) / values.length;

/**
 * Every metric of `run` (a model replayed on `trace`), as documented on {@link RunMetrics}. Rules:
 *
 * - Final trust is the last round's row. An identity whose final trust is NaN never joined and is left out of
 *   `auc`, `maliciousTrustShare` and `maliciousMemberShare`. Credence gives an expelled identity 0; the baselines
 *   know no expulsion and keep whatever their ratings give it.
 * - `auc` ranks honest (positive) against malicious identities by final trust; NaN when either class is absent
 *   (so {@link summarize} skips it). Shares are NaN when their denominator is 0.
 * - `badAcceptedShare`: a contribution made in round r weighs its author's trust at the end of round r − 1 (the
 *   model's opinion when the work was submitted). When the author has no opinion yet (r = 0, or r is the author's
 *   joining round), it weighs the author's trust at the end of round r instead: the first value the model gives,
 *   the same rule for every model. Bad = not `good`; the share is Σ bad weights ÷ Σ all weights.
 * - Credence only (`run.model === "credence"`), over the malicious identities: an identity's "flag case" is the
 *   first case opened against it in or after the round of its first bad contribution (a case before it caught no
 *   misbehaviour). `roundsToFlag` = flag case's openedRound − first bad round; `badContributionsToFlag` = its bad
 *   contributions in rounds ≤ the flag case's openedRound (the trace does not order contributions within a round,
 *   and the platform's signal flags in the round of the contribution it reads); `roundsToExpel` = expelledRound −
 *   first bad round, for identities expelled in or after that round. Each is the mean over the identities it
 *   applies to, undefined if none. `honestExpelled` counts honest identities with an `expelledRound`;
 *   `reportersPenalized` counts the cases whose reporter was penalized (a reporter penalized twice counts twice).
 * - `sybilAmplification` (only with `sybilControl`): (Σ final trust of the identities with behaviour "sybil" + their
 *   controllers' final trust) ÷ (the controllers' final trust in the control run, read at the same member indices,
 *   where the control trace must have malicious identities). Infinity when only the denominator is 0, 0 when both
 *   are; undefined when the trace has no Sybils. A never-joined identity counts 0.
 */
export function computeRunMetrics(trace: SimTrace, run: ModelRun, options: RunMetricsOptions = {}): RunMetrics {
  const final = finalRow(trace, run);
  const present = trace.members.filter((member) => !Number.isNaN(final[member.index]));
  const malicious = present.filter((member) => member.malicious);
  const honestCount = present.length - malicious.length;

  const totalTrust = present.reduce((sum, member) => sum + final[member.index], 0);
  const maliciousTrust = malicious.reduce((sum, member) => sum + final[member.index], 0);

  let acceptedAll = 0;
  let acceptedBad = 0;
  for (const contribution of trace.contributions) {
    const before = contribution.round > 0 ? run.trust[contribution.round - 1][contribution.author] : Number.NaN;
    const weight = Number.isNaN(before) ? run.trust[contribution.round][contribution.author] : before;
    if (Number.isNaN(weight)) {
      throw new Error(`metrics: contribution ${contribution.id} by ${contribution.author}, who had not joined`);
    }
    acceptedAll += weight;
    if (!contribution.good) acceptedBad += weight;
  }
  const badCount = trace.contributions.filter((contribution) => !contribution.good).length;

  const metrics: RunMetrics = {
    auc:
      malicious.length === 0 || honestCount === 0
        ? Number.NaN
        : auc(
            present.map((member) => final[member.index]),
            present.map((member) => !member.malicious),
          ),
    maliciousTrustShare: share(maliciousTrust, totalTrust),
    maliciousMemberShare: share(malicious.length, present.length),
    badAcceptedShare: share(acceptedBad, acceptedAll),
    badContributionShare: share(badCount, trace.contributions.length),
  };

  if (run.model === "credence") Object.assign(metrics, credenceMetrics(trace));
  if (options.sybilControl) {
    const amplification = sybilAmplification(trace, run, final, options.sybilControl);
    if (amplification !== undefined) metrics.sybilAmplification = amplification;
  }
  return metrics;
}

/** The penalty-case metrics, read from the trace's cases and members (see {@link computeRunMetrics}). */
function credenceMetrics(
  trace: SimTrace,
): Pick<
  RunMetrics,
  "roundsToFlag" | "roundsToExpel" | "badContributionsToFlag" | "honestExpelled" | "reportersPenalized"
> {
  const toFlag: number[] = [];
  const toExpel: number[] = [];
  const badToFlag: number[] = [];
  for (const member of trace.members) {
    if (!member.malicious) continue;
    const badRounds = trace.contributions
      .filter((contribution) => contribution.author === member.index && !contribution.good)
      .map((contribution) => contribution.round);
    if (badRounds.length === 0) continue;
    const firstBad = Math.min(...badRounds);
    const flagRounds = trace.cases
      .filter((c) => c.accused === member.index && c.openedRound >= firstBad)
      .map((c) => c.openedRound);
    if (flagRounds.length > 0) {
      const flagged = Math.min(...flagRounds);
      toFlag.push(flagged - firstBad);
      badToFlag.push(badRounds.filter((round) => round <= flagged).length);
    }
    if (member.expelledRound !== undefined && member.expelledRound >= firstBad) {
      toExpel.push(member.expelledRound - firstBad);
    }
  }
  const metrics: ReturnType<typeof credenceMetrics> = {
    honestExpelled: trace.members.filter((member) => !member.malicious && member.expelledRound !== undefined).length,
    reportersPenalized: trace.cases.filter((c) => c.reporterPenalized).length,
  };
  // Only set when defined, so that a JSON result has no "undefined" keys.
  const roundsToFlag = meanOrUndefined(toFlag);
  const roundsToExpel = meanOrUndefined(toExpel);
  const badContributionsToFlag = meanOrUndefined(badToFlag);
  if (roundsToFlag !== undefined) metrics.roundsToFlag = roundsToFlag;
  if (roundsToExpel !== undefined) metrics.roundsToExpel = roundsToExpel;
  if (badContributionsToFlag !== undefined) metrics.badContributionsToFlag = badContributionsToFlag;
  return metrics;
}

/** Σ trust of the Sybils and their controllers ÷ the controllers' trust alone in the control run. */
function sybilAmplification(
  trace: SimTrace,
  run: ModelRun,
  final: number[],
  control: { trace: SimTrace; run: ModelRun },
): number | undefined {
  if (control.run.model !== run.model) {
    throw new Error(`metrics: a ${run.model} run paired with a ${control.run.model} control`);
  }
  const sybils = trace.members.filter((member) => member.behaviour === "sybil");
  // Sybils the entry criteria turned away still name their controller: the attacker alone is then compared.
  const refused = (trace.refused ?? []).filter((r) => r.behaviour === "sybil");
  if (sybils.length === 0 && refused.length === 0) return undefined;
  const controllers = new Set<number>();
  for (const sybil of [...sybils, ...refused]) {
    if (sybil.controller === undefined) throw new Error(`metrics: a Sybil of ${trace.scenario} has no controller`);
    controllers.add(sybil.controller);
  }
  const controlFinal = finalRow(control.trace, control.run);
  const trustOf = (row: number[], index: number) => (Number.isNaN(row[index]) ? 0 : row[index]);
  let numerator = 0;
  for (const sybil of sybils) numerator += trustOf(final, sybil.index);
  let denominator = 0;
  for (const controller of controllers) {
    numerator += trustOf(final, controller);
    // The pairing is by member index: a control identity there that is not malicious means the runs diverged.
    if (control.trace.members[controller]?.malicious !== true) {
      throw new Error(
        `metrics: member ${controller} (the Sybils' controller) is not a malicious identity of the control`,
      );
    }
    denominator += trustOf(controlFinal, controller);
  }
  if (denominator === 0) return numerator === 0 ? 0 : Number.POSITIVE_INFINITY;
  return numerator / denominator;
}
