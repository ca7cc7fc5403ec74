/**
 * The replay the per-rating baselines share (the plain average, beta reputation): rounds in order, each round's
 * ratings in trace order, then one row of trust per round.
 */
import type { ModelName, ModelRun, SimRating, SimTrace } from "../types.js";

export interface ReplayHooks {
  /** Called at the start of each round, before its ratings (forgetting, for instance). */
  startRound?(round: number): void;
  /** Applies one rating. */
  rate(rating: SimRating): void;
  /** Member `index`'s trust now. */
  trustOf(index: number): number;
}

/**
 * Replays `trace` for `model`: `trust[round][j]` is `hooks.trustOf(j)` at the end of `round`, NaN before j's
 * `joinedRound`. Throws, naming the model, if the trace's ratings are not in round order within [0, rounds).
 */
export function replayRounds(trace: SimTrace, model: ModelName, hooks: ReplayHooks): ModelRun {
  const trust: number[][] = [];
  let next = 0;
  for (let round = 0; round < trace.rounds; round++) {
    hooks.startRound?.(round);
    for (; next < trace.ratings.length && trace.ratings[next].round === round; next++) hooks.rate(trace.ratings[next]);
    trust.push(
      trace.members.map(({ index, joinedRound }) => (round < joinedRound ? Number.NaN : hooks.trustOf(index))),
    );
  }
  if (next !== trace.ratings.length) throw new Error(`${model}: rating ${next} is out of round order or range`);
  return { model, trust };
}
