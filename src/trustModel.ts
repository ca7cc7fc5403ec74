/**
 * The trust model's integer arithmetic in TypeScript, to the wei the same as contracts/trust/TrustMath.sol and
 * the formulas of TrustLedger / EntityRegistry. Front-ends use it to preview a trust value; tests use it to derive
 * exact expectations at the block a transaction is mined in. The tests check it against the contracts (and the
 * decay constants against Math.pow), so the two cannot drift apart silently.
 */
import { ONE } from "./constants.js";
import type { TrustParameters } from "./defaults.js";

/** 2^(-2^-k) in 18 decimals for k = 1..20 (applied for bit 19 of the 20-bit fraction first). */
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

/** floor(a * b / c), as OpenZeppelin's Math.mulDiv (bigints do not overflow). */
export function mulDiv(a: bigint, b: bigint, c: bigint): bigint {
  return (a * b) / c;
}

/** TrustMath.decayFactor: 2^(-elapsed / halfLife) in 18 decimals, with the contract's 20-bit quantization. */
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

/** TrustMath.decay: the part of `value` above `baseline` halves every `halfLife`; at or below it nothing moves. */
export function decay(value: bigint, baseline: bigint, elapsed: bigint, halfLife: bigint): bigint {
  if (value <= baseline || elapsed === 0n) return value;
  return baseline + mulDiv(value - baseline, decayFactor(elapsed, halfLife), ONE);
}

/** TrustMath.evolve: one asymmetric moving-average step, scaled by the rater's weight. */
export function evolve(trust: bigint, score: bigint, gainRate: bigint, lossRate: bigint, weight: bigint): bigint {
  if (score >= trust) return trust + mulDiv(score - trust, gainRate * weight, ONE * ONE);
  return trust - mulDiv(trust - score, lossRate * weight, ONE * ONE);
}

/**
 * TrustMath.preTrust: the trust-weighted mean score damped by the recommenders' total trust W as W / (W + k),
 * i.e. `weightedScoreSum * 1e18 / (W + k * 1e18)` rounded down; zero when W is zero.
 */
export function preTrust(weightedScoreSum: bigint, weightSum: bigint, damping: bigint): bigint {
  if (weightSum === 0n) return 0n;
  return mulDiv(weightedScoreSum, ONE, weightSum + damping * ONE);
}

/** The value of an assessment level in the initial-trust formula: Low = 1/3, Medium = 2/3, High = 1. */
export function levelValue(level: number): bigint {
  return (BigInt(level) * ONE) / 3n;
}

/** EntityRegistry's indirect trust: mean of data privacy, copyright and (1 - cybercrime), rounded down. */
export function indirectTrust(row: { dataPrivacy: bigint; copyright: bigint; cybercrime: bigint }): bigint {
  return (row.dataPrivacy + row.copyright + (ONE - row.cybercrime)) / 3n;
}

export interface InitialInputs {
  preTrust: bigint;
  legal: number;
  capability: number;
  indirect: bigint;
}

/** Initial trust before the cap: (wPre*pre + wLegal*level(legal) + wCap*level(cap) + wInd*indirect) / 1e18. */
export function initialFormula(p: TrustParameters, inputs: InitialInputs): bigint {
  return (
    (p.weightPreTrust * inputs.preTrust +
      p.weightLegal * levelValue(inputs.legal) +
      p.weightCapability * levelValue(inputs.capability) +
      p.weightIndirect * inputs.indirect) /
    ONE
  );
}

/** The community type's cap on initial trust: publicInitialCap in public communities, privateInitialCap in private. */
export function initialCap(p: TrustParameters, isPublic = false): bigint {
  return isPublic ? p.publicInitialCap : p.privateInitialCap;
}

/** T0: the formula, capped at the community type's initial cap. */
export function initialTrust(p: TrustParameters, inputs: InitialInputs, isPublic = false): bigint {
  const t0 = initialFormula(p, inputs);
  const cap = initialCap(p, isPublic);
  return t0 > cap ? cap : t0;
}

export interface Scores {
  quality: bigint;
  quantity: bigint;
  integrity: bigint;
  intent: bigint;
}

/** The weighted score of a rating's four dimensions. */
export function scoreOf(p: TrustParameters, s: Scores): bigint {
  return (
    (p.weightQuality * s.quality +
      p.weightQuantity * s.quantity +
      p.weightIntegrity * s.integrity +
      p.weightIntent * s.intent) /
    ONE
  );
}
