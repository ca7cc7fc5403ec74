import type { Signer } from "ethers";

import type { EntityRegistry } from "../../types/index.js";
import { parseEvents } from "./parseEvents.js";
import { waitForReceipt, type TransactionInfo } from "./waitForReceipt.js";

export interface AddMemberParameters {
  registry: EntityRegistry;
  /** The organization's admin account. */
  admin: Signer;
  /** The organization (Pending or Active). */
  orgId: bigint;
  /** An account bound to no organization; it will act for `orgId`. */
  account: string;
}

export interface AddMemberReturnType extends TransactionInfo {
  orgId: bigint;
  account: string;
  /** The organization's member-account count afterwards, the admin included. */
  memberCount: bigint;
}

/** The organization's admin binds a member account to it: the account's trust is the organization's. */
export async function addMember(parameters: AddMemberParameters): Promise<AddMemberReturnType> {
  const { registry, admin, orgId, account } = parameters;
  const { receipt, ...transaction } = await waitForReceipt(registry.connect(admin).addMember(orgId, account));
  const [added] = parseEvents({ receipt, contract: registry, eventName: "MemberAdded" });
  const { memberCount } = await registry.organization(orgId, { blockTag: transaction.blockNumber });
  return { orgId: added.args.orgId, account: added.args.account, memberCount, ...transaction };
}
