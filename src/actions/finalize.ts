import type { Signer } from "ethers";

import type { PenaltyCases } from "../../types/index.js";
import { type CaseOutcome, toCaseOutcome } from "./decodeResolution.js";
import { parseEvents } from "./parseEvents.js";
import { waitForReceipt, type TransactionInfo } from "./waitForReceipt.js";

export interface FinalizeParameters {
  penalty: PenaltyCases;
  /** Anyone. */
  signer: Signer;
  /** A case whose voting has ended (Succeeded or Defeated), not yet finalized. */
  caseId: bigint;
}

export type FinalizeReturnType = TransactionInfo & CaseOutcome;

/**
 * Records a case's vote outcome once voting has ended (anyone, once). Optional: ratify and execute record it
 * themselves when nobody did; finalizing first tells every member the outcome the ratifier decides on.
 */
export async function finalize(parameters: FinalizeParameters): Promise<FinalizeReturnType> {
  const { penalty, signer, caseId } = parameters;
  const { receipt, ...transaction } = await waitForReceipt(penalty.connect(signer).finalize(caseId));
  const [finalized] = parseEvents({ receipt, contract: penalty, eventName: "CaseFinalized" });
  return { ...toCaseOutcome(finalized.args), ...transaction };
}
