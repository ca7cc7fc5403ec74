import { CommunityType, Level } from "./constants.js";
import { countryCode, toFixed } from "./fixedPoint.js";

/**
 * Default trust-model parameters (docs/trust-model.md explains each one and its range).
 * The half-life is in blocks: 30 days at a 2-second Besu block period.
 */
export const defaultTrustParameters = {
  weightPreTrust: toFixed("0.35"),
  weightLegal: toFixed("0.20"),
  weightCapability: toFixed("0.25"),
  weightIndirect: toFixed("0.20"),
  weightQuality: toFixed("0.40"),
  weightQuantity: toFixed("0.10"),
  weightIntegrity: toFixed("0.25"),
  weightIntent: toFixed("0.25"),
  gainRate: toFixed("0.10"),
  lossRate: toFixed("0.30"),
  flagThreshold: toFixed("0.30"),
  publicInitialCap: toFixed("0.10"),
  baseline: toFixed("0.50"),
  halfLife: 1_296_000n,
  recommendationDamping: 2n,
  privateInitialCap: toFixed("0.40"),
  probationRatings: 4n,
};

export type TrustParameters = typeof defaultTrustParameters;

/** Plain bigints from the `parameters()` struct a contract call returns (named fields, in any struct form). */
export function toTrustParameters(p: { [K in keyof TrustParameters]: bigint }): TrustParameters {
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
    privateInitialCap: p.privateInitialCap,
    probationRatings: p.probationRatings,
  };
}

/**
 * Default entry criteria. They admit the founding organizations, which nobody can recommend yet; governance
 * raises them (setEntryCriteria) once the founders are in, as the demo shows.
 */
export const defaultEntryCriteria = {
  minPreTrust: 0n,
  minRecommendations: 0n,
  maxRecommendations: 16n,
  minCapability: BigInt(Level.Low),
  minLegal: BigInt(Level.Low),
};

export type EntryCriteria = typeof defaultEntryCriteria;

/**
 * The entry criteria governance raises to once the founders are in (`npm run demo` and `npm run simulate` do):
 * two recommendations, a pre-trust of at least 0.2, and at least Medium legal enforceability. The legal minimum is
 * the Sybil defence the simulation supports (docs/robustness.md): identities an attacker registers as shell
 * organizations, which the assessor grades Low, are turned away however many members it has to recommend them.
 */
export const raisedEntryCriteria: EntryCriteria = {
  ...defaultEntryCriteria,
  minRecommendations: 2n,
  minPreTrust: toFixed("0.2"),
  minLegal: BigInt(Level.Medium),
};

export const defaultCommunityType = CommunityType.Private;

/**
 * Default penalty-case parameters (docs/penalty.md explains each one). Durations are blocks at a 2-second Besu
 * block period: voting starts 10 minutes after a flag and lasts 12 hours; the ratifier has a day.
 */
export const defaultPenaltyParameters = {
  reportingThreshold: toFixed("0.40"),
  bondShare: toFixed("0.30"),
  quorumShare: toFixed("0.30"),
  expelThreshold: toFixed("0.60"),
  misuseThreshold: toFixed("0.40"),
  liabilityShare: toFixed("0.10"),
  votingDelay: 300n,
  votingPeriod: 21_600n,
  ratificationWindow: 43_200n,
  misuseWindow: 1_296_000n,
  barPeriod: 1_296_000n,
  liabilityWindow: 7_776_000n,
  maxMisuses: 2n,
};

export type PenaltyParameters = typeof defaultPenaltyParameters;

/** The block period, in seconds, that the defaults' block counts assume. */
export const REFERENCE_BLOCK_PERIOD = 2;

/** Trust parameters counted in blocks (every other one is an 18-decimal fraction or a count). */
export const trustDurationKeys = ["halfLife"] as const satisfies readonly (keyof TrustParameters)[];

/** Penalty parameters counted in blocks (every other one is an 18-decimal fraction or a count). */
export const penaltyDurationKeys = [
  "votingDelay",
  "votingPeriod",
  "ratificationWindow",
  "misuseWindow",
  "barPeriod",
  "liabilityWindow",
] as const satisfies readonly (keyof PenaltyParameters)[];

/** A country-table row: each score in [0, 1]; cybercrime is exposure (higher is worse). */
export interface CountryRow {
  code: string;
  dataPrivacy: string;
  copyright: string;
  cybercrime: string;
  excluded?: boolean;
}

/**
 * An illustrative starting country table. The figures are placeholders chosen for the demo and tests, not an
 * assessment of any country: governance replaces them with the indices it adopts (setCountry).
 */
export const defaultCountries: CountryRow[] = [
  { code: "DE", dataPrivacy: "0.90", copyright: "0.85", cybercrime: "0.30" },
  { code: "FR", dataPrivacy: "0.90", copyright: "0.85", cybercrime: "0.30" },
  { code: "NL", dataPrivacy: "0.90", copyright: "0.80", cybercrime: "0.25" },
  { code: "CH", dataPrivacy: "0.85", copyright: "0.85", cybercrime: "0.20" },
  { code: "GB", dataPrivacy: "0.80", copyright: "0.85", cybercrime: "0.35" },
  { code: "US", dataPrivacy: "0.60", copyright: "0.90", cybercrime: "0.45" },
  { code: "JP", dataPrivacy: "0.75", copyright: "0.80", cybercrime: "0.25" },
  { code: "SG", dataPrivacy: "0.75", copyright: "0.75", cybercrime: "0.25" },
  { code: "BR", dataPrivacy: "0.65", copyright: "0.60", cybercrime: "0.55" },
  { code: "IN", dataPrivacy: "0.55", copyright: "0.60", cybercrime: "0.55" },
];

/** The on-chain form of a country row (IEntityRegistry.CountryEntry). */
export function toCountryEntry(row: CountryRow) {
  return {
    code: countryCode(row.code),
    country: {
      dataPrivacy: toFixed(row.dataPrivacy),
      copyright: toFixed(row.copyright),
      cybercrime: toFixed(row.cybercrime),
      listed: true,
      excluded: row.excluded ?? false,
    },
  };
}
