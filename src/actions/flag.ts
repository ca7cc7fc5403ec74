import type { Signer } from "ethers";

import type { PenaltyCases } from "../../types/index.js";
import { parseEvents } from "./parseEvents.js";
import { waitForReceipt, type TransactionInfo } from "./waitForReceipt.js";

export interface FlagParameters {
  penalty: PenaltyCases;
  /**
   * A member account of an Active organization trusted at least the reporting threshold (and not barred); its
   * organization is the reporter and pays the bond.
   */
  signer: Signer;
  /** The Active organization flagged (not the signer's own, with no open case). */
  accusedId: bigint;
  /** The community's reason code (uint16). */
  reasonCode: number;
  /** Hash of the off-chain evidence (bytes32). */
  evidenceHash: string;
}

export interface FlagReturnType extends TransactionInfo {
  /** The new case's id (from the CaseOpened event). */
  caseId: bigint;
  accusedId: bigint;
  reporterId: bigint;
  /** The account that flagged. */
  reporter: string;
  reasonCode: number;
  evidenceHash: string;
  /** The block whose trust weighs the votes: the block before the flag. */
  snapshot: bigint;
  /** First and last blocks of voting. */
  voteStart: bigint;
  voteEnd: bigint;
  /** Trust locked from the reporter organization (bondShare of its trust at the flag). */
  bond: bigint;
  /** The cast weight the vote needs (quorumShare of the total trust at the snapshot). */
  quorum: bigint;
}

/**
 * The signer's organization flags `accusedId`: a case opens with its snapshot, voting window and quorum fixed,
 * and a bond is taken from the reporter organization's trust until the case ends.
 */
export async function flag(parameters: FlagParameters): Promise<FlagReturnType> {
  const { penalty, signer, accusedId, reasonCode, evidenceHash } = parameters;
  const { receipt, ...transaction } = await waitForReceipt(
    penalty.connect(signer).flag(accusedId, reasonCode, evidenceHash),
  );
  const [opened] = parseEvents({ receipt, contract: penalty, eventName: "CaseOpened" });
  const args = opened.args;
  return {
    caseId: args.caseId,
    accusedId: args.accusedId,
    reporterId: args.reporterId,
    reporter: args.reporter,
    reasonCode: Number(args.reasonCode),
    evidenceHash: args.evidenceHash,
    snapshot: args.snapshot,
    voteStart: args.voteStart,
    voteEnd: args.voteEnd,
    bond: args.bond,
    quorum: args.quorum,
    ...transaction,
  };
}
