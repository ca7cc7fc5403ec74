/**
 * The "no reputation" baseline: every member is trusted alike, as in a community that admits members and never
 * tells them apart afterwards.
 */
import type { ModelRun, SimTrace } from "../types.js";

/**
 * Trust 1 for every member from its `joinedRound` on (NaN before), whatever it did; an expelled identity stays at
 * 1 too, since the baselines model no expulsion. Every identity ties, so the AUC is 0.5 by construction.
 */
export function runNone(trace: SimTrace): ModelRun {
  const trust: number[][] = [];
  for (let round = 0; round < trace.rounds; round++) {
    trust.push(trace.members.map((member) => (round < member.joinedRound ? Number.NaN : 1)));
  }
  return { model: "none", trust };
}
