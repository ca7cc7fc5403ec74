import type { Signer } from "ethers";

import { countryCode } from "../fixedPoint.js";
import type { EntityRegistry } from "../../types/index.js";
import { parseEvents } from "./parseEvents.js";
import { waitForReceipt, type TransactionInfo } from "./waitForReceipt.js";

export interface RequestJoinParameters {
  registry: EntityRegistry;
  /**
   * The sender: the candidate's admin account asking for itself, or (with `admin`) a platform account holding
   * the ASSESSOR role that submits the request on the candidate's behalf (`requestJoinFor`).
   */
  signer: Signer;
  /** Hash of the legal identifier (bytes32). */
  identityHash: string;
  /** ISO 3166-1 alpha-2 code, e.g. "DE". */
  country: string;
  /** Hash of the profile document (bytes32). */
  profileHash: string;
  /** Where the profile document is. */
  profileURI: string;
  /** The candidate's admin account when the platform submits on its behalf; omit to join as `signer`. */
  admin?: string;
}

export interface RequestJoinReturnType extends TransactionInfo {
  orgId: bigint;
  admin: string;
  /** The account that sent the request: the admin itself or the platform. */
  submittedBy: string;
  country: string;
}

/** A candidate organization asks to join (or the platform asks for it); returns the new Pending org's id. */
export async function requestJoin(parameters: RequestJoinParameters): Promise<RequestJoinReturnType> {
  const { registry, signer, identityHash, country, profileHash, profileURI, admin } = parameters;
  const connected = registry.connect(signer);
  const sent =
    admin === undefined
      ? connected.requestJoin(identityHash, countryCode(country), profileHash, profileURI)
      : connected.requestJoinFor({ identityHash, country: countryCode(country), admin, profileHash, profileURI });
  const { receipt, ...transaction } = await waitForReceipt(sent);
  const [joined] = parseEvents({ receipt, contract: registry, eventName: "JoinRequested" });
  return {
    orgId: joined.args.orgId,
    admin: joined.args.admin,
    submittedBy: joined.args.submittedBy,
    country,
    ...transaction,
  };
}
