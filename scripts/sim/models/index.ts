/**
 * The reputation models the simulator compares, replayed on the same trace: Credence (read from the trace, where
 * the contracts computed it) and the baselines (computed here from the trace's ratings).
 */
import type { ModelName, ModelRun, SimTrace } from "../types.js";
import { runAverage } from "./average.js";
import { type BetaOptions, runBeta } from "./beta.js";
import { type EigenTrustOptions, runEigenTrust } from "./eigentrust.js";
import { runNone } from "./none.js";

/** The baseline models, in the order the report lists them. */
export const BASELINES: ModelName[] = ["none", "average", "beta", "eigentrust"];

/** Parameters of the models that take any. */
export interface ModelOptions {
  beta?: BetaOptions;
  eigentrust?: EigenTrustOptions;
}

/**
 * Runs model `name` on `trace`: `trust[round][memberIndex]` at the end of each round, NaN before the member joined.
 * "credence" returns the trace's own `credence` matrix (the contracts' `trustOf`); the baselines replay the
 * trace's ratings in order.
 */
export function runModel(name: ModelName, trace: SimTrace, options: ModelOptions = {}): ModelRun {
  switch (name) {
    case "credence":
      return { model: "credence", trust: trace.credence };
    case "none":
      return runNone(trace);
    case "average":
      return runAverage(trace);
    case "beta":
      return runBeta(trace, options.beta);
    case "eigentrust":
      return runEigenTrust(trace, options.eigentrust);
    default:
      throw new Error(`unknown model ${String(name satisfies never)}`);
  }
}
