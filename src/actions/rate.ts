import type { Signer } from "ethers";

import type { TrustLedger } from "../../types/index.js";
import { decodeRatings, type LowIntegritySignal, type RatedContribution } from "./decodeRatings.js";
import { waitForReceipt, type TransactionInfo } from "./waitForReceipt.js";

/** A contribution rating; each score in [0, 1] with 18 decimals. */
export interface RatingInput {
  orgId: bigint;
  /** The platform's identifier of the contribution (bytes32, e.g. the hash of a report). */
  contributionId: string;
  scores: { quality: bigint; quantity: bigint; integrity: bigint; intent: bigint };
  /** Hash of the off-chain evaluation (bytes32), carried by the events. */
  evidenceHash: string;
}

export interface RateParameters {
  ledger: TrustLedger;
  /** An account holding the ASSESSOR role (the platform). */
  assessor: Signer;
  rating: RatingInput;
}

export interface RateReturnType extends TransactionInfo, RatedContribution {
  /** The low-integrity signal the rating raised, if its integrity or intent was under the flag threshold. */
  signal: LowIntegritySignal | undefined;
}

/** The platform rates one contribution; the rated organization's trust moves towards the rating's score. */
export async function rate(parameters: RateParameters): Promise<RateReturnType> {
  const { ledger, assessor, rating } = parameters;
  const { receipt, ...transaction } = await waitForReceipt(ledger.connect(assessor).rate(rating));
  const { rated, signals } = decodeRatings({ receipt, ledger });
  return { ...rated[0], signal: signals[0], ...transaction };
}
