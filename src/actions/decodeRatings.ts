import type { TransactionReceipt } from "ethers";

import type { TrustLedger } from "../../types/index.js";

/** One applied rating: the ContributionRated event joined with the TrustChanged it caused. */
export interface RatedContribution {
  orgId: bigint;
  contributionId: string;
  /** The account that submitted the rating. */
  rater: string;
  /** The rater's organization; 0 for the platform. */
  raterOrgId: bigint;
  /** The weighted score of the four dimensions, in [0, 1]. */
  score: bigint;
  /** The rater's weight: 1 for the platform, the rater organization's trust for a peer. */
  weight: bigint;
  /** Trust before the rating (decay up to this block included) and after it. */
  oldTrust: bigint;
  newTrust: bigint;
  delta: bigint;
}

/**
 * A LowIntegritySignalled event: integrity or intent under the flag threshold. Only a platform rating's signal
 * (`raterOrgId` 0) reaches the penalty hook; a peer's is only signalled (peers open cases themselves).
 */
export interface LowIntegritySignal {
  orgId: bigint;
  contributionId: string;
  /** The account that submitted the rating. */
  rater: string;
  /** The rater's organization; 0 for the platform. */
  raterOrgId: bigint;
  integrity: bigint;
  intent: bigint;
}

/** A batch item that was not applied (RatingSkipped), with its reason decoded from the error selector. */
export interface SkippedRating {
  /** Position in the submitted batch. */
  index: number;
  orgId: bigint;
  contributionId: string;
  /** The 4-byte selector of the custom error a single `rate` would have raised. */
  selector: string;
  /** That error's name, e.g. "TrustLedgerInactiveOrganization" (the selector if unknown). */
  error: string;
}

export interface DecodeRatingsParameters {
  receipt: TransactionReceipt;
  ledger: TrustLedger;
}

export interface DecodeRatingsReturnType {
  rated: RatedContribution[];
  signals: LowIntegritySignal[];
  skipped: SkippedRating[];
}

/** Decodes the ratings a `rate`, `rateBatch` or `peerRate` transaction applied, signalled and skipped. */
export function decodeRatings({ receipt, ledger }: DecodeRatingsParameters): DecodeRatingsReturnType {
  if (typeof ledger.target !== "string") throw new Error("decodeRatings needs a ledger attached to an address");
  const address = ledger.target.toLowerCase();
  const result: DecodeRatingsReturnType = { rated: [], signals: [], skipped: [] };
  // The ledger emits TrustChanged, then ContributionRated, then (maybe) LowIntegritySignalled per rating.
  let lastChange: { orgId: bigint; oldValue: bigint; newValue: bigint; delta: bigint } | undefined;
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== address) continue;
    const event = ledger.interface.parseLog(log);
    if (event === null) continue;
    const args = event.args;
    if (event.name === "TrustChanged") {
      lastChange = { orgId: args.orgId, oldValue: args.oldValue, newValue: args.newValue, delta: args.delta };
    } else if (event.name === "ContributionRated") {
      if (lastChange === undefined || lastChange.orgId !== args.orgId) {
        throw new Error(`ContributionRated for ${args.orgId} without its TrustChanged`);
      }
      result.rated.push({
        orgId: args.orgId,
        contributionId: args.contributionId,
        rater: args.rater,
        raterOrgId: args.raterOrgId,
        score: args.score,
        weight: args.weight,
        oldTrust: lastChange.oldValue,
        newTrust: lastChange.newValue,
        delta: lastChange.delta,
      });
      lastChange = undefined;
    } else if (event.name === "LowIntegritySignalled") {
      result.signals.push({
        orgId: args.orgId,
        contributionId: args.contributionId,
        rater: args.rater,
        raterOrgId: args.raterOrgId,
        integrity: args.integrity,
        intent: args.intent,
      });
    } else if (event.name === "RatingSkipped") {
      const selector: string = args.reason;
      result.skipped.push({
        index: Number(args.index),
        orgId: args.orgId,
        contributionId: args.contributionId,
        selector,
        error: ledger.interface.getError(selector)?.name ?? selector,
      });
    }
  }
  return result;
}
