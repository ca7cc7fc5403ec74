import type { Signer } from "ethers";

import type { PenaltyCases } from "../../types/index.js";
import { decodeResolution, type DecodeResolutionReturnType } from "./decodeResolution.js";
import { waitForReceipt, type TransactionInfo } from "./waitForReceipt.js";

export interface ExecuteParameters {
  penalty: PenaltyCases;
  /** Anyone: after the deadline the ratifier's silence cannot stall the case. */
  signer: Signer;
  /** A case whose voting has ended (Succeeded or Defeated) and whose ratification deadline has passed. */
  caseId: bigint;
}

export interface ExecuteReturnType extends TransactionInfo, DecodeResolutionReturnType {
  /** The account that executed. */
  executor: string;
}

/** After the ratification deadline, anyone carries out the vote's outcome: expulsion or affirmation. */
export async function execute(parameters: ExecuteParameters): Promise<ExecuteReturnType> {
  const { penalty, signer, caseId } = parameters;
  const { receipt, ...transaction } = await waitForReceipt(penalty.connect(signer).execute(caseId));
  return { ...decodeResolution({ receipt, penalty }), executor: receipt.from, ...transaction };
}
