import { id } from "ethers";

import { toTrustParameters, type TrustParameters } from "../../src/defaults.js";
import type { TrustLedger } from "../../types/index.js";
import { fixtureTrustParameters } from "../helpers/fixtures.js";

// The trust model's arithmetic, shared with front-ends: tests derive exact expectations from it.
export {
  decay,
  decayFactor,
  evolve,
  initialTrust,
  levelValue,
  mulDiv,
  preTrust,
  scoreOf,
  type InitialInputs,
  type Scores,
} from "../../src/trustModel.js";
import { decay, type Scores } from "../../src/trustModel.js";

/** Four scores; `integrity` and `intent` default to `quality` so that a single figure gives score = figure. */
export function scores(quality: bigint, quantity = quality, integrity = quality, intent = quality): Scores {
  return { quality, quantity, integrity, intent };
}

/** The tuple form of a Scores struct, as events carry it. */
export function scoresTuple(s: Scores): bigint[] {
  return [s.quality, s.quantity, s.integrity, s.intent];
}

export interface Rating {
  orgId: bigint;
  contributionId: string;
  scores: Scores;
  evidenceHash: string;
}

/** A rating of contribution `label` of `orgId`, with an evidence hash derived from the label. */
export function rating(orgId: bigint, label: string, s: Scores): Rating {
  return { orgId, contributionId: id(`contribution:${label}`), scores: s, evidenceHash: id(`evidence:${label}`) };
}

/** The fixtures' parameters (the defaults, the private initial cap off) with some fields replaced. */
export function withParameters(overrides: Partial<TrustParameters>): TrustParameters {
  return { ...fixtureTrustParameters, ...overrides };
}

/** The tuple form of a TrustParameters struct, in declaration order. */
export function parametersTuple(p: TrustParameters): bigint[] {
  return [
    p.weightPreTrust,
    p.weightLegal,
    p.weightCapability,
    p.weightIndirect,
    p.weightQuality,
    p.weightQuantity,
    p.weightIntegrity,
    p.weightIntent,
    p.gainRate,
    p.lossRate,
    p.flagThreshold,
    p.publicInitialCap,
    p.baseline,
    p.halfLife,
    p.recommendationDamping,
    p.privateInitialCap,
    p.probationRatings,
  ];
}

/** The ledger's current parameters as plain bigints. */
export async function parametersOf(ledger: TrustLedger): Promise<TrustParameters> {
  return toTrustParameters(await ledger.parameters());
}

/** An organization's recorded trust and the parameters, read before a transaction, to project its trust. */
export interface TrustSnapshot {
  value: bigint;
  updatedAt: bigint;
  parameters: TrustParameters;
}

export async function snapshotTrust(ledger: TrustLedger, orgId: bigint): Promise<TrustSnapshot> {
  const [value, updatedAt] = await ledger.recordedTrustOf(orgId);
  return { value, updatedAt, parameters: await parametersOf(ledger) };
}

/** The organization's effective trust at `block` (decay included) from a snapshot taken before any later write. */
export function trustAtBlock(snapshot: TrustSnapshot, block: bigint): bigint {
  const { value, updatedAt, parameters } = snapshot;
  return decay(value, parameters.baseline, block - updatedAt, parameters.halfLife);
}
