import type { Signer } from "ethers";

import type { TrustLedger } from "../../types/index.js";
import { decodeRatings, type LowIntegritySignal, type RatedContribution } from "./decodeRatings.js";
import type { RatingInput } from "./rate.js";
import { waitForReceipt, type TransactionInfo } from "./waitForReceipt.js";

export interface PeerRateParameters {
  ledger: TrustLedger;
  /** A member account of another Active organization: its organization's trust weighs the rating. */
  signer: Signer;
  /** A rating of a contribution the platform has already rated (same `orgId` and `contributionId`). */
  rating: RatingInput;
}

export interface PeerRateReturnType extends TransactionInfo, RatedContribution {
  /** The low-integrity signal the rating raised, if any (`raterOrgId` is the rater's: no penalty hook call). */
  signal: LowIntegritySignal | undefined;
}

/**
 * A member rates another organization's contribution; the step is scaled by the rater organization's trust.
 * Peers rate only what the platform rated first: a contribution the platform has not rated reverts with
 * TrustLedgerUnknownContribution(orgId, contributionId), so peers cannot invent contributions to rate.
 */
export async function peerRate(parameters: PeerRateParameters): Promise<PeerRateReturnType> {
  const { ledger, signer, rating } = parameters;
  const { receipt, ...transaction } = await waitForReceipt(ledger.connect(signer).peerRate(rating));
  const { rated, signals } = decodeRatings({ receipt, ledger });
  return { ...rated[0], signal: signals[0], ...transaction };
}
