import type { Signer } from "ethers";

import type { EntityRegistry } from "../../types/index.js";
import { parseEvents } from "./parseEvents.js";
import { waitForReceipt, type TransactionInfo } from "./waitForReceipt.js";

export interface DeleteProfileParameters {
  registry: EntityRegistry;
  /** The organization's admin account. */
  admin: Signer;
  /** The organization (Pending or Active) with a profile record. */
  orgId: bigint;
}

export interface DeleteProfileReturnType extends TransactionInfo {
  orgId: bigint;
  /** The profile record's version after the deletion (the deletion counts as a version). */
  version: bigint;
}

/**
 * The organization's admin deletes its profile record (hash and URI cleared; the ProfileRecordChanged events
 * keep the history). Reverts with EntityRegistryNoProfile(orgId) when there is none.
 */
export async function deleteProfile(parameters: DeleteProfileParameters): Promise<DeleteProfileReturnType> {
  const { registry, admin, orgId } = parameters;
  const { receipt, ...transaction } = await waitForReceipt(registry.connect(admin).deleteProfile(orgId));
  const [changed] = parseEvents({ receipt, contract: registry, eventName: "ProfileRecordChanged" });
  return { orgId: changed.args.orgId, version: changed.args.version, ...transaction };
}
