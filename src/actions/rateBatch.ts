import type { Signer } from "ethers";

import type { TrustLedger } from "../../types/index.js";
import { decodeRatings, type LowIntegritySignal, type RatedContribution, type SkippedRating } from "./decodeRatings.js";
import type { RatingInput } from "./rate.js";
import { waitForReceipt, type TransactionInfo } from "./waitForReceipt.js";

export interface RateBatchParameters {
  ledger: TrustLedger;
  /** An account holding the ASSESSOR role (the platform). */
  assessor: Signer;
  /** The ratings, applied in order. */
  ratings: RatingInput[];
}

export interface RateBatchReturnType extends TransactionInfo {
  /** How many ratings were applied. */
  applied: number;
  /** The applied ratings, in order. */
  rated: RatedContribution[];
  /** The items that were not applied (RatingSkipped), with the reason each would have reverted with. */
  skipped: SkippedRating[];
  /** Low-integrity signals raised by the applied ratings. */
  signals: LowIntegritySignal[];
}

/** The platform rates many contributions in one transaction; a bad item is skipped and reported, not fatal. */
export async function rateBatch(parameters: RateBatchParameters): Promise<RateBatchReturnType> {
  const { ledger, assessor, ratings } = parameters;
  const { receipt, ...transaction } = await waitForReceipt(ledger.connect(assessor).rateBatch(ratings));
  const { rated, signals, skipped } = decodeRatings({ receipt, ledger });
  return { applied: rated.length, rated, skipped, signals, ...transaction };
}
