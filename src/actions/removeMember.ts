import type { Signer } from "ethers";

import type { EntityRegistry } from "../../types/index.js";
import { parseEvents } from "./parseEvents.js";
import { waitForReceipt, type TransactionInfo } from "./waitForReceipt.js";

export interface RemoveMemberParameters {
  registry: EntityRegistry;
  /** The organization's admin account. */
  admin: Signer;
  /** The organization (not Expelled). */
  orgId: bigint;
  /** A member account of `orgId` other than its admin; it loses the organization's rights at once. */
  account: string;
}

export interface RemoveMemberReturnType extends TransactionInfo {
  orgId: bigint;
  account: string;
  /** The organization's member-account count afterwards, the admin included. */
  memberCount: bigint;
}

/** The organization's admin releases a member account: it no longer acts for the organization anywhere. */
export async function removeMember(parameters: RemoveMemberParameters): Promise<RemoveMemberReturnType> {
  const { registry, admin, orgId, account } = parameters;
  const { receipt, ...transaction } = await waitForReceipt(registry.connect(admin).removeMember(orgId, account));
  const [removed] = parseEvents({ receipt, contract: registry, eventName: "MemberRemoved" });
  const { memberCount } = await registry.organization(orgId, { blockTag: transaction.blockNumber });
  return { orgId: removed.args.orgId, account: removed.args.account, memberCount, ...transaction };
}
