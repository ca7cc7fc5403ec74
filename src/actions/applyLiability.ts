import type { Signer } from "ethers";

import { TrustChangeReason } from "../constants.js";
import type { PenaltyCases, TrustLedger } from "../../types/index.js";
import { parseEvents } from "./parseEvents.js";
import { waitForReceipt, type TransactionInfo } from "./waitForReceipt.js";

export interface ApplyLiabilityParameters {
  penalty: PenaltyCases;
  /** The suite's ledger: the recommender's trust change is read from its TrustChanged event. */
  ledger: TrustLedger;
  /** Anyone. */
  signer: Signer;
  /** An Executed case (the accused was expelled within the liability window of its activation). */
  caseId: bigint;
  /** An organization that recommended the expelled one; each pays once per case. */
  recommenderId: bigint;
}

export interface ApplyLiabilityReturnType extends TransactionInfo {
  caseId: bigint;
  recommenderId: bigint;
  /** Trust the recommender lost (liabilityShare of its trust); 0 if it is no longer Active. */
  amount: bigint;
  /** The recommender's trust before (decay included) and after. */
  trustBefore: bigint;
  trustAfter: bigint;
}

/**
 * Applies one recommender's liability for an expelled organization: it loses a share of its trust. One call per
 * recommender keeps every call's cost constant; anyone may call it, once per recommender and case.
 */
export async function applyLiability(parameters: ApplyLiabilityParameters): Promise<ApplyLiabilityReturnType> {
  const { penalty, ledger, signer, caseId, recommenderId } = parameters;
  const { receipt, ...transaction } = await waitForReceipt(
    penalty.connect(signer).applyLiability(caseId, recommenderId),
  );
  const [applied] = parseEvents({ receipt, contract: penalty, eventName: "LiabilityApplied" });
  const change = parseEvents({ receipt, contract: ledger, eventName: "TrustChanged" }).find(
    (event) => event.args.orgId === recommenderId && event.args.reason === BigInt(TrustChangeReason.Liability),
  );
  if (applied === undefined || change === undefined) {
    // A recommender that has left (expelled) had nothing to lose: the call only recorded the liability as applied.
    const trust = await ledger.trustOf(recommenderId, { blockTag: transaction.blockNumber });
    return { caseId, recommenderId, amount: 0n, trustBefore: trust, trustAfter: trust, ...transaction };
  }
  return {
    caseId: applied.args.caseId,
    recommenderId: applied.args.recommenderId,
    amount: applied.args.amount,
    trustBefore: change.args.oldValue,
    trustAfter: change.args.newValue,
    ...transaction,
  };
}
