/**
 * credence-parameters.json: the Ignition parameters (deploy/modules/Credence.ts) of the suite for one community.
 *
 * The suite's durations count blocks and its defaults (src/defaults.ts) assume 2-second blocks; a network with
 * another block period gets the block counts that last the same wall-clock time.
 */
import { CommunityType } from "../../src/constants.js";
import {
  REFERENCE_BLOCK_PERIOD,
  defaultPenaltyParameters,
  defaultTrustParameters,
  penaltyDurationKeys,
  trustDurationKeys,
} from "../../src/defaults.js";
import type { NetworkPlan } from "./plan.js";

/**
 * `blocks` at REFERENCE_BLOCK_PERIOD seconds each, as the nearest number of `blockPeriod`-second blocks. A
 * non-zero duration stays at least one block, so that no window collapses to nothing (a zero half-life or voting
 * period is invalid).
 */
export function rescaleBlocks(blocks: bigint, blockPeriod: number): bigint {
  if (blocks === 0n) return 0n;
  const period = BigInt(blockPeriod);
  const reference = BigInt(REFERENCE_BLOCK_PERIOD);
  // round(blocks · reference / period), halves up
  const scaled = (2n * blocks * reference + period) / (2n * period);
  return scaled === 0n ? 1n : scaled;
}

function rescale<T extends Record<string, bigint>>(values: T, keys: readonly (keyof T)[], blockPeriod: number): T {
  const result = { ...values };
  for (const key of keys) result[key] = rescaleBlocks(values[key], blockPeriod) as T[keyof T];
  return result;
}

const decimal = (values: Record<string, bigint>): Record<string, string> =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.toString()]));

export interface CredenceParameters {
  Credence: {
    communityType: number;
    trustParameters: Record<string, string>;
    entryCriteria: Record<string, string>;
    penaltyParameters: Record<string, string>;
  };
}

/** The Ignition parameter file of `plan`'s community; bigints as decimal strings. */
export function buildCredenceParameters(plan: NetworkPlan): CredenceParameters {
  const { options } = plan;
  return {
    Credence: {
      communityType: options.variant === "public" ? CommunityType.Public : CommunityType.Private,
      trustParameters: decimal(rescale(defaultTrustParameters, trustDurationKeys, options.blockPeriod)),
      entryCriteria: decimal(options.entryCriteria),
      penaltyParameters: decimal(rescale(defaultPenaltyParameters, penaltyDurationKeys, options.blockPeriod)),
    },
  };
}
