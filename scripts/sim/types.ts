/**
 * The simulator's shared vocabulary: what a run records (the trace every model reads), what each model returns,
 * and the results the report and charts render. The engine (scripts/sim/engine.ts) writes traces from the real
 * contracts; the baselines (scripts/sim/models/) replay the same traces; scripts/sim/metrics.ts scores them all.
 */

/** How a member behaves. Hidden from every model: only the metrics read it. */
export type Behaviour =
  | "honest"
  | "malicious" // bad contributions at the scenario's rate
  | "camouflage" // good most of the time, bad on a fraction
  | "onoff" // good for a stretch, then bad for a stretch
  | "sybil" // an extra identity registered by an attacker
  | "whitewasher"; // rejoins under a new identity once expelled

/** One identity in the community (an organization on chain). Indices run 0..n-1 in joining order. */
export interface SimMember {
  index: number;
  /** The organization's id in the EntityRegistry. */
  orgId: number;
  behaviour: Behaviour;
  /** True for every identity that counts as malicious in the metrics (the attacker's Sybils included). */
  malicious: boolean;
  /** A founder: activated before anyone could recommend; EigenTrust's pre-trusted peers. */
  founder: boolean;
  /** For a Sybil or a whitewasher's new identity: the index of the identity that controls it. */
  controller?: number;
  /** Round in which it became Active (0 for the initial community). */
  joinedRound: number;
  /** Round in which it was expelled, if it was. */
  expelledRound?: number;
}

/** One contribution made to the community's platform. */
export interface SimContribution {
  /** The contribution id (bytes32 hex) the ratings carry. */
  id: string;
  author: number;
  round: number;
  /** Ground truth: whether the work is good. A fabricated contribution (false data injection) is never good. */
  good: boolean;
  fabricated: boolean;
}

/** One rating applied on chain (skipped or reverted ratings are not in the trace). */
export interface SimRating {
  round: number;
  /** A member index, or "platform" for the assessor's rating. */
  rater: number | "platform";
  target: number;
  contribution: string;
  /** The weighted rating score in [0, 1] (the ledger's `scoreOf`). */
  score: number;
  /** The integrity and intent dimensions in [0, 1] (what the low-integrity signal reads). */
  integrity: number;
  intent: number;
}

/** A penalty case as it went. */
export interface SimCase {
  caseId: number;
  accused: number;
  /** A member index, or "platform" for a case the platform's low-integrity signal opened. */
  reporter: number | "platform";
  openedRound: number;
  resolvedRound?: number;
  outcome?: "expelled" | "kept";
  /** Whether the reporter was penalized (a misuse recorded or barred) by the resolution. */
  reporterPenalized: boolean;
}

/** Everything one run recorded, in the order it happened. */
export interface SimTrace {
  scenario: string;
  seed: number;
  rounds: number;
  members: SimMember[];
  contributions: SimContribution[];
  ratings: SimRating[];
  cases: SimCase[];
  /** Identities that asked to join but were not admitted (entry criteria), so never members. */
  refused?: Array<{ behaviour: Behaviour; controller?: number; round: number; reason: string }>;
  /** Transactions the policy attempted that the contracts refused, by function and custom error (e.g. a vote
   * from an organization activated after the snapshot: `castVote: PenaltyCasesNoWeight`). */
  rejections?: Record<string, number>;
  /** Credence's trust (the ledger's `trustOf`, as a fraction) of every member at the end of each round:
   * `credence[round][memberIndex]`; NaN before the member joined, 0 once expelled. */
  credence: number[][];
}

/** A reputation model replayed on a trace: trust in [0, 1] per round per member, like `SimTrace.credence`. */
export interface ModelRun {
  model: ModelName;
  trust: number[][];
}

export type ModelName = "credence" | "none" | "average" | "beta" | "eigentrust";

/** The metrics of one model in one run (undefined where a metric does not apply). */
export interface RunMetrics {
  /** Area under the ROC curve separating malicious from honest identities by final trust (ties count ½). */
  auc: number;
  /** Malicious identities' share of total final trust. */
  maliciousTrustShare: number;
  /** Malicious identities' share of the identities. */
  maliciousMemberShare: number;
  /** Bad contributions' share of the trust-weighted acceptance (each contribution weighted by its author's trust
   * when it was made), against their share of the contributions. */
  badAcceptedShare: number;
  badContributionShare: number;
  /** Credence only: rounds from a malicious identity's first bad contribution to the case against it opening,
   * and to its expulsion (means over the identities it happened to). */
  roundsToFlag?: number;
  roundsToExpel?: number;
  /** Credence only: bad contributions a malicious identity made before a case was opened against it (mean). */
  badContributionsToFlag?: number;
  /** Credence only: honest identities expelled. */
  honestExpelled?: number;
  /** Credence only: reporters penalized for a flag the vote did not uphold. */
  reportersPenalized?: number;
  /** Sybil scenarios: total trust of the attacker's identities ÷ the trust of its one identity in the paired
   * single-identity run. */
  sybilAmplification?: number;
}

/** A metric over a scenario's runs. */
export interface Summary {
  mean: number;
  min: number;
  max: number;
}

/** One goal of the issue, evaluated for one scenario. */
export interface GoalResult {
  goal: string;
  target: string;
  measured: string;
  met: boolean;
}

/** Mean trust per round of a group of identities (a trajectory chart's line). */
export interface TrajectoryPoint {
  model: ModelName;
  group: "honest" | "malicious";
  round: number;
  mean: number;
  /** 10th and 90th percentiles over the group's identities and runs. */
  p10: number;
  p90: number;
}

export interface ScenarioResult {
  scenario: string;
  description: string;
  members: number;
  maliciousShare: number;
  rounds: number;
  runs: number;
  seeds: number[];
  /** Each model's metrics summarized over the runs (only the metrics that apply to it). */
  metrics: Partial<Record<ModelName, Partial<Record<keyof RunMetrics, Summary>>>>;
  goals: GoalResult[];
  trajectories: TrajectoryPoint[];
}

/** AUC against malicious share: one point per scenario, share and model. */
export interface SweepPoint {
  scenario: string;
  maliciousShare: number;
  model: ModelName;
  auc: Summary;
}

export interface SimResults {
  generatedAt: string;
  quick: boolean;
  /** The command line's options as run. */
  options: {
    members: number;
    malicious: number;
    rounds: number;
    runs: number;
    seed: number;
    /** `--param NAME=VALUE` assignments: parameters other than the contracts' defaults. */
    params?: string[];
    /** How governance ratified (`--ratifier`): "evidence" (the default) or "vote". */
    ratifier?: "evidence" | "vote";
    /** EigenTrust's teleport weight (`--teleport`) and beta reputation's forgetting factor (`--forgetting`). */
    teleport?: number;
    forgetting?: number;
  };
  machine: { cpus: number; cpuModel: string; node: string };
  /** What was simulated: a hash of the Solidity sources the deployment compiles from (`contractsFingerprint`) and
   * the parameters read from the deployment, so that results cannot outlive a change to either. */
  contracts: string;
  parameters: { trust: Record<string, string>; penalty: Record<string, string> };
  durationSeconds: number;
  scenarios: ScenarioResult[];
  sweep: SweepPoint[];
}
