import { id } from "ethers";

import { ONE } from "../../src/constants.js";
import { defaultTrustParameters, type TrustParameters } from "../../src/defaults.js";
import type { TrustLedger } from "../../types/index.js";

/**
 * The trust model's integer arithmetic written out again in TypeScript (contracts/trust/TrustMath.sol and
 * the formulas of TrustLedger.sol), so that tests derive exact expectations at the block a transaction was
 * mined in instead of hard-coding figures that shift with every block. The decay factor is also checked
 * against `Math.pow` in the tests, so a wrong constant here cannot hide a wrong constant there.
 */

/** floor(a * b / c), as OpenZeppelin's Math.mulDiv (bigints do not overflow). */
export function mulDiv(a: bigint, b: bigint, c: bigint): bigint {
  return (a * b) / c;
}

/** 2^(-2^-k) in 18 decimals for k = 1..20 (bit 19 of the 20-bit fraction first). */
const FRACTION_FACTORS = [
  707106781186547524n,
  840896415253714543n,
  917004043204671231n,
  957603280698573646n,
  978572062087700134n,
  989228013193975484n,
  994599423483633175n,
  997296056085470126n,
  998647112890970173n,
  999323327502650752n,
  999661606496243683n,
  999830788931929063n,
  999915390886613497n,
  999957694548431132n,
  999978847050491929n,
  999989423469314464n,
  999994711720674283n,
  999997355856841394n,
  999998677927546759n,
  999999338963554895n,
];

/** TrustMath.decayFactor: 2^(-elapsed / halfLife) in 18 decimals. */
export function decayFactor(elapsed: bigint, halfLife: bigint): bigint {
  const halvings = elapsed / halfLife;
  if (halvings >= 64n) return 0n;
  const fraction = ((elapsed % halfLife) << 20n) / halfLife;
  let factor = ONE;
  FRACTION_FACTORS.forEach((constant, i) => {
    if ((fraction & (1n << BigInt(19 - i))) !== 0n) factor = (factor * constant) / ONE;
  });
  return factor >> halvings;
}

/** TrustMath.decay: the part of `value` above `baseline` halves every `halfLife`. */
export function decay(value: bigint, baseline: bigint, elapsed: bigint, halfLife: bigint): bigint {
  if (value <= baseline || elapsed === 0n) return value;
  return baseline + mulDiv(value - baseline, decayFactor(elapsed, halfLife), ONE);
}

/** TrustMath.evolve: one asymmetric moving-average step, scaled by the rater's weight. */
export function evolve(trust: bigint, score: bigint, gainRate: bigint, lossRate: bigint, weight: bigint): bigint {
  if (score >= trust) return trust + mulDiv(score - trust, gainRate * weight, ONE * ONE);
  return trust - mulDiv(trust - score, lossRate * weight, ONE * ONE);
}

/** TrustMath.preTrust: trust-weighted mean score damped by n / (n + k). */
export function preTrust(weightedScoreSum: bigint, weightSum: bigint, count: bigint, damping: bigint): bigint {
  if (count === 0n || weightSum === 0n) return 0n;
  return mulDiv(mulDiv(weightedScoreSum, ONE, weightSum), count, count + damping);
}

/** Low = 1/3, Medium = 2/3, High = 1 (integer division, as on-chain). */
export function levelValue(level: number): bigint {
  return (BigInt(level) * ONE) / 3n;
}

export interface InitialInputs {
  preTrust: bigint;
  legal: number;
  capability: number;
  indirect: bigint;
}

/** T0 = (wPre*pre + wLegal*level(legal) + wCap*level(cap) + wInd*indirect) / 1e18, capped in public communities. */
export function initialTrust(p: TrustParameters, inputs: InitialInputs, isPublic = false): bigint {
  const t0 =
    (p.weightPreTrust * inputs.preTrust +
      p.weightLegal * levelValue(inputs.legal) +
      p.weightCapability * levelValue(inputs.capability) +
      p.weightIndirect * inputs.indirect) /
    ONE;
  return isPublic && t0 > p.publicInitialCap ? p.publicInitialCap : t0;
}

export interface Scores {
  quality: bigint;
  quantity: bigint;
  integrity: bigint;
  intent: bigint;
}

/** The weighted score of a rating. */
export function scoreOf(p: TrustParameters, s: Scores): bigint {
  return (
    (p.weightQuality * s.quality +
      p.weightQuantity * s.quantity +
      p.weightIntegrity * s.integrity +
      p.weightIntent * s.intent) /
    ONE
  );
}

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

/** The default parameters with some fields replaced. */
export function withParameters(overrides: Partial<TrustParameters>): TrustParameters {
  return { ...defaultTrustParameters, ...overrides };
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
  ];
}

/** The ledger's current parameters as plain bigints. */
export async function parametersOf(ledger: TrustLedger): Promise<TrustParameters> {
  const p = await ledger.parameters();
  return {
    weightPreTrust: p.weightPreTrust,
    weightLegal: p.weightLegal,
    weightCapability: p.weightCapability,
    weightIndirect: p.weightIndirect,
    weightQuality: p.weightQuality,
    weightQuantity: p.weightQuantity,
    weightIntegrity: p.weightIntegrity,
    weightIntent: p.weightIntent,
    gainRate: p.gainRate,
    lossRate: p.lossRate,
    flagThreshold: p.flagThreshold,
    publicInitialCap: p.publicInitialCap,
    baseline: p.baseline,
    halfLife: p.halfLife,
    recommendationDamping: p.recommendationDamping,
  };
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
