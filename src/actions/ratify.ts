import type { Signer } from "ethers";

import type { PenaltyCases } from "../../types/index.js";
import { decodeResolution, type DecodeResolutionReturnType } from "./decodeResolution.js";
import { parseEvents } from "./parseEvents.js";
import { waitForReceipt, type TransactionInfo } from "./waitForReceipt.js";

export interface RatifyParameters {
  penalty: PenaltyCases;
  /** An account holding the RATIFIER role (governance). */
  ratifier: Signer;
  /** A case whose voting has ended (Succeeded or Defeated), within its ratification window. */
  caseId: bigint;
  /** The decision: expel the organization, or keep it. Equal to the vote's outcome to confirm it. */
  expel: boolean;
  /** Hash of the ratifier's reasons (bytes32). */
  reasonHash: string;
}

export interface RatifyReturnType extends TransactionInfo, DecodeResolutionReturnType {
  /** The account that ratified. */
  ratifier: string;
  /** Whether the decision went against the vote's outcome. */
  overturned: boolean;
  reasonHash: string;
}

/**
 * The ratifier confirms or overturns a case's vote outcome within the ratification window, and the case ends at
 * once: expulsion (bond released) or affirmation (inquiry into the reporter).
 */
export async function ratify(parameters: RatifyParameters): Promise<RatifyReturnType> {
  const { penalty, ratifier, caseId, expel, reasonHash } = parameters;
  const { receipt, ...transaction } = await waitForReceipt(penalty.connect(ratifier).ratify(caseId, expel, reasonHash));
  const [ratified] = parseEvents({ receipt, contract: penalty, eventName: "CaseRatified" });
  return {
    ...decodeResolution({ receipt, penalty }),
    ratifier: ratified.args.ratifier,
    overturned: ratified.args.overturned,
    reasonHash: ratified.args.reasonHash,
    ...transaction,
  };
}
