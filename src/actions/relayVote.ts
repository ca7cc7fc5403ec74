import type { Signer } from "ethers";

import type { PenaltyCases } from "../../types/index.js";
import { type VoteTypeName, voteCastOf } from "./castVote.js";
import { parseEvents } from "./parseEvents.js";
import type { Ballot } from "./signVote.js";
import { waitForReceipt, type TransactionInfo } from "./waitForReceipt.js";

export interface RelayVoteParameters {
  penalty: PenaltyCases;
  /** Any account with funds (the platform, say): it sends and pays; the vote counts for the voter's organization. */
  relayer: Signer;
  /** A signed ballot, as signVote returns it. */
  ballot: Ballot;
  signature: string;
}

export interface RelayVoteReturnType extends TransactionInfo {
  caseId: bigint;
  voterOrgId: bigint;
  /** The account that signed. */
  voter: string;
  /** The account that sent the transaction. */
  relayer: string;
  support: VoteTypeName;
  /** The voter organization's trust at the case's snapshot. */
  weight: bigint;
}

/**
 * Submits a ballot signed with signVote (`castVoteBySig`). The contract checks the signature against the voter's
 * current nonce, so a second submission of the same ballot reverts with PenaltyCasesInvalidSignature(voter), and
 * one past its deadline with PenaltyCasesExpiredSignature(deadline).
 */
export async function relayVote(parameters: RelayVoteParameters): Promise<RelayVoteReturnType> {
  const { penalty, relayer, ballot, signature } = parameters;
  const { receipt, ...transaction } = await waitForReceipt(
    penalty.connect(relayer).castVoteBySig(ballot.caseId, ballot.support, ballot.voter, ballot.deadline, signature),
  );
  const [cast] = parseEvents({ receipt, contract: penalty, eventName: "VoteCast" });
  return {
    ...voteCastOf(cast.args),
    relayer: receipt.from,
    ...transaction,
  };
}
