import type { Signer } from "ethers";

import { ProfileAction, enumName } from "../constants.js";
import type { EntityRegistry } from "../../types/index.js";
import { parseEvents } from "./parseEvents.js";
import { waitForReceipt, type TransactionInfo } from "./waitForReceipt.js";

export interface SetProfileParameters {
  registry: EntityRegistry;
  /** The organization's admin account. */
  admin: Signer;
  /** The organization (Pending or Active). */
  orgId: bigint;
  /** Hash of the new profile document (bytes32, non-zero). */
  profileHash: string;
  /** Where it is (non-empty). */
  profileURI: string;
}

export type ProfileActionName = keyof typeof ProfileAction;

export interface SetProfileReturnType extends TransactionInfo {
  orgId: bigint;
  /** The profile record's version after the change (every add, edit and delete counts). */
  version: bigint;
  /** "Added" when the organization had no profile, else "Edited". */
  action: ProfileActionName;
  profileHash: string;
  profileURI: string;
}

/** The organization's admin adds or edits its profile record (the chain keeps the hash and URI, versioned). */
export async function setProfile(parameters: SetProfileParameters): Promise<SetProfileReturnType> {
  const { registry, admin, orgId, profileHash, profileURI } = parameters;
  const { receipt, ...transaction } = await waitForReceipt(
    registry.connect(admin).setProfile(orgId, profileHash, profileURI),
  );
  const [changed] = parseEvents({ receipt, contract: registry, eventName: "ProfileRecordChanged" });
  const action = enumName(ProfileAction, changed.args.action);
  return {
    orgId: changed.args.orgId,
    version: changed.args.version,
    action,
    profileHash: changed.args.profileHash,
    profileURI: changed.args.profileURI,
    ...transaction,
  };
}
