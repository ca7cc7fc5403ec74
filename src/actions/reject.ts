import type { Signer } from "ethers";

import type { EntityRegistry } from "../../types/index.js";
import { parseEvents } from "./parseEvents.js";
import { waitForReceipt, type TransactionInfo } from "./waitForReceipt.js";

export interface RejectParameters {
  registry: EntityRegistry;
  /** An account holding the ASSESSOR role (the platform). */
  assessor: Signer;
  /** The Pending candidate. */
  orgId: bigint;
  /** Hash of the off-chain reasons (bytes32). */
  reasonHash: string;
}

export interface RejectReturnType extends TransactionInfo {
  orgId: bigint;
  reasonHash: string;
}

/** The assessor refuses a Pending candidate (its status becomes Rejected, which is final). */
export async function reject(parameters: RejectParameters): Promise<RejectReturnType> {
  const { registry, assessor, orgId, reasonHash } = parameters;
  const { receipt, ...transaction } = await waitForReceipt(registry.connect(assessor).reject(orgId, reasonHash));
  const [rejected] = parseEvents({ receipt, contract: registry, eventName: "OrganizationRejected" });
  return { orgId: rejected.args.orgId, reasonHash: rejected.args.reasonHash, ...transaction };
}
